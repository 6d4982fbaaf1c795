-- Argo CD health check for opensearch.datasource-operator.io/DataSource.
--
-- Argo CD runs checks installed through argocd-cm with only the base and
-- table libraries open (no string.*, no s:find()), so this script uses
-- nothing but `..`, tostring, tonumber and ipairs. It reads the Ready
-- condition the operator writes and maps its reason:
--   no status yet, or status older than the spec  -> Progressing
--   Ready=True                                     -> Healthy
--   Ready=False, Suspended                         -> Suspended
--   Ready=False, a reason that clears by itself    -> Progressing
--   Ready=False, anything else (needs a person,
--     or OpenSearch keeps failing)                 -> Degraded
--   Ready=Unknown                                  -> Progressing
-- Reasons a future operator adds are Degraded until this list learns them:
-- a sync wave must not wait forever on a state it cannot leave by itself.

-- Reasons that resolve once something else appears or finishes: the
-- connection or Secret is created, the connection becomes Ready, the
-- Service a connector URI names is deployed (and resolves from the
-- OpenSearch nodes), or a deletion is retried.
local transient = {
  ConnectionNotFound = true,
  ConnectionNotReady = true,
  SecretNotFound = true,
  SecretKeyNotFound = true,
  HostUnresolvable = true,
  Deleting = true,
}

local function text(v)
  if v == nil then
    return ""
  end
  return tostring(v)
end

local function describe(c)
  return text(c.reason) .. ": " .. text(c.message)
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

-- A status written for an older generation says nothing about the spec
-- just applied; reporting it would let a sync wave pass on stale news.
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

if ready.status == "True" then
  hs.status = "Healthy"
  hs.message = text(ready.message)
elseif ready.status == "False" then
  if ready.reason == "Suspended" then
    hs.status = "Suspended"
    hs.message = text(ready.message)
  elseif transient[text(ready.reason)] then
    hs.status = "Progressing"
    hs.message = describe(ready)
  else
    hs.status = "Degraded"
    hs.message = describe(ready)
  end
else
  hs.status = "Progressing"
  hs.message = describe(ready)
end
return hs
