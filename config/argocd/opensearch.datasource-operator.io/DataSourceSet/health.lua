-- Argo CD health check for opensearch.datasource-operator.io/DataSourceSet.
--
-- Argo CD runs checks installed through argocd-cm with only the base and
-- table libraries open (no string.*, no s:find()), so this script uses
-- nothing but `..`, tostring, tonumber and ipairs. Each child DataSource
-- has its own check; this one reads the set's Ready condition, which sums
-- the children up:
--   no status yet, or status older than the spec  -> Progressing
--   Ready=True (Synced, NoTargets)                 -> Healthy
--   Ready=False, RollingOut (waves under way)      -> Progressing
--   Ready=False, Suspended (the template suspends
--     every child)                                 -> Suspended
--   Ready=False, anything else (a child fails and
--     holds the rollout, or fails after it, or the
--     spec is invalid)                             -> Degraded
--   Ready=Unknown                                  -> Progressing
-- A failing child makes the set Degraded as it makes the child Degraded:
-- a sync wave must not wait forever on a set held by a broken cluster.

local function text(v)
  if v == nil then
    return ""
  end
  return tostring(v)
end

local hs = {}
local status = obj.status
local generation = tonumber(obj.metadata.generation)

if status == nil or status.conditions == nil then
  hs.status = "Progressing"
  hs.message = "Waiting for the operator to report status"
  return hs
end

local ready = nil
for _, c in ipairs(status.conditions) do
  if c.type == "Ready" then
    ready = c
  end
end
if ready == nil then
  hs.status = "Progressing"
  hs.message = "Waiting for the Ready condition"
  return hs
end

local observed = tonumber(status.observedGeneration)
local readyObserved = tonumber(ready.observedGeneration)
if generation ~= nil then
  if (observed == nil and readyObserved == nil)
      or (observed ~= nil and observed < generation)
      or (readyObserved ~= nil and readyObserved < generation) then
    hs.status = "Progressing"
    hs.message = "Waiting for the operator to observe generation " .. tostring(generation)
    return hs
  end
end

local summary = ""
if status.summary ~= nil then
  summary = " (" .. text(status.summary) .. " synced)"
end

if ready.status == "True" then
  hs.status = "Healthy"
  hs.message = text(ready.message)
elseif ready.status == "False" and ready.reason == "Suspended" then
  hs.status = "Suspended"
  hs.message = text(ready.message)
elseif ready.status == "False" and ready.reason ~= "RollingOut" then
  hs.status = "Degraded"
  hs.message = text(ready.reason) .. ": " .. text(ready.message) .. summary
else
  hs.status = "Progressing"
  hs.message = text(ready.reason) .. ": " .. text(ready.message)
end
return hs
