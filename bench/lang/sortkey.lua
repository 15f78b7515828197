local function run()
  local xs = {}
  local x = 12345
  for i = 0, 199999 do
    x = (x * 1103515245 + 12345) % 2147483648
    xs[#xs + 1] = x % 1000000
  end
  local s = {}
  for i = 1, #xs do s[i] = xs[i] end
  table.sort(s)
  local recs = {}
  for i = 0, 49999 do
    local r = {id = i, score = xs[i + 1] % 1000, name = "n" .. i}
    r.key = r.score * 100000 + r.id
    recs[#recs + 1] = r
  end
  table.sort(recs, function(a, b) return a.key < b.key end)
  return string.format("%d %d %d %s %s", s[1], s[100001], s[#s], recs[1].name, recs[#recs].name)
end
print(run())
