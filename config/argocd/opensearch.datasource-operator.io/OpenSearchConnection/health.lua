-- Argo CD health check for opensearch.datasource-operator.io/OpenSearchConnection
-- and, through the link ClusterOpenSearchConnection/health.lua, for
-- ClusterOpenSearchConnection: the two kinds report status alike.
--
-- Argo CD runs checks installed through argocd-cm with only the base and
-- table libraries open (no string.*), so this script uses nothing but `..`,
-- tostring, tonumber and ipairs. A connection is Ready when its endpoint
-- answered, the data source API is present and the credentials were
-- accepted:
--   no status yet, or status older than the spec  -> Progressing
--   Ready=True                                     -> Healthy
--   Ready=False                                    -> Degraded
--   Ready=Unknown (the first probe is running)     -> Progressing

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
  hs.message = "Waiting for the operator to probe the connection"
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

-- A status written for an older generation describes the previous
-- endpoint or credentials, not the spec just applied.
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
  hs.status = "Degraded"
  hs.message = text(ready.reason) .. ": " .. text(ready.message)
else
  hs.status = "Progressing"
  hs.message = text(ready.reason) .. ": " .. text(ready.message)
end
return hs
