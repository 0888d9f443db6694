-- Runs an Argo CD health check on sample objects, as Argo CD does: the script sees the object as global `obj`.
-- The kind comes from the script's first line ("-- Argo CD health check for sandbox.northflank.com/<Kind>."), and
-- the samples with their expected health from cases/<Kind>.lua next to this file.
-- Usage: lua5.4 health_test.lua path/to/<kind>-health.lua   (exit code 0 when every case passes)
local script = assert(arg[1], "usage: lua5.4 health_test.lua SCRIPT")

local header = assert(io.open(script, "r"), "cannot read " .. script):read("l") or ""
local kind = header:match("^%-%- Argo CD health check for sandbox%.northflank%.com/(%w+)%.")
if kind == nil then
  print("FAIL " .. script .. ": its first line does not name the kind it checks")
  os.exit(1)
end

local here = arg[0]:match("^(.*)[/\\]") or "."
local ok, cases = pcall(dofile, here .. "/cases/" .. kind .. ".lua")
if not ok or type(cases) ~= "table" or #cases == 0 then
  print("FAIL " .. kind .. ": no cases in cases/" .. kind .. ".lua (" .. tostring(cases) .. ")")
  os.exit(1)
end

local failures = 0
for _, case in ipairs(cases) do
  local name, object, expected = case[1], case[2], case[3]
  -- A fresh environment per case: `obj` global as in Argo CD, nothing left over from the last case.
  local env = setmetatable({ obj = object }, { __index = _G })
  local chunk = assert(loadfile(script, "t", env))
  local hs = chunk()
  if type(hs) ~= "table" or hs.status ~= expected or type(hs.message) ~= "string" then
    failures = failures + 1
    print(string.format("FAIL %s: expected %s, got %s (%s)", name, expected,
      tostring(type(hs) == "table" and hs.status), tostring(type(hs) == "table" and hs.message)))
  else
    print(string.format("ok   %s: %s (%s)", name, hs.status, hs.message))
  end
end

print(string.format("%s: %d passed, %d failed", kind, #cases - failures, failures))
os.exit(failures == 0 and 0 or 1)
