/*
Copyright 2026 The OpenSearch DataSource Operator Authors.

Licensed under the Apache License, Version 2.0 (the "License");
you may not use this file except in compliance with the License.
You may obtain a copy of the License at

    http://www.apache.org/licenses/LICENSE-2.0

Unless required by applicable law or agreed to in writing, software
distributed under the License is distributed on an "AS IS" BASIS,
WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
See the License for the specific language governing permissions and
limitations under the License.
*/

package v1alpha1

// Condition types. Every kind sets Ready on its first reconcile;
// Reconciling and Stalled are present only while True (kstatus reads an
// absent one as False), and a DataSource gains Drifted with its first
// drift check that finds something (or with its first Observe read).
const (
	// ConditionReady is True when the object is in effect: for a DataSource,
	// the data source in OpenSearch matches the current spec and the current
	// Secret contents; for a connection, the endpoint answered, the data
	// source API is present and the credentials are accepted.
	ConditionReady = "Ready"

	// ConditionDrifted is True while the remote data source differs from the
	// spec because it was changed outside Kubernetes. It turns False
	// (Corrected) once the operator has written the spec back; an Event
	// records each correction. A DataSource never found drifted has none.
	// Under managementPolicy Observe it is True (reason Differs) while the
	// data source differs and False (InSync) once it matches; nothing is
	// written either way.
	ConditionDrifted = "Drifted"

	// ConditionSecretsHeld is True, reason SecretVersionsPinned, while a
	// Secret a DataSource references is at another resourceVersion than
	// its spec.secretVersions names: the DataSource writes nothing and
	// waits for its DataSourceSet's wave. Its message names the Secrets
	// and versions, never their values. Absent otherwise.
	ConditionSecretsHeld = "SecretsHeld"

	// ConditionReconciling is True while the object is converging or
	// retrying: Ready is not True yet and is expected to become True
	// without anyone changing anything (kstatus, which Flux and
	// kubectl-style waits read, reports such an object as InProgress).
	// Removed once that is no longer so.
	ConditionReconciling = "Reconciling"

	// ConditionStalled is True when only a person can make the object
	// Ready: the spec is invalid, OpenSearch refuses it, another object
	// holds the data source, the namespace is not allowed, or an observed
	// data source differs from the spec (kstatus reports such an object as
	// Failed). Its reason is Ready's. Removed once that is no longer so.
	ConditionStalled = "Stalled"
)

// StalledReasons are the Ready reasons that no retry can clear.
var StalledReasons = []string{
	ReasonInvalidSpec, ReasonRejected, ReasonConflict, ReasonNamespaceNotAllowed, ReasonNotFound, ReasonForbidden, ReasonAdoptionDenied,
	ReasonDrifted, ReasonObserveDenied,
	ReasonMasterKeyMissing, ReasonHostDenied, ReasonLimitReached, ReasonAPIDisabled, ReasonRecreateRequired,
}

