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

import (
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
)

// ConnectionKind names the kind of connection a DataSource uses.
// +kubebuilder:validation:Enum=OpenSearchConnection;ClusterOpenSearchConnection
type ConnectionKind string

const (
	// KindOpenSearchConnection is a namespaced connection in the DataSource's namespace.
	KindOpenSearchConnection ConnectionKind = "OpenSearchConnection"
	// KindClusterOpenSearchConnection is a cluster-scoped connection.
	KindClusterOpenSearchConnection ConnectionKind = "ClusterOpenSearchConnection"
)

// DataSourceState is whether OpenSearch lets queries use the data source.
// +kubebuilder:validation:Enum=ACTIVE;DISABLED
type DataSourceState string

const (
	// StateActive lets queries use the data source.
	StateActive DataSourceState = "ACTIVE"
	// StateDisabled keeps the data source but refuses queries against it.
	StateDisabled DataSourceState = "DISABLED"
)

// ManagementPolicy says which calls the operator may make for a DataSource.
// +kubebuilder:validation:Enum=CreateOrUpdate;UpdateOnly;Observe
type ManagementPolicy string

const (
	// ManagementCreateOrUpdate creates the data source when it is missing,
	// updates it otherwise, and deletes it according to deletionPolicy.
	ManagementCreateOrUpdate ManagementPolicy = "CreateOrUpdate"
	// ManagementUpdateOnly only ever updates an existing data source; it never
	// creates or deletes one.
	ManagementUpdateOnly ManagementPolicy = "UpdateOnly"
	// ManagementObserve only ever reads the data source and reports how it
	// compares with the spec; it never creates, updates or deletes one.
	ManagementObserve ManagementPolicy = "Observe"
)

// DeletionPolicy says what happens in OpenSearch when a DataSource is deleted.
// +kubebuilder:validation:Enum=Delete;Retain
type DeletionPolicy string

const (
	// DeletionDelete deletes the data source from OpenSearch.
	DeletionDelete DeletionPolicy = "Delete"
	// DeletionRetain leaves the data source in OpenSearch.
	DeletionRetain DeletionPolicy = "Retain"
)

// RecreatePolicy says whether the operator may delete a data source and
// create it again to apply a change OpenSearch cannot make in place.
// +kubebuilder:validation:Enum=Allow;Never
type RecreatePolicy string

const (
	// RecreateAllow deletes and re-creates the data source when a change
	// needs it, with a Recreating and a Recreated event.
	RecreateAllow RecreatePolicy = "Allow"
	// RecreateNever never deletes the data source to apply a change; the
	// DataSource reports Ready=False with reason RecreateRequired instead,
	// naming what is left and the manual step.
	RecreateNever RecreatePolicy = "Never"
)

// ConnectionReference names the connection (OpenSearch cluster) to manage a
// data source on.
type ConnectionReference struct {
	// name is the name of the OpenSearchConnection (in the DataSource's own
	// namespace) or of the ClusterOpenSearchConnection.
	// +required
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=253
	Name string `json:"name"`

	// kind is OpenSearchConnection (default), which must be in the
	// DataSource's namespace, or ClusterOpenSearchConnection, whose
	// allowedNamespaces must include the DataSource's namespace.
	// +optional
	// +kubebuilder:default=OpenSearchConnection
	Kind ConnectionKind `json:"kind,omitempty"`
}

// CredentialsSecretReference points at a Secret holding a username and a
// password.
type CredentialsSecretReference struct {
	// name is the name of the Secret.
	// +required
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=253
	Name string `json:"name"`

	// usernameKey is the key in the Secret that holds the username.
	// +optional
	// +kubebuilder:default=username
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=253
	UsernameKey string `json:"usernameKey,omitempty"`

	// passwordKey is the key in the Secret that holds the password.
	// +optional
	// +kubebuilder:default=password
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=253
	PasswordKey string `json:"passwordKey,omitempty"`
}

// DataSourceCredentials says where the data source's own credentials come from.
type DataSourceCredentials struct {
	// secretRef is a Secret in the DataSource's namespace holding the
	// username and password OpenSearch uses to reach the data source. A
	// change to the Secret is applied within seconds.
	// +required
	SecretRef CredentialsSecretReference `json:"secretRef"`
}

