local function run()
  local rows = {}
  for i = 0, 149999 do
    local row = {}
    row[#row + 1] = i
    row[#row + 1] = i % 7
    rows[#rows + 1] = row
  end
  local evens = {}
  for _, r in ipairs(rows) do if r[2] % 2 == 0 then evens[#evens + 1] = r end end
  local firsts = {}
  for _, r in ipairs(evens) do firsts[#firsts + 1] = r[1] end
  local total = 0
  for _, v in ipairs(firsts) do total = total + v end
  return string.format("%d %d %d", #rows, #evens, total)
end
print(run())
