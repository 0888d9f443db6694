-- Prints the samples of cases/<Kind>.lua as JSON, [{"name", "object", "expected"}], so that a health check in another
-- language (Flux's CEL healthCheckExprs) can be run on the very objects the Argo CD script is run on.
-- Usage: lua5.4 cases_json.lua <Kind>. An empty Lua table prints as [] (the samples' only empty table is a conditions list).
local kind = assert(arg[1], "usage: lua5.4 cases_json.lua KIND")
local here = arg[0]:match("^(.*)[/\\]") or "."
local cases = dofile(here .. "/cases/" .. kind .. ".lua")

local encode

local function quote(s)
  return '"' .. s:gsub('[%c"\\]', function(c)
    return c == '"' and '\\"' or c == "\\" and "\\\\" or string.format("\\u%04x", c:byte())
  end) .. '"'
end

local function is_list(t)
  local n = 0
  for _ in pairs(t) do n = n + 1 end
  return n == #t
end

function encode(v)
  local t = type(v)
  if t == "nil" then return "null" end
  if t == "boolean" then return tostring(v) end
  if t == "number" then return math.type(v) == "integer" and string.format("%d", v) or string.format("%.17g", v) end
  if t == "string" then return quote(v) end
  assert(t == "table", "cannot encode a " .. t)
  local parts = {}
  if is_list(v) then
    for _, item in ipairs(v) do parts[#parts + 1] = encode(item) end
    return "[" .. table.concat(parts, ",") .. "]"
  end
  local keys = {}
  for key in pairs(v) do keys[#keys + 1] = key end
  table.sort(keys)
  for _, key in ipairs(keys) do parts[#parts + 1] = quote(key) .. ":" .. encode(v[key]) end
  return "{" .. table.concat(parts, ",") .. "}"
end

local out = {}
for _, case in ipairs(cases) do
  out[#out + 1] = encode({ name = case[1], object = case[2], expected = case[3] })
end
print("[" .. table.concat(out, ",\n") .. "]")
