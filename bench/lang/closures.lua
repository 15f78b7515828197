local function make_adder(k) return function(x) return x + k end end
local function run()
  local total = 0
  for i = 0, 299999 do
    local add = make_adder(i)
    total = add(total) % 1000003
  end
  return total
end
print(run())
