-- Sample SandboxClaims and the health sandbox-claim-health.lua must give them: { name, object, expected }.
-- Ready is ClaimStatusOf's: Binding, the claim's refusals (PoolNotFound, TemplateNotFound, NameConflict, InvalidSpec,
-- SandboxRefused), or the Sandbox's own Ready reason mirrored.
local function claim(generation, observed, ready)
  local status = nil
  if ready ~= nil then
    status = { observedGeneration = observed, sandboxName = "task-42", launchType = "warm",
               conditions = ready == false and {} or { ready } }
  end
  return { apiVersion = "sandbox.northflank.com/v1alpha1", kind = "SandboxClaim",
           metadata = { name = "task-42", namespace = "ns", generation = generation },
           spec = { warmPoolRef = { name = "p" } }, status = status }
end

local function ready(status, reason)
  return { type = "Ready", status = status, reason = reason, message = "Sandbox task-42: sample" }
end

return {
  { "no status yet", claim(1, nil, nil), "Progressing" },
  { "no Ready condition", claim(1, 1, false), "Progressing" },
  { "bound and available", claim(1, 1, ready("True", "Available")), "Healthy" },
  { "bound, Sandbox paused", claim(1, 1, ready("True", "Paused")), "Suspended" },
  { "Sandbox expired and paused", claim(1, 1, ready("False", "Expired")), "Suspended" },
  { "binding", claim(1, 1, ready("False", "Binding")), "Progressing" },
  { "creating", claim(1, 1, ready("False", "Creating")), "Progressing" },
  { "deploying", claim(1, 1, ready("False", "Deploying")), "Progressing" },
  { "resuming a Paused-tier Sandbox", claim(1, 1, ready("False", "Resuming")), "Progressing" },
  { "throttled", claim(1, 1, ready("False", "Throttled")), "Progressing" },
  { "Sandbox being deleted", claim(1, 1, ready("False", "Deleting")), "Progressing" },
  { "unknown ready", claim(1, 1, ready("Unknown", "ReconcilePending")), "Progressing" },
  { "pool not found", claim(1, 1, ready("False", "PoolNotFound")), "Degraded" },
  { "template not found", claim(1, 1, ready("False", "TemplateNotFound")), "Degraded" },
  { "name taken by another Sandbox", claim(1, 1, ready("False", "NameConflict")), "Degraded" },
  { "deployment failed", claim(1, 1, ready("False", "DeploymentFailed")), "Degraded" },
  { "config not found", claim(1, 1, ready("False", "ConfigNotFound")), "Degraded" },
  { "invalid spec", claim(1, 1, ready("False", "InvalidSpec")), "Degraded" },
  { "quota exceeded", claim(1, 1, ready("False", "QuotaExceeded")), "Degraded" },
  { "Northflank refused the token", claim(1, 1, ready("False", "Unauthorized")), "Degraded" },
  { "the token cannot be a header", claim(1, 1, ready("False", "CredentialsInvalid")), "Degraded" },
  { "the API server refused its Sandbox", claim(1, 1, ready("False", "SandboxRefused")), "Degraded" },
  { "stale: ready for an older spec", claim(3, 2, ready("True", "Available")), "Progressing" },
  { "stale: refusal of an older spec", claim(2, 1, ready("False", "PoolNotFound")), "Progressing" },
  { "no observedGeneration", claim(1, nil, ready("True", "Available")), "Progressing" },
}
