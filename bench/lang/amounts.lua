local function run()
  local spent, waited_ms = 0, 0
  local gwei = 1000000000
  local base = 3 * gwei
  for i = 0, 119999 do
    local payment = (i % 1000) * gwei + base * 2
    spent = spent + payment
    waited_ms = waited_ms + 250 * (i % 4) + 1000
  end
  return string.format("%d %d %d %s", spent, spent // 120000, waited_ms // 1000, tostring(spent > 10 ^ 16))
end
print(run())
