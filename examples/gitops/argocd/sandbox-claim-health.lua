-- Argo CD health check for sandbox.northflank.com/SandboxClaim. Argo CD sets `obj` to the live object.
-- Mirrors the claim's Ready condition, which is its Sandbox's (once that describes the Sandbox's current spec) or the
-- reason the claim has no Sandbox; only trusted when the status is for the current spec
-- (status.observedGeneration == metadata.generation).
local hs = { status = "Progressing", message = "Waiting for the operator to report status" }

-- Reasons that need someone to act: the claim's own refusals, and the Sandbox's failures mirrored into it.
local failed = {
  PoolNotFound = true, TemplateNotFound = true, NameConflict = true, DeploymentFailed = true,
  InvalidSpec = true, ReferenceNotFound = true, CredentialsNotFound = true, ConfigNotFound = true,
  ConfigNotAllowed = true, ProjectNotAllowed = true, PlanNotAllowed = true, QuotaExceeded = true,
  AdoptionRefused = true, NorthflankRejected = true, Unauthorized = true, CredentialsInvalid = true,
  SandboxRefused = true,
}

local function condition(conditions, kind)
  for _, c in ipairs(conditions or {}) do
    if c.type == kind then
      return c
    end
  end
  return nil
end

local function describe(c)
  local text = c.reason or c.type
  if c.message ~= nil and c.message ~= "" then
    text = text .. ": " .. c.message
  end
  return text
end

if obj.status == nil or obj.status.conditions == nil then
  return hs
end

-- A verdict about an older spec says nothing about this one: wait for the operator to catch up.
local generation = obj.metadata and obj.metadata.generation
local observed = obj.status.observedGeneration
if generation ~= nil and (observed == nil or observed < generation) then
  hs.message = "Waiting for the operator to observe generation " .. tostring(generation)
  return hs
end

local ready = condition(obj.status.conditions, "Ready")
if ready == nil then
  return hs
end

hs.message = describe(ready)
if ready.status == "True" then
  -- As for the Sandbox itself: a claimed Sandbox held paused is Suspended.
  hs.status = ready.reason == "Paused" and "Suspended" or "Healthy"
elseif ready.reason == "Expired" then
  -- The claimed Sandbox was paused at expiry, as its lifecycle asked.
  hs.status = "Suspended"
elseif failed[ready.reason] then
  hs.status = "Degraded"
end
-- Otherwise (Binding, Creating, Deploying, Resuming, Deleting, Throttled, ReconcilePending): Progressing.
return hs
