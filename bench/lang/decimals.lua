-- Lua has no decimals: exact fixed point, prices in 1/100, sums in 1/100000.
local function run()
  local total, fees, price = 0, 0, 125          -- total, fees: 1e-5 units; price: 1e-2 units
  for i = 0, 199999 do
    price = price + 1
    total = total + price * 105 * 10 - 50       -- price*1.05 in 1e-4 → ×10; 0.0005 = 50e-5
    if i % 3 == 0 then fees = fees + price * 15 * 1 end  -- price*0.015 in 1e-5
  end
  return string.format("%d %d %s", total // 10, fees, tostring(total > fees))
end
print(run())
