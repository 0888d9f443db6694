-- Argo CD health check for sandbox.northflank.com/Sandbox. Argo CD sets `obj` to the live object.
-- Reads the operator's Ready and Synced conditions, and only trusts them when the status is for the current spec
-- (status.observedGeneration == metadata.generation).
local hs = { status = "Progressing", message = "Waiting for the operator to report status" }

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
local synced = condition(obj.status.conditions, "Synced")

-- The operator could not bring Northflank in line with the spec (bad spec, credentials, API errors).
if synced ~= nil and synced.status == "False" then
  hs.status = "Degraded"
  hs.message = describe(synced)
  return hs
end

if ready == nil then
  return hs
end

if ready.status == "True" then
  if ready.reason == "Paused" then
    hs.status = "Suspended"
  else
    hs.status = "Healthy"
  end
  hs.message = describe(ready)
  return hs
end

if ready.reason == "DeploymentFailed" then
  hs.status = "Degraded"
elseif ready.reason == "Expired" then
  -- Paused at expiry, as spec.lifecycle.shutdownPolicy asked.
  hs.status = "Suspended"
else
  -- Creating, Deploying, Pausing, Resuming, Deleting, ReconcilePending: on its way.
  hs.status = "Progressing"
end
hs.message = describe(ready)
return hs
