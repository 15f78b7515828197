local function run()
  local s = ""
  local n = 0
  for i = 0, 199999 do
    local piece = "item " .. i .. ", "
    s = piece .. "x"
    n = n + utf8.len(s)
  end
  return n
end
print(run())
