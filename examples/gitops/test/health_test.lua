-- Runs the Argo CD health check on sample Sandboxes, as Argo CD does: the script sees the object as global `obj`.
-- Usage: lua5.4 health_test.lua path/to/sandbox-health.lua   (exit code 0 when every case passes)
local script = assert(arg[1], "usage: lua5.4 health_test.lua SCRIPT")

local function sandbox(generation, observed, conditions)
  local status = nil
  if conditions ~= nil then
    status = { observedGeneration = observed, conditions = conditions }
  end
  return { apiVersion = "sandbox.northflank.com/v1alpha1", kind = "Sandbox",
           metadata = { name = "s", namespace = "ns", generation = generation }, status = status }
end

local function ready(status, reason)
  return { type = "Ready", status = status, reason = reason, message = "sample" }
end

local function synced(status, reason)
  return { type = "Synced", status = status, reason = reason, message = "sample" }
end

local ok = synced("True", "ReconcileSuccess")
local cases = {
  { "no status yet", sandbox(1, nil, nil), "Progressing" },
  { "empty conditions", sandbox(1, 1, {}), "Progressing" },
  { "available", sandbox(2, 2, { ready("True", "Available"), ok }), "Healthy" },
  { "paused", sandbox(3, 3, { ready("True", "Paused"), ok }), "Suspended" },
  { "expired and paused", sandbox(1, 1, { ready("False", "Expired"), ok }), "Suspended" },
  { "creating", sandbox(1, 1, { ready("False", "Creating"), ok }), "Progressing" },
  { "deploying", sandbox(1, 1, { ready("False", "Deploying"), ok }), "Progressing" },
  { "pausing", sandbox(1, 1, { ready("False", "Pausing"), ok }), "Progressing" },
  { "resuming", sandbox(1, 1, { ready("False", "Resuming"), ok }), "Progressing" },
  { "unknown ready", sandbox(1, 1, { ready("Unknown", "ReconcilePending") }), "Progressing" },
  { "deployment failed", sandbox(1, 1, { ready("False", "DeploymentFailed"), ok }), "Degraded" },
  { "invalid spec", sandbox(1, 1, { ready("False", "NotSynced"), synced("False", "InvalidSpec") }), "Degraded" },
  { "ready but not synced", sandbox(1, 1, { ready("True", "Available"), synced("False", "Unauthorized") }), "Degraded" },
  { "stale: ready for an older spec", sandbox(4, 3, { ready("True", "Available"), ok }), "Progressing" },
  { "stale: failure of an older spec", sandbox(4, 3, { ready("False", "DeploymentFailed"), synced("False", "InvalidSpec") }), "Progressing" },
  { "no observedGeneration", sandbox(1, nil, { ready("True", "Available") }), "Progressing" },
}

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

print(string.format("%d passed, %d failed", #cases - failures, failures))
os.exit(failures == 0 and 0 or 1)
