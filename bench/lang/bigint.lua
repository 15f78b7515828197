-- Lua has no big integers: numbers as little-endian arrays of limbs (schoolbook); the factorial
-- in base 10^7 (for its decimal digits).
local B = 10000000
local function mulsmall(a, k) local r, c = {}, 0
  for i = 1, #a do local v = a[i] * k + c; r[i] = v % B; c = v // B end
  while c > 0 do r[#r + 1] = c % B; c = c // B end; return r end
local function tostr(a) local t = {tostring(a[#a])}
  for i = #a - 1, 1, -1 do t[#t + 1] = string.format("%07d", a[i]) end; return table.concat(t) end
-- The modular walk works in base 2^24, where reducing mod m = 2^3000 - 1 (125 limbs) is a fold:
-- x = hi * 2^3000 + lo ≡ hi + lo.
local K, M24 = 125, 16777216
local function bmul(a, b) local r = {}
  for i = 1, #a + #b do r[i] = 0 end
  for i = 1, #a do local ai = a[i]
    for j = 1, #b do r[i + j - 1] = r[i + j - 1] + ai * b[j] end
    if i % 64 == 0 then local c = 0  -- keep the accumulators below 2^63
      for k = 1, #r do local v = r[k] + c; r[k] = v % M24; c = v // M24 end end end
  local c = 0
  for k = 1, #r do local v = r[k] + c; r[k] = v % M24; c = v // M24 end
  while c > 0 do r[#r + 1] = c % M24; c = c // M24 end
  return r end
local function bfold(a)
  while #a > K do
    local r, c = {}, 0
    for i = 1, K do local v = a[i] + (a[i + K] or 0) + c; r[i] = v % M24; c = v // M24 end
    local k = K + 1; while a[k + K] do r[k] = a[k + K] + c; c = r[k] // M24; r[k] = r[k] % M24; k = k + 1 end
    if c > 0 then r[#r + 1] = c end
    a = r
  end
  while #a > 1 and a[#a] == 0 do a[#a] = nil end
  -- a < 2^3000 now; a == m only when every limb is all ones
  local allones = #a == K
  for i = 1, #a do if a[i] ~= M24 - 1 then allones = false end end
  if allones then return {0} end
  return a
end
local function baddsmall(a, n) local r, c = {}, n
  for i = 1, #a do local v = a[i] + c; r[i] = v % M24; c = v // M24 end
  if c > 0 then r[#r + 1] = c end; return r end
local function bmodsmall(a, m) local r = 0; for i = #a, 1, -1 do r = (r * M24 + a[i]) % m end; return r end
local function run()
  local f = {1}
  for i = 1, 1500 do f = mulsmall(f, i) end
  local s = tostr(f)
  local digits = 0
  for k = 1, #s do digits = digits + (string.byte(s, k) - 48) end
  local x = {3}
  for i = 0, 299 do x = bfold(baddsmall(bmul(x, x), i)) end
  return string.format("%d %d %d", #s, digits, bmodsmall(x, 1000000007))
end
print(run())
