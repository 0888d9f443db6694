-- Argo CD health check for sandbox.northflank.com/SandboxWarmPool. Argo CD sets `obj` to the live object.
-- Healthy when the pool holds spec.replicas unclaimed Sandboxes, all Ready and of the current template (Ready=True,
-- status.readyReplicas == status.replicas == spec.replicas), judged only when the status is for the current spec
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
if ready == nil then
  return hs
end

-- The pool cannot make Sandboxes at all: its template is missing, or the API server refuses them.
if ready.status == "False" and (ready.reason == "TemplateNotFound" or ready.reason == "SandboxRefused") then
  hs.status = "Degraded"
  hs.message = describe(ready)
  return hs
end

local wanted = (obj.spec and obj.spec.replicas) or 1
local have = obj.status.replicas or 0
local available = obj.status.readyReplicas or 0
if ready.status == "True" and available == wanted and have == wanted then
  hs.status = "Healthy"
  hs.message = describe(ready)
  return hs
end

-- Filling, replacing Sandboxes of an old template, or removing extras after a scale down.
hs.message = describe(ready) .. " (" .. tostring(available) .. " ready, " .. tostring(have) .. " in pool, "
  .. tostring(wanted) .. " wanted)"
return hs
