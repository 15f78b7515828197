local function check(i)
  if i % 3 == 0 then error({kind = "value", message = "bad " .. i}) end
  return i
end
local function run()
  local ok, bad, last = 0, 0, ""
  for i = 0, 99999 do
    local good, r = pcall(check, i)
    if good then ok = ok + r else bad = bad + 1; last = r.message end
  end
  return string.format("%d %d %s", ok, bad, last)
end
print(run())
