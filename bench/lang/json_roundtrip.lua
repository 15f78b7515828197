-- Lua has no JSON: a compact encoder and a recursive-descent decoder, both in plain Lua.
local escapes = {['"'] = '\\"', ['\\'] = '\\\\', ['\n'] = '\\n', ['\t'] = '\\t', ['\r'] = '\\r'}
local encode
local function encode_string(s) return '"' .. string.gsub(s, '[%c"\\]', function(c)
  return escapes[c] or string.format("\\u%04x", string.byte(c)) end) .. '"' end
function encode(v, out)
  local t = type(v)
  if t == "string" then out[#out + 1] = encode_string(v)
  elseif t == "number" then out[#out + 1] = math.type(v) == "integer" and string.format("%d", v) or tostring(v)
  elseif t == "boolean" then out[#out + 1] = tostring(v)
  elseif v[1] ~= nil or v.__keys == nil then
    out[#out + 1] = "["
    for i, x in ipairs(v) do if i > 1 then out[#out + 1] = "," end; encode(x, out) end
    out[#out + 1] = "]"
  else
    out[#out + 1] = "{"
    for i, k in ipairs(v.__keys) do
      if i > 1 then out[#out + 1] = "," end
      out[#out + 1] = encode_string(k); out[#out + 1] = ":"; encode(v[k], out)
    end
    out[#out + 1] = "}"
  end
end

local decode_value
local function skip(s, i) return string.find(s, "[^ \t\r\n]", i) end
local unescapes = {['"'] = '"', ['\\'] = '\\', ['/'] = '/', b = '\b', f = '\f', n = '\n', r = '\r', t = '\t'}
local function decode_string(s, i)  -- s[i] is the opening quote
  local parts, j = {}, i + 1
  while true do
    local a = string.find(s, '["\\]', j)
    parts[#parts + 1] = string.sub(s, j, a - 1)
    if string.sub(s, a, a) == '"' then return table.concat(parts), a + 1 end
    local e = string.sub(s, a + 1, a + 1)
    if e == "u" then parts[#parts + 1] = utf8.char(tonumber(string.sub(s, a + 2, a + 5), 16)); j = a + 6
    else parts[#parts + 1] = unescapes[e]; j = a + 2 end
  end
end
function decode_value(s, i)
  i = skip(s, i)
  local c = string.sub(s, i, i)
  if c == "{" then
    local obj = {}
    i = skip(s, i + 1)
    if string.sub(s, i, i) == "}" then return obj, i + 1 end
    while true do
      local k; k, i = decode_string(s, skip(s, i))
      i = skip(s, i) + 1  -- the colon
      obj[k], i = decode_value(s, i)
      i = skip(s, i)
      local d = string.sub(s, i, i)
      i = i + 1
      if d == "}" then return obj, i end
    end
  elseif c == "[" then
    local arr = {}
    i = skip(s, i + 1)
    if string.sub(s, i, i) == "]" then return arr, i + 1 end
    while true do
      arr[#arr + 1], i = decode_value(s, i)
      i = skip(s, i)
      local d = string.sub(s, i, i)
      i = i + 1
      if d == "]" then return arr, i end
    end
  elseif c == '"' then return decode_string(s, i)
  elseif c == "t" then return true, i + 4
  elseif c == "f" then return false, i + 5
  elseif c == "n" then return nil, i + 4
  else
    local a, b = string.find(s, "^-?%d+%.?%d*[eE]?[-+]?%d*", i)
    return math.tointeger(tonumber(string.sub(s, a, b))) or tonumber(string.sub(s, a, b)), b + 1
  end
end

local keys = {"id", "name", "score", "tags", "active", "ratio", "note"}
local function run()
  local recs = {}
  for i = 0, 19999 do
    recs[#recs + 1] = {__keys = keys, id = i, name = "user" .. i, score = i * 37 % 1000, tags = {"a", "b" .. (i % 10)},
                       active = i % 2 == 0, ratio = 0.5, note = 'line\tbreak "q" ' .. i}
  end
  local out = {}
  encode(recs, out)
  local text = table.concat(out)
  local back = decode_value(text, 1)
  local total = 0
  for _, r in ipairs(back) do total = total + r.score + #r.tags end
  return string.format("%d %d %s", #text, total, back[#back].note)
end
print(run())
