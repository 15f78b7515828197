local function run()
  local counts, n = {}, 0
  for i = 0, 399999 do
    local w = "w" .. (i * 7919 % 5003)
    local c = counts[w]
    if c == nil then n = n + 1; counts[w] = 1 else counts[w] = c + 1 end
  end
  local pairs_ = {}
  for k, v in pairs(counts) do pairs_[#pairs_ + 1] = {k, v, -v * 100000 + tonumber(string.sub(k, 2))} end
  table.sort(pairs_, function(a, b) return a[3] < b[3] end)
  local t = pairs_
  return string.format("%d %s=%d %s=%d %s=%d", n, t[1][1], t[1][2], t[2][1], t[2][2], t[#t][1], t[#t][2])
end
print(run())
