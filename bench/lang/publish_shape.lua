-- The same script in Lua: drafts as tables (amounts in wei, durations in seconds), configs
-- serialised with a small JSON encoder (Lua has none).
local SOURCE = "0x4F1477E0a1DA8340E964D01e32Dff302F3CB203A"
local GWEI, OGPU = 1000000000, 1000000000000000000
local TIERS = {short = 500 * GWEI, medium = 100000 * GWEI, long = OGPU // 1000}

local function tier(prompt)
  local n = #prompt
  if n < 42 then return "short" elseif n < 46 then return "medium" else return "long" end
end

local function task(source, fn, data, payment, expiry, max_tokens)
  if type(source) ~= "string" or string.sub(source, 1, 2) ~= "0x" or #source ~= 42 then error("source must be an address") end
  if fn == "" then error("fn must not be empty") end
  if type(data) ~= "table" or next(data) == nil then error("data must be a non-empty map") end
  if payment <= 0 then error("payment must be greater than 0") end
  if expiry <= 0 then error("expiry must be in the future") end
  return {source = source, fn = fn, data = data, payment = payment, expiry = expiry, max_tokens = max_tokens}
end

local function valid(d) return d.payment > 0 and #d.data.messages > 0 and d.expiry >= 600 end

local function quote(s) return '"' .. string.gsub(s, '[%c"\\]', function(c)
  return ({['"'] = '\\"', ['\\'] = '\\\\', ['\n'] = '\\n', ['\t'] = '\\t'})[c] or string.format("\\u%04x", string.byte(c)) end) .. '"' end
local function config_json(data)  -- {"messages":[{"role":…,"content":…},…]}
  local parts = {}
  for i, m in ipairs(data.messages) do
    parts[i] = '{"role":' .. quote(m.role) .. ',"content":' .. quote(m.content) .. '}'
  end
  return '{"messages":[' .. table.concat(parts, ",") .. ']}'
end

local function run()
  local drafts, rejected = {}, 0
  for i = 0, 5999 do
    local prompt = "Question " .. i .. ": " .. (i % 3 == 0 and "summarise the report in one line" or ("what is " .. i .. " squared, and why?"))
    local t = tier(prompt)
    local d = task(SOURCE, "text2text", {messages = {{role = "system", content = "Be brief."}, {role = "user", content = prompt}}},
                   TIERS[t] + i, i % 50 == 0 and 300 or 3600, 64 + i % 64)
    if valid(d) then drafts[#drafts + 1] = d else rejected = rejected + 1 end
  end
  local total, by_tier, bytes = 0, {}, 0
  for _, d in ipairs(drafts) do
    total = total + d.payment
    bytes = bytes + #config_json(d.data)
    local t = tier(d.data.messages[2].content)
    by_tier[t] = (by_tier[t] or 0) + 1
  end
  return string.format("%d %d %d %d %d %d %d", #drafts, rejected, total, by_tier.short, by_tier.medium, by_tier.long, bytes)
end
print(run())