// DataSourceConfiguration is the documented API's configuration block: the
// data source's own endpoint and credentials.
// +kubebuilder:validation:XValidation:rule="has(self.endpoint) && has(self.credentials)",message="configuration.endpoint and configuration.credentials must be set together"
type DataSourceConfiguration struct {
	// endpoint is the data source's own endpoint, for example
	// jdbc:mysql://mysql:3306/db or http://prometheus:9090. Required when
	// configuration is set. In the SQLPlugin dialect it becomes the
	// connector's URI property (prometheus.uri or
	// glue.indexstore.opensearch.uri).
	// +optional
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=2048
	Endpoint string `json:"endpoint,omitempty"`

	// credentials is where the username and password for the endpoint come
	// from. Required when configuration is set. The values are sent to
	// OpenSearch on every write and never shown in status, events or logs.
	// +optional
	Credentials *DataSourceCredentials `json:"credentials,omitempty"`
}

// SecretKeySelector selects one key of a Secret in the DataSource's namespace.
type SecretKeySelector struct {
	// name is the name of the Secret.
	// +required
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=253
	Name string `json:"name"`

	// key is the key in the Secret whose value is used.
	// +required
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=253
	Key string `json:"key"`
}

// PropertyFromSecret is a connector property whose value comes from a Secret.
type PropertyFromSecret struct {
	// key is the connector property to set, for example
	// prometheus.auth.password: letters, digits, '_', '.' and '-', starting
	// with a letter, a digit or '_', as spec.properties keys.
	// +required
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=256
	// +kubebuilder:validation:Pattern=`^[A-Za-z0-9_][A-Za-z0-9_.-]*$`
	Key string `json:"key"`

	// secretKeyRef is the Secret key, in the DataSource's namespace, whose
	// value becomes the property's value (as a string).
	// +required
	SecretKeyRef SecretKeySelector `json:"secretKeyRef"`
}

// DataSourceSpec is the desired data source. It mirrors the body of
// PUT /_plugins/_query/_datasources, with Kubernetes references instead of
// secret values. Every write sends the complete body.
type DataSourceSpec struct {
	// connectionRef is the connection (OpenSearch cluster) to manage the
	// data source on.
	// +required
	ConnectionRef ConnectionReference `json:"connectionRef"`

	// secretVersions is set by a DataSourceSet that rolls out Secret
	// changes in waves: the Secrets this DataSource may write, as
	// name@resourceVersion pairs sorted by name and separated by commas
	// (for example "prom@4711,tls@4690"). While a Secret named here is at
	// another resourceVersion, the DataSource writes nothing (no rotation,
	// no drift correction, no credential rewrite), keeps its Ready
	// condition, reports the SecretsHeld condition and waits for its set to
	// release the new version. A referenced Secret not named here is not
	// held. Empty (the default) applies Secret changes at once. It names
	// resourceVersions only, never values or hashes of values: a hash of a
	// weak password could be guessed by anyone who may read the DataSource.
	// +optional
	// +kubebuilder:validation:MaxLength=20480
	// +kubebuilder:validation:Pattern=`^[a-z0-9]([-a-z0-9.]*[a-z0-9])?@[0-9A-Za-z_-]{1,64}(,[a-z0-9]([-a-z0-9.]*[a-z0-9])?@[0-9A-Za-z_-]{1,64})*$`
	SecretVersions string `json:"secretVersions,omitempty"`

	DataSourceParameters `json:",inline"`
}

