-- Sample Sandboxes and the health sandbox-health.lua must give them: { name, object, expected }.
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
return {
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
