local function split(s, sep)
  local out, start = {}, 1
  while true do
    local a, b = string.find(s, sep, start, true)
    if not a then out[#out + 1] = string.sub(s, start); return out end
    out[#out + 1] = string.sub(s, start, a - 1)
    start = b + 1
  end
end
local function run()
  local lines = {}
  for i = 0, 59999 do
    lines[#lines + 1] = string.format("row %d: name=user%d, score=%d", i, i % 97, i * 7 % 1000)
  end
  local text = table.concat(lines, "\n")
  local n = 0
  for _, line in ipairs(split(text, "\n")) do
    local parts = split(line, ", ")
    n = n + #string.upper(parts[1]) + #parts[2]
  end
  return string.format("%d %d", #text, n)
end
print(run())