// DataSourceParameters are what a DataSource says of its data source,
// apart from where it lives: a DataSource has them beside its
// connectionRef, and a DataSourceSet's template has them alone, so that
// every child of a set is made from them as they are.
type DataSourceParameters struct {
	// name is the data source's name in OpenSearch. Defaults to
	// metadata.name (in a DataSourceSet's template, the set's, so that the
	// data source has one name on every cluster). It must start with a
	// letter (or @ or *) followed by letters, digits, '_', '-' or '*'.
	// '@opensearch' is reserved. Immutable: it may be set later only to
	// metadata.name, the name the data source already has.
	// +optional
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=255
	// +kubebuilder:validation:Pattern=`^[@*A-Za-z]+[*A-Za-z0-9_-]*$`
	// +kubebuilder:validation:XValidation:rule="self != '@opensearch'",message="@opensearch is OpenSearch's built-in data source and cannot be managed"
	Name string `json:"name,omitempty"`

	// description is a human-readable description of the data source.
	// +optional
	// +kubebuilder:validation:MaxLength=4096
	Description string `json:"description,omitempty"`

	// connector is the connector type, for example prometheus, s3glue,
	// security_lake or opensearch (the SQL plugin's connectors), or any
	// connector a server of the documented API supports, such as mysql.
	// Compared case-insensitively. Immutable (a change of case aside):
	// OpenSearch never compares the old and new connector and keeps the old
	// one's properties, so another connector is another data source.
	// +required
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=63
	// +kubebuilder:validation:Pattern=`^[A-Za-z][A-Za-z0-9_]*$`
	// +kubebuilder:validation:XValidation:rule="self.lowerAscii() == oldSelf.lowerAscii()",message="connector is immutable: OpenSearch keeps the old connector's properties under a new connector; create another DataSource (or DataSourceSet), with another name, for the other connector, and delete this one"
	Connector string `json:"connector"`

	// resultIndex is the index where query results from this data source are
	// stored. Defaults to query_execution_result_<lower-cased name> with
	// characters outside [a-z0-9_-] removed. The SQL plugin also requires it
	// to start with query_execution_result.
	// +optional
	// +kubebuilder:validation:MaxLength=255
	// +kubebuilder:validation:Pattern=`^[a-z0-9_-]+$`
	ResultIndex string `json:"resultIndex,omitempty"`

	// status is ACTIVE (queries may use the data source) or DISABLED (the
	// data source is kept but queries are refused).
	// +optional
	// +kubebuilder:default=ACTIVE
	Status DataSourceState `json:"status,omitempty"`

	// allowedRoles lists the OpenSearch Security roles allowed to query the
	// data source. Order is kept, and the list replaces the remote one
	// entirely. Empty means only all_access users may query it.
	// +optional
	// +listType=atomic
	// +kubebuilder:validation:MaxItems=256
	// +kubebuilder:validation:items:MinLength=1
	// +kubebuilder:validation:items:MaxLength=256
	AllowedRoles []string `json:"allowedRoles,omitempty"`

	// configuration is the documented API's endpoint and credentials block.
	// In the SQLPlugin dialect it is folded into the connector's properties
	// (prometheus, s3glue and security_lake only; other connectors must use
	// properties and propertiesFrom).
	// +optional
	Configuration *DataSourceConfiguration `json:"configuration,omitempty"`

	// properties are the connector's properties, for example prometheus.uri.
	// Values are strings, numbers or booleans, a string at most 4096
	// characters. Keys are at most 256 letters, digits, '_', '.' and '-',
	// starting with a letter, a digit or '_'. Objects, arrays and null
	// values, and keys outside that pattern, are refused at admission by the
	// ValidatingAdmissionPolicy in config/policy (a CRD rule cannot see into
	// this schemaless map), and reported as InvalidSpec where that policy is
	// not installed. Put secret values in propertiesFrom instead.
	// +optional
	// +kubebuilder:validation:MaxProperties=128
	Properties map[string]apiextensionsv1.JSON `json:"properties,omitempty"`

	// propertiesFrom are connector properties whose values come from Secrets
	// in the DataSource's namespace, for example prometheus.auth.password. A
	// key may not also appear in properties (refused at admission by the
	// ValidatingAdmissionPolicy in config/policy, and reported as InvalidSpec
	// where that policy is not installed).
	// +optional
	// +listType=map
	// +listMapKey=key
	// +kubebuilder:validation:MaxItems=64
	PropertiesFrom []PropertyFromSecret `json:"propertiesFrom,omitempty"`

	// managementPolicy says which calls the operator may make:
	// CreateOrUpdate (default) creates the data source when missing,
	// updates it otherwise and deletes it per deletionPolicy; UpdateOnly only
	// ever updates an existing data source (never creates or deletes one; if
	// it does not exist, Ready is False with reason NotFound); Observe only
	// reads it and reports, and never writes or deletes anything: Ready is
	// True with reason Observed when the data source matches the spec, False
	// with reason Drifted (and the Drifted condition names the differing
	// fields) when it does not, and False with reason NotFound when it does
	// not exist. Credential values are never compared (OpenSearch does not
	// return them), but the Secrets the spec references must exist. An
	// Observe DataSource gets no finalizer, does not record
	// status.connection, and neither blocks nor is blocked by a DataSource
	// that writes the same data source. Switching to CreateOrUpdate applies
	// the spec, subject to the connection's spec.adoption.
	// +optional
	// +kubebuilder:default=CreateOrUpdate
	ManagementPolicy ManagementPolicy `json:"managementPolicy,omitempty"`

	// deletionPolicy says what happens in OpenSearch when the DataSource is
	// deleted: Delete removes the data source, Retain leaves it. Unset:
	// Retain for the s3glue and security_lake connectors, whose Flint
	// indices OpenSearch drops once their data source is gone, and Delete
	// for every other connector. Ignored under UpdateOnly and Observe,
	// which never delete.
	// +optional
	DeletionPolicy DeletionPolicy `json:"deletionPolicy,omitempty"`

	// recreatePolicy says whether the operator may delete the data source
	// and create it again when a change cannot be made in place: the SQL
	// plugin's update keeps properties that were removed from the spec.
	// Allow deletes and re-creates it (with Recreating and Recreated
	// events); Never leaves it and reports Ready=False with reason
	// RecreateRequired, naming the properties that remain. Unset: Never
	// for the s3glue and security_lake connectors, whose Flint indices
	// (skipping and covering indices, materialized views) OpenSearch drops
	// when their data source is deleted, even if it is created again;
	// Allow for every other connector.
	// +optional
	RecreatePolicy RecreatePolicy `json:"recreatePolicy,omitempty"`

	// suspend, when true, stops the operator from making any call to
	// OpenSearch for this DataSource until it is set back to false.
	// +optional
	Suspend bool `json:"suspend,omitempty"`
}

