-- Sample SandboxWarmPools and the health sandbox-warm-pool-health.lua must give them: { name, object, expected }.
-- Ready reasons are the ones WarmPoolReconciler writes: Available (True), Filling, TemplateNotFound and SandboxRefused (False).
local function pool(generation, observed, wanted, have, available, ready)
  local status = nil
  if ready ~= nil then
    status = { observedGeneration = observed, replicas = have, readyReplicas = available,
               selector = "sandbox.northflank.com/pool=p", conditions = ready == false and {} or { ready } }
  end
  return { apiVersion = "sandbox.northflank.com/v1alpha1", kind = "SandboxWarmPool",
           metadata = { name = "p", namespace = "ns", generation = generation },
           spec = { templateRef = { name = "t" }, replicas = wanted, tier = "Running", maxUnavailable = 1 },
           status = status }
end

local function ready(status, reason)
  return { type = "Ready", status = status, reason = reason, message = "sample" }
end

local available, filling, missing = ready("True", "Available"), ready("False", "Filling"), ready("False", "TemplateNotFound")
local refused = ready("False", "SandboxRefused")
return {
  { "no status yet", pool(1, nil, 2, nil, nil, nil), "Progressing" },
  { "no Ready condition", pool(1, 1, 2, 0, 0, false), "Progressing" },
  { "full", pool(2, 2, 2, 2, 2, available), "Healthy" },
  { "scaled to zero", pool(3, 3, 0, 0, 0, available), "Healthy" },
  { "filling: none ready yet", pool(1, 1, 2, 2, 0, filling), "Progressing" },
  { "filling: some ready", pool(1, 1, 3, 3, 1, filling), "Progressing" },
  { "rolling to a new template: all ready, not all current", pool(1, 1, 2, 2, 2, filling), "Progressing" },
  { "scaling down: extras still in the pool", pool(2, 2, 1, 3, 3, available), "Progressing" },
  { "ready but a Sandbox short", pool(1, 1, 2, 2, 1, available), "Progressing" },
  { "template not found", pool(1, 1, 2, 0, 0, missing), "Degraded" },
  { "template not found, Sandboxes left", pool(1, 1, 2, 2, 2, missing), "Degraded" },
  { "the API server refuses its Sandboxes", pool(1, 1, 2, 0, 0, refused), "Degraded" },
  { "stale: full for an older spec", pool(4, 3, 5, 2, 2, available), "Progressing" },
  { "stale: template not found for an older spec", pool(2, 1, 2, 0, 0, missing), "Progressing" },
  { "no observedGeneration", pool(1, nil, 2, 2, 2, available), "Progressing" },
}