// Reasons of the Ready condition. The vocabulary is fixed: tools and alerts
// match on it.
const (
	// ReasonSynced (Ready=True): OpenSearch holds exactly what the spec says.
	ReasonSynced = "Synced"
	// ReasonSuspended (Ready=False): spec.suspend is true; no call is made.
	ReasonSuspended = "Suspended"
	// ReasonConnectionNotFound (Ready=False): the referenced connection does not exist.
	ReasonConnectionNotFound = "ConnectionNotFound"
	// ReasonConnectionNotReady (Ready=False): the referenced connection exists but is not Ready.
	ReasonConnectionNotReady = "ConnectionNotReady"
	// ReasonNamespaceNotAllowed (Ready=False): a ClusterOpenSearchConnection's
	// allowedNamespaces does not include the DataSource's namespace.
	ReasonNamespaceNotAllowed = "NamespaceNotAllowed"
	// ReasonSecretNotFound (Ready=False): a referenced Secret does not exist.
	// Resolved as soon as the Secret is created.
	ReasonSecretNotFound = "SecretNotFound"
	// ReasonSecretKeyNotFound (Ready=False): a referenced Secret lacks the key.
	ReasonSecretKeyNotFound = "SecretKeyNotFound"
	// ReasonInvalidSpec (Ready=False): the operator can tell before calling
	// OpenSearch that the spec cannot work, for example a dialect rule.
	ReasonInvalidSpec = "InvalidSpec"
	// ReasonNotFound (Ready=False): managementPolicy is UpdateOnly or
	// Observe and the data source does not exist in OpenSearch.
	ReasonNotFound = "NotFound"
	// ReasonRejected (Ready=False): OpenSearch answered 4xx; the message
	// carries OpenSearch's own reason. Not retried until something changes.
	ReasonRejected = "Rejected"
	// ReasonUnavailable (Ready=False): 5xx, a timeout, a connection error,
	// or an answer that is not OpenSearch's own (a proxy's page); retried
	// with exponential backoff. Also 429, retried after the server's
	// Retry-After, for every DataSource of the connection.
	ReasonUnavailable = "Unavailable"
	// ReasonConflict (Ready=False): another DataSource manages the data
	// source of this name on the same cluster (the same cluster_uuid, else
	// the same normalised endpoint), through this connection or another:
	// the one that has written it there, else the older one. This one makes
	// no call until the other lets go.
	ReasonConflict = "Conflict"
	// ReasonDeleting (Ready=False): the object is being deleted.
	ReasonDeleting = "Deleting"
	// ReasonAdoptionDenied (Ready=False): the data source already exists,
	// this DataSource did not create it, and the connection's
	// spec.adoption is Deny; nothing was written.
	ReasonAdoptionDenied = "AdoptionDenied"
	// ReasonObserveDenied (Ready=False): managementPolicy is Observe, the
	// ClusterOpenSearchConnection's spec.observe is Deny, and this
	// DataSource has not written the data source; nothing was read.
	ReasonObserveDenied = "ObserveDenied"
	// ReasonObserved (Ready=True): managementPolicy is Observe and the data
	// source in OpenSearch matches the spec (credential values aside, which
	// OpenSearch never returns). Nothing was written.
	ReasonObserved = "Observed"
	// ReasonDrifted (Ready=False): managementPolicy is Observe and the data
	// source in OpenSearch differs from the spec; the Drifted condition
	// names the fields. Nothing is written: a person decides whether to
	// change the spec, change OpenSearch, or switch to CreateOrUpdate, so
	// the DataSource is Stalled.
	ReasonDrifted = "Drifted"
	// ReasonProbing (Ready=Unknown): the first reconcile has not finished.
	// Reserved: this release never sets it, as the first reconcile writes
	// Ready True or False in one status write. Tools should read any
	// Ready=Unknown, and an absent Ready, as still in progress.
	ReasonProbing = "Probing"
	// ReasonForbidden (Ready=False, connections): OpenSearch refused the
	// operator's credentials or lacks a permission the operator needs.
	ReasonForbidden = "Forbidden"
	// ReasonTLSFailed (Ready=False, connections): the TLS handshake with
	// spec.endpoint failed: the certificate is signed by an authority the
	// operator does not trust (set spec.tls.caSecretRef), is not valid
	// for the host, or the server does not speak TLS on an https://
	// endpoint. Retried with backoff, as the server's certificate may
	// change too.
	ReasonTLSFailed = "TLSFailed"
	// ReasonMasterKeyMissing (Ready=False): the data source carries
	// credentials and the OpenSearch nodes have no
	// plugins.query.datasources.encryption.masterkey in opensearch.yml
	// (required from 2.9), so OpenSearch cannot store them. Data sources
	// without credentials still work. A cluster administrator must set
	// the key on every node and restart them.
	ReasonMasterKeyMissing = "MasterKeyMissing"
	// ReasonHostUnresolvable (Ready=False): the OpenSearch node could not
	// resolve the host of the connector's URI (prometheus.uri,
	// glue.indexstore.opensearch.uri). Often transient, for example while
	// the Service it names does not exist yet: retried with backoff.
	ReasonHostUnresolvable = "HostUnresolvable"
	// ReasonHostDenied (Ready=False): the connector URI's host resolves to
	// an address on the cluster's
	// plugins.query.datasources.uri.hosts.denylist. Point the URI
	// elsewhere, or have the setting changed.
	ReasonHostDenied = "HostDenied"
	// ReasonLimitReached (Ready=False): the cluster already holds
	// plugins.query.datasources.limit data sources (20 by default), so
	// this one cannot be created. Delete one, or raise the setting.
	ReasonLimitReached = "LimitReached"
	// ReasonAPIDisabled (Ready=False): the cluster setting
	// plugins.query.datasources.enabled is false (2.16+), which turns
	// the whole data source API off.
	ReasonAPIDisabled = "APIDisabled"
	// ReasonRecreateRequired (Ready=False): applying the spec needs the
	// data source deleted and created again (the SQL plugin keeps
	// properties removed from the spec), and spec.recreatePolicy (Never
	// by default for s3glue and security_lake) forbids it. Everything
	// else was written; the message names the properties that remain.
	ReasonRecreateRequired = "RecreateRequired"
	// ReasonConnected (Ready=True, connections): the endpoint answered and
	// the data source API is present and permitted.
	ReasonConnected = "Connected"
)

// Reasons of the Drifted condition.
const (
	// ReasonInSync (Drifted=False): the last check found no difference.
	ReasonInSync = "InSync"
	// ReasonRemoteChanged (Drifted=True): the last check found the remote
	// data source changed outside Kubernetes; a correction is under way.
	ReasonRemoteChanged = "RemoteChanged"
	// ReasonDiffers (Drifted=True): managementPolicy is Observe and the
	// last read found the data source different from the spec; the message
	// names the fields. The operator writes nothing.
	ReasonDiffers = "Differs"
	// ReasonCorrected (Drifted=False): the last change made outside
	// Kubernetes was overwritten with the spec; the message names it.
	ReasonCorrected = "Corrected"
	// ReasonSecretVersionsPinned (SecretsHeld=True): a referenced Secret
	// changed, and spec.secretVersions pins the version before; the
	// message names the Secrets and both resourceVersions.
	ReasonSecretVersionsPinned = "SecretVersionsPinned"
)

// DataSourceFinalizer is the finalizer the operator puts on a DataSource so
// that it can apply spec.deletionPolicy before the object goes away.
const DataSourceFinalizer = "opensearch.datasource-operator.io/finalizer"