// DataSourceStatus is what the operator last observed and did.
type DataSourceStatus struct {
	// conditions are Ready (is OpenSearch in line with the spec and the
	// Secrets?), Drifted once a drift was found (was the remote changed
	// outside Kubernetes? under managementPolicy Observe: does it differ
	// from the spec?), and kstatus's Reconciling and Stalled, present only
	// while True.
	// +optional
	// +listType=map
	// +listMapKey=type
	// +kubebuilder:validation:MaxItems=8
	Conditions []metav1.Condition `json:"conditions,omitempty"`

	// observedGeneration is the generation the rest of the status describes.
	// +optional
	ObservedGeneration int64 `json:"observedGeneration,omitempty"`

	// dataSourceId is the id the server returned (documented dialect); for
	// the SQL plugin, which keys data sources by name, the name. Under
	// managementPolicy Observe, the id the last read showed.
	// +optional
	DataSourceID string `json:"dataSourceId,omitempty"`

	// name is the data source's name as the server reported it, set by
	// each write and Observe read. `kubectl get` shows it as DATASOURCE:
	// a column cannot fall back from an empty spec.name to metadata.name.
	// +optional
	Name string `json:"name,omitempty"`

	// status is the data source's status as the server reported it (ACTIVE
	// or DISABLED): in its reply to the last write, or under
	// managementPolicy Observe in the last read.
	// +optional
	Status string `json:"status,omitempty"`

	// message is the server's reply to the last write, for example
	// "Updated DataSource with name x".
	// +optional
	Message string `json:"message,omitempty"`

	// lastSyncTime is when the operator last wrote the data source to
	// OpenSearch successfully.
	// +optional
	LastSyncTime *metav1.Time `json:"lastSyncTime,omitempty"`

	// dialect is the wire dialect (Documented or SQLPlugin) of the last
	// write or comparison: the one the connection resolved, shown by
	// kubectl get -o wide.
	// +optional
	Dialect Dialect `json:"dialect,omitempty"`

	// fingerprint is a hash of what was last applied: the connection and
	// the full body, with each Secret-derived value replaced by the
	// Secret's namespace, name, uid, resourceVersion and key.
	// The operator skips writes that would not change it.
	// +optional
	Fingerprint string `json:"fingerprint,omitempty"`

	// connection records where this DataSource last wrote its data source:
	// the connection object and its endpoint at the time. Deletion and a
	// change of spec.connectionRef act only there. Unset until the first
	// successful write, and cleared when another DataSource wins a
	// conflict over the data source.
	// +optional
	Connection *WrittenConnection `json:"connection,omitempty"`

	// adopted is true when the data source already existed when this
	// DataSource first wrote it, so this DataSource did not create it. A
	// change of spec.connectionRef keeps an adopted data source on the old
	// cluster; one this DataSource created is removed there under
	// deletionPolicy Delete.
	// +optional
	Adopted bool `json:"adopted,omitempty"`

	// credentialKeys are the names (never the values) of the
	// credential-named properties last written. OpenSearch never shows such
	// properties, so this is how one dropped from the spec is found and
	// removed, across operator restarts too. At most 194: every key of
	// spec.properties (128) and spec.propertiesFrom (64) and the two
	// spec.configuration adds, so that any spec's keys fit.
	// +optional
	// +listType=set
	// +kubebuilder:validation:MaxItems=194
	CredentialKeys []string `json:"credentialKeys,omitempty"`

	// pendingCreate records a create of the data source that was about to
	// be sent and whose outcome is not recorded yet: the operator writes it
	// before the request and clears it with the status that records the
	// write (or with the answer that nothing was created). A data source
	// found where it points was made by this DataSource, so a manager that
	// restarted in between neither reports AdoptionDenied for it nor takes
	// it for adopted, and deleting the DataSource deletes it there.
	// +optional
	PendingCreate *WrittenConnection `json:"pendingCreate,omitempty"`
}

