local function run()
  local xs = {}
  local m = {}
  for i = 0, 99999 do
    xs[#xs + 1] = i * 2
    m["k" .. i] = i
  end
  local s = 0
  for _, x in ipairs(xs) do s = s + x end
  for k, v in pairs(m) do s = s + v end
  return s
end
print(run())