// WrittenConnection identifies the connection a data source was written
// through.
type WrittenConnection struct {
	// kind is OpenSearchConnection or ClusterOpenSearchConnection.
	Kind ConnectionKind `json:"kind"`

	// name is the connection's name (in the DataSource's namespace for an
	// OpenSearchConnection).
	Name string `json:"name"`

	// uid is the connection object's uid: a connection deleted and created
	// again under the same name is another connection.
	// +optional
	UID types.UID `json:"uid,omitempty"`

	// endpoint is the connection's endpoint when the data source was
	// written, normalised (scheme, host, port, path without a trailing
	// slash).
	Endpoint string `json:"endpoint"`

	// clusterUUID is the cluster_uuid the connection's server reported when
	// the data source was written. Records with the same clusterUUID are on
	// the same cluster whatever their endpoints; without it (unknown at the
	// time) the endpoint identifies the cluster.
	// +optional
	// +kubebuilder:validation:MaxLength=64
	ClusterUUID string `json:"clusterUUID,omitempty"`
}

// DataSource declares one data source of the OpenSearch SQL/PPL plugin
// (/_plugins/_query/_datasources) on the cluster its connection names. The
// operator writes the complete data source on every change, corrects drift,
// and reports the result in status.
// +kubebuilder:object:root=true
// +kubebuilder:subresource:status
// +kubebuilder:resource:shortName=osds,categories=opensearch
// +kubebuilder:printcolumn:name="DataSource",type=string,JSONPath=`.status.name`
// +kubebuilder:printcolumn:name="Connection",type=string,JSONPath=`.spec.connectionRef.name`
// +kubebuilder:printcolumn:name="Connector",type=string,JSONPath=`.spec.connector`
// +kubebuilder:printcolumn:name="Status",type=string,JSONPath=`.status.status`
// +kubebuilder:printcolumn:name="Ready",type=string,JSONPath=`.status.conditions[?(@.type=="Ready")].status`
// +kubebuilder:printcolumn:name="Reason",type=string,JSONPath=`.status.conditions[?(@.type=="Ready")].reason`
// +kubebuilder:printcolumn:name="Policy",type=string,JSONPath=`.spec.managementPolicy`,priority=1
// +kubebuilder:printcolumn:name="Dialect",type=string,JSONPath=`.status.dialect`,priority=1
// +kubebuilder:printcolumn:name="Last Sync",type=date,JSONPath=`.status.lastSyncTime`,priority=1
// +kubebuilder:printcolumn:name="Age",type=date,JSONPath=`.metadata.creationTimestamp`
// +kubebuilder:printcolumn:name="Message",type=string,JSONPath=`.status.conditions[?(@.type=="Ready")].message`,priority=1
// +kubebuilder:validation:XValidation:rule="has(self.spec.name) || self.metadata.name.matches('^[A-Za-z][A-Za-z0-9_-]*$')",message="metadata.name is not a valid OpenSearch data source name (letters, digits, '_' and '-', starting with a letter); set spec.name"
// +kubebuilder:validation:XValidation:rule="(has(oldSelf.spec.name) ? oldSelf.spec.name : oldSelf.metadata.name) == (has(self.spec.name) ? self.spec.name : self.metadata.name)",message="spec.name is immutable once set (unset means metadata.name): a new name would be a different data source; create a new DataSource instead",fieldPath=.spec.name
type DataSource struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	// spec is the desired data source.
	// +required
	Spec DataSourceSpec `json:"spec"`

	// status is what the operator last observed and did.
	// +optional
	Status DataSourceStatus `json:"status,omitempty"`
}

// DataSourceList is a list of DataSources.
// +kubebuilder:object:root=true
type DataSourceList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	// items are the DataSources.
	Items []DataSource `json:"items"`
}
