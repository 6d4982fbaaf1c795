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
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// Dialect is the flavour of the data source API a connection's server speaks.
// +kubebuilder:validation:Enum=Auto;Documented;SQLPlugin
type Dialect string

const (
	// DialectAuto sends the documented body first and switches to SQLPlugin
	// when the server answers 400 "Unknown field: configuration".
	DialectAuto Dialect = "Auto"
	// DialectDocumented is the API as its reference page documents it:
	// configuration included, typed property values, JSON object replies.
	DialectDocumented Dialect = "Documented"
	// DialectSQLPlugin is the real OpenSearch SQL plugin: configuration
	// folded into connector properties, string property values, string
	// replies, merged properties on update.
	DialectSQLPlugin Dialect = "SQLPlugin"
)

// SecretKeyReference points at one key of a Secret in the connection's
// namespace.
type SecretKeyReference struct {
	// name is the name of the Secret.
	// +required
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=253
	Name string `json:"name"`

	// key is the key in the Secret; its default depends on the field.
	// +optional
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=253
	Key string `json:"key,omitempty"`
}

// LocalSecretReference names a Secret in the connection's namespace.
type LocalSecretReference struct {
	// name is the name of the Secret.
	// +required
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=253
	Name string `json:"name"`
}

// BasicAuth is HTTP basic authentication with credentials from a Secret.
type BasicAuth struct {
	// secretRef is a Secret in the connection's namespace holding the
	// operator's OpenSearch username and password.
	// +required
	SecretRef CredentialsSecretReference `json:"secretRef"`
}

// ConnectionAuth is how the operator authenticates to OpenSearch: basic or
// awsSigV4, not both.
// +kubebuilder:validation:XValidation:rule="!(has(self.basic) && has(self.awsSigV4))",message="auth.basic and auth.awsSigV4 are exclusive: set one"
type ConnectionAuth struct {
	// basic is HTTP basic authentication.
	// +optional
	Basic *BasicAuth `json:"basic,omitempty"`

	// awsSigV4 signs every request with AWS Signature Version 4, for Amazon
	// OpenSearch Service domains and OpenSearch Serverless collections.
	// +optional
	AWSSigV4 *AWSSigV4Auth `json:"awsSigV4,omitempty"`
}

// AWSService is the AWS service name requests are signed for.
// +kubebuilder:validation:Enum=es;aoss
type AWSService string

const (
	// AWSServiceES is Amazon OpenSearch Service (managed domains).
	AWSServiceES AWSService = "es"
	// AWSServiceAOSS is Amazon OpenSearch Serverless (collections).
	AWSServiceAOSS AWSService = "aoss"
)

// AWSSigV4Settings are the signing settings both connection kinds share.
type AWSSigV4Settings struct {
	// region is the AWS region of the domain or collection, e.g. eu-west-1.
	// +required
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=32
	// +kubebuilder:validation:Pattern=`^[a-z0-9]+(-[a-z0-9]+)*$`
	Region string `json:"region"`

	// service is the service name requests are signed for: es (default;
	// Amazon OpenSearch Service domains) or aoss (OpenSearch Serverless
	// collections).
	// +optional
	// +kubebuilder:default=es
	Service AWSService `json:"service,omitempty"`

	// roleARN is an IAM role the operator assumes (sts:AssumeRole) with the
	// credentials from secretRef, or, on a ClusterOpenSearchConnection
	// without one, from the default chain, before signing.
	// +optional
	// +kubebuilder:validation:MaxLength=2048
	// +kubebuilder:validation:Pattern=`^arn:aws[a-z-]*:iam::[0-9]{12}:role/.+$`
	RoleARN string `json:"roleARN,omitempty"`
}

// AWSCredentialsSecretReference names a Secret holding an AWS access key
// pair, and the keys that hold each part.
type AWSCredentialsSecretReference struct {
	// name is the name of the Secret.
	// +required
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=253
	Name string `json:"name"`

	// accessKeyIDKey is the key in the Secret that holds the access key ID.
	// +optional
	// +kubebuilder:default=AWS_ACCESS_KEY_ID
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=253
	AccessKeyIDKey string `json:"accessKeyIDKey,omitempty"`

	// secretAccessKeyKey is the key in the Secret that holds the secret
	// access key.
	// +optional
	// +kubebuilder:default=AWS_SECRET_ACCESS_KEY
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=253
	SecretAccessKeyKey string `json:"secretAccessKeyKey,omitempty"`

	// sessionTokenKey is the key in the Secret that holds a session token,
	// for temporary credentials. Unset means the key pair needs none.
	// +optional
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=253
	SessionTokenKey string `json:"sessionTokenKey,omitempty"`
}

// AWSSigV4Auth is AWS Signature Version 4 signing with credentials from a
// Secret in the connection's namespace. The operator's own AWS identity (the
// default chain) is not offered here: anyone who may create an
// OpenSearchConnection in a namespace would otherwise act as the operator on
// every domain its role reaches, and have it assume every role that trusts
// it. Only a ClusterOpenSearchConnection, created by a cluster
// administrator, may use it.
// +kubebuilder:validation:XValidation:rule="has(self.secretRef)",message="spec.auth.awsSigV4.secretRef: an OpenSearchConnection must name a Secret in its namespace; only a ClusterOpenSearchConnection may use the operator's own AWS identity",fieldPath=".secretRef",reason=FieldValueRequired
type AWSSigV4Auth struct {
	AWSSigV4Settings `json:",inline"`

	// secretRef is a Secret in the connection's namespace holding an access
	// key pair; a change to it is applied within seconds. Optional in the
	// schema only so that the message can say why: a rule on awsSigV4
	// refuses an OpenSearchConnection without it, as only a
	// ClusterOpenSearchConnection may use the operator's own AWS identity.
	// An empty key is reported, never replaced by that identity.
	// +optional
	SecretRef *AWSCredentialsSecretReference `json:"secretRef,omitempty"`
}

// ConnectionTLS is how the operator verifies OpenSearch and proves who it is.
type ConnectionTLS struct {
	// caSecretRef is a Secret holding the CA bundle (PEM) that verifies the
	// server's certificate; key defaults to ca.crt. Unset means the system
	// roots.
	// +optional
	CASecretRef *SecretKeyReference `json:"caSecretRef,omitempty"`

	// clientCertSecretRef is a kubernetes.io/tls Secret (tls.crt, tls.key)
	// presented to the server for mutual TLS.
	// +optional
	ClientCertSecretRef *LocalSecretReference `json:"clientCertSecretRef,omitempty"`

	// insecureSkipVerify turns off verification of the server's certificate.
	// Verification is on unless this is explicitly true.
	// +optional
	InsecureSkipVerify bool `json:"insecureSkipVerify,omitempty"`
}

// AdoptionPolicy says whether DataSources may take over existing data sources.
// +kubebuilder:validation:Enum=Allow;Deny
type AdoptionPolicy string

const (
	// AdoptionAllow lets a DataSource take over a data source it finds.
	AdoptionAllow AdoptionPolicy = "Allow"
	// AdoptionDeny refuses a data source the DataSource did not create.
	AdoptionDeny AdoptionPolicy = "Deny"
)

// ConnectionSettings are the fields both connection kinds share: where the
// server is, which dialect it speaks, and how the operator paces its calls.
type ConnectionSettings struct {
	// endpoint is the URL of the OpenSearch REST API, https://… or http://….
	// +required
	// +kubebuilder:validation:MaxLength=2048
	// +kubebuilder:validation:Pattern=`^https?://[^\s/?#]+([/?#]\S*)?$`
	Endpoint string `json:"endpoint"`

	// dialect is the flavour of the data source API the server speaks:
	// Auto (default; detected on the first write and shown in
	// status.dialect), Documented or SQLPlugin.
	// +optional
	// +kubebuilder:default=Auto
	Dialect Dialect `json:"dialect,omitempty"`

	// requestTimeout bounds each request to OpenSearch; at most 5m, so that
	// one slow server cannot hold the operator's workers.
	// +optional
	// +kubebuilder:default="10s"
	// +kubebuilder:validation:Type=string
	// +kubebuilder:validation:Pattern=`^([0-9]+(\.[0-9]+)?(ns|us|µs|ms|s|m|h))+$`
	// +kubebuilder:validation:XValidation:rule="!self.matches('^([0-9]+([.][0-9]+)?(ns|us|µs|ms|s|m|h))+$') || duration(self) > duration('0s')",message="requestTimeout must be positive"
	// +kubebuilder:validation:XValidation:rule="!self.matches('^([0-9]+([.][0-9]+)?(ns|us|µs|ms|s|m|h))+$') || duration(self) <= duration('5m')",message="requestTimeout must be at most 5m"
	RequestTimeout *metav1.Duration `json:"requestTimeout,omitempty"`

	// resyncPeriod is how often the remote state is re-read to detect and
	// correct drift; 1s or more. One list call serves all of the
	// connection's DataSources, so short periods stay cheap.
	// +optional
	// +kubebuilder:default="10m"
	// +kubebuilder:validation:Type=string
	// +kubebuilder:validation:Pattern=`^([0-9]+(\.[0-9]+)?(ns|us|µs|ms|s|m|h))+$`
	// +kubebuilder:validation:XValidation:rule="!self.matches('^([0-9]+([.][0-9]+)?(ns|us|µs|ms|s|m|h))+$') || duration(self) >= duration('1s')",message="resyncPeriod must be at least 1s"
	ResyncPeriod *metav1.Duration `json:"resyncPeriod,omitempty"`
}

// OpenSearchConnectionSpec says how to reach one OpenSearch cluster.
type OpenSearchConnectionSpec struct {
	ConnectionSettings `json:",inline"`

	// auth holds the operator's credentials for OpenSearch: basic auth or
	// AWS SigV4, read from a Secret in the connection's namespace. A change
	// to the Secret is applied within seconds.
	// +optional
	Auth *ConnectionAuth `json:"auth,omitempty"`

	// tls configures server verification and the client certificate.
	// +optional
	TLS *ConnectionTLS `json:"tls,omitempty"`

	// adoption says whether a DataSource may take over a data source that
	// already exists on this cluster and is not recorded as its own: Allow
	// (default here, where only this namespace's DataSources can use the
	// connection) or Deny (such a DataSource gets Ready=False with reason
	// AdoptionDenied and nothing is written).
	// +optional
	// +kubebuilder:default=Allow
	Adoption AdoptionPolicy `json:"adoption,omitempty"`
}

// ConnectionStatus is what the operator last observed of a connection.
type ConnectionStatus struct {
	// conditions holds Ready (the endpoint answered, the data source API is
	// present and the credentials are accepted) and kstatus's Reconciling
	// and Stalled, present only while True.
	// +optional
	// +listType=map
	// +listMapKey=type
	// +kubebuilder:validation:MaxItems=8
	Conditions []metav1.Condition `json:"conditions,omitempty"`

	// observedGeneration is the generation the rest of the status describes.
	// +optional
	ObservedGeneration int64 `json:"observedGeneration,omitempty"`

	// version is the OpenSearch version the server reported.
	// +optional
	Version string `json:"version,omitempty"`

	// dialect is the resolved dialect: the one in spec, or for Auto the one
	// detected so far (Auto until the first write tells).
	// +optional
	Dialect Dialect `json:"dialect,omitempty"`

	// clusterUUID is the cluster_uuid the server reported (GET /): what
	// identifies the cluster, whatever name or address reaches it. Two
	// connections with the same clusterUUID reach the same data sources.
	// Empty while unknown; the normalised endpoint identifies the cluster
	// then.
	// +optional
	// +kubebuilder:validation:MaxLength=64
	ClusterUUID string `json:"clusterUUID,omitempty"`
}

// OpenSearchConnection says how to reach an OpenSearch cluster; DataSources
// in the same namespace name it in spec.connectionRef.
// +kubebuilder:object:root=true
// +kubebuilder:subresource:status
// +kubebuilder:resource:shortName=osconn,categories=opensearch
// +kubebuilder:printcolumn:name="Endpoint",type=string,JSONPath=`.spec.endpoint`
// +kubebuilder:printcolumn:name="Dialect",type=string,JSONPath=`.status.dialect`
// +kubebuilder:printcolumn:name="Version",type=string,JSONPath=`.status.version`
// +kubebuilder:printcolumn:name="Ready",type=string,JSONPath=`.status.conditions[?(@.type=="Ready")].status`
// +kubebuilder:printcolumn:name="Reason",type=string,JSONPath=`.status.conditions[?(@.type=="Ready")].reason`
// +kubebuilder:printcolumn:name="Age",type=date,JSONPath=`.metadata.creationTimestamp`
type OpenSearchConnection struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	// spec says how to reach the cluster.
	// +required
	Spec OpenSearchConnectionSpec `json:"spec"`

	// status is what the operator last observed.
	// +optional
	Status ConnectionStatus `json:"status,omitempty"`
}

// OpenSearchConnectionList is a list of OpenSearchConnections.
// +kubebuilder:object:root=true
type OpenSearchConnectionList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	// items are the OpenSearchConnections.
	Items []OpenSearchConnection `json:"items"`
}

// NamespacedCredentialsSecretReference points at a Secret, in any namespace,
// holding a username and a password.
type NamespacedCredentialsSecretReference struct {
	CredentialsSecretReference `json:",inline"`

	// namespace is the Secret's namespace.
	// +required
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=63
	Namespace string `json:"namespace"`
}

// NamespacedSecretKeyReference points at one key of a Secret in any namespace.
type NamespacedSecretKeyReference struct {
	SecretKeyReference `json:",inline"`

	// namespace is the Secret's namespace.
	// +required
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=63
	Namespace string `json:"namespace"`
}

// NamespacedSecretReference names a Secret in any namespace.
type NamespacedSecretReference struct {
	LocalSecretReference `json:",inline"`

	// namespace is the Secret's namespace.
	// +required
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=63
	Namespace string `json:"namespace"`
}

// ClusterBasicAuth is HTTP basic authentication with credentials from a
// Secret in a named namespace.
type ClusterBasicAuth struct {
	// secretRef is the Secret holding the operator's OpenSearch username and
	// password.
	// +required
	SecretRef NamespacedCredentialsSecretReference `json:"secretRef"`
}

// NamespacedAWSCredentialsSecretReference names a Secret, in any namespace,
// holding an AWS access key pair.
type NamespacedAWSCredentialsSecretReference struct {
	AWSCredentialsSecretReference `json:",inline"`

	// namespace is the Secret's namespace.
	// +required
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=63
	Namespace string `json:"namespace"`
}

// ClusterAWSSigV4Auth is AWS Signature Version 4 signing with credentials
// from a Secret in a named namespace, or from the AWS default chain.
type ClusterAWSSigV4Auth struct {
	AWSSigV4Settings `json:",inline"`

	// secretRef is the Secret holding an access key pair; a change to it is
	// applied within seconds. Unset means the AWS default credential chain
	// of the operator's pod: IRSA or EKS Pod Identity, the environment, and
	// last the node's instance role (EC2 IMDS) unless the node blocks it.
	// +optional
	SecretRef *NamespacedAWSCredentialsSecretReference `json:"secretRef,omitempty"`
}

// ClusterConnectionAuth is how the operator authenticates to OpenSearch:
// basic or awsSigV4, not both.
// +kubebuilder:validation:XValidation:rule="!(has(self.basic) && has(self.awsSigV4))",message="auth.basic and auth.awsSigV4 are exclusive: set one"
type ClusterConnectionAuth struct {
	// basic is HTTP basic authentication.
	// +optional
	Basic *ClusterBasicAuth `json:"basic,omitempty"`

	// awsSigV4 signs every request with AWS Signature Version 4, for Amazon
	// OpenSearch Service domains and OpenSearch Serverless collections.
	// +optional
	AWSSigV4 *ClusterAWSSigV4Auth `json:"awsSigV4,omitempty"`
}

// ClusterConnectionTLS is how the operator verifies OpenSearch and proves who
// it is, with Secrets in named namespaces.
type ClusterConnectionTLS struct {
	// caSecretRef is a Secret holding the CA bundle (PEM) that verifies the
	// server's certificate; key defaults to ca.crt. Unset means the system
	// roots.
	// +optional
	CASecretRef *NamespacedSecretKeyReference `json:"caSecretRef,omitempty"`

	// clientCertSecretRef is a kubernetes.io/tls Secret (tls.crt, tls.key)
	// presented to the server for mutual TLS.
	// +optional
	ClientCertSecretRef *NamespacedSecretReference `json:"clientCertSecretRef,omitempty"`

	// insecureSkipVerify turns off verification of the server's certificate.
	// Verification is on unless this is explicitly true.
	// +optional
	InsecureSkipVerify bool `json:"insecureSkipVerify,omitempty"`
}

// AllowedNamespaces limits which namespaces' DataSources may use a
// ClusterOpenSearchConnection. A namespace is allowed when it is listed in
// names or matches selector.
type AllowedNamespaces struct {
	// names lists namespaces allowed by name.
	// +optional
	// +listType=set
	// +kubebuilder:validation:MaxItems=256
	// +kubebuilder:validation:items:MaxLength=63
	Names []string `json:"names,omitempty"`

	// selector allows namespaces whose labels match. Its matchExpressions
	// use the operators In and NotIn (with values) and Exists and
	// DoesNotExist (without); anything else is refused here, because a
	// selector the operator cannot read would allow no namespace at all.
	// +optional
	// +kubebuilder:validation:XValidation:rule="!has(self.matchExpressions) || self.matchExpressions.all(e, e.operator in ['In', 'NotIn'] ? (has(e.values) && size(e.values) > 0) : (e.operator in ['Exists', 'DoesNotExist'] && (!has(e.values) || size(e.values) == 0)))",message="each matchExpressions entry needs operator In or NotIn with at least one value, or Exists or DoesNotExist without values"
	Selector *metav1.LabelSelector `json:"selector,omitempty"`
}

// ClusterOpenSearchConnectionSpec says how to reach one OpenSearch cluster
// and which namespaces may use it.
type ClusterOpenSearchConnectionSpec struct {
	ConnectionSettings `json:",inline"`

	// auth holds the operator's credentials for OpenSearch: basic auth or
	// AWS SigV4, read from a Secret in the namespace the reference names
	// (or, for SigV4, the AWS default chain).
	// +optional
	Auth *ClusterConnectionAuth `json:"auth,omitempty"`

	// tls configures server verification and the client certificate.
	// +optional
	TLS *ClusterConnectionTLS `json:"tls,omitempty"`

	// allowedNamespaces limits which namespaces' DataSources may use this
	// connection; others get Ready=False with reason NamespaceNotAllowed.
	// Unset allows every namespace. DataSource Secrets are always read from
	// the DataSource's own namespace.
	// +optional
	AllowedNamespaces *AllowedNamespaces `json:"allowedNamespaces,omitempty"`

	// adoption says whether a DataSource may take over a data source that
	// already exists on this cluster and is not recorded as its own: Deny
	// (default for a connection shared across namespaces: such a DataSource
	// gets Ready=False with reason AdoptionDenied and nothing is written)
	// or Allow.
	// +optional
	// +kubebuilder:default=Deny
	Adoption AdoptionPolicy `json:"adoption,omitempty"`

	// observe says whether a DataSource under managementPolicy Observe may
	// read, with the operator's credentials, a data source it has not
	// written itself: Deny (default: such a DataSource gets Ready=False with
	// reason ObserveDenied and nothing is read, so a tenant cannot learn
	// through this shared connection what another namespace or the
	// administrator holds on the cluster, nor confirm guessed values) or
	// Allow (every admitted namespace may read and compare any data source
	// on the cluster; use it for a cluster that one team owns, or to bring
	// existing data sources into Git). A DataSource may always observe a
	// data source its status records it wrote.
	// +optional
	// +kubebuilder:default=Deny
	Observe ObservePolicy `json:"observe,omitempty"`
}

// ObservePolicy says whether Observe DataSources may read data sources they
// did not write, through a connection shared across namespaces.
// +kubebuilder:validation:Enum=Allow;Deny
type ObservePolicy string

const (
	// ObserveAllow lets an Observe DataSource read any data source.
	ObserveAllow ObservePolicy = "Allow"
	// ObserveDeny lets it read only a data source it wrote.
	ObserveDeny ObservePolicy = "Deny"
)

// ClusterOpenSearchConnection says how to reach an OpenSearch cluster for
// DataSources in any allowed namespace.
// +kubebuilder:object:root=true
// +kubebuilder:subresource:status
// +kubebuilder:resource:scope=Cluster,shortName=cosconn,categories=opensearch
// +kubebuilder:printcolumn:name="Endpoint",type=string,JSONPath=`.spec.endpoint`
// +kubebuilder:printcolumn:name="Dialect",type=string,JSONPath=`.status.dialect`
// +kubebuilder:printcolumn:name="Version",type=string,JSONPath=`.status.version`
// +kubebuilder:printcolumn:name="Ready",type=string,JSONPath=`.status.conditions[?(@.type=="Ready")].status`
// +kubebuilder:printcolumn:name="Reason",type=string,JSONPath=`.status.conditions[?(@.type=="Ready")].reason`
// +kubebuilder:printcolumn:name="Age",type=date,JSONPath=`.metadata.creationTimestamp`
type ClusterOpenSearchConnection struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	// spec says how to reach the cluster and who may use it.
	// +required
	Spec ClusterOpenSearchConnectionSpec `json:"spec"`

	// status is what the operator last observed.
	// +optional
	Status ConnectionStatus `json:"status,omitempty"`
}

// ClusterOpenSearchConnectionList is a list of ClusterOpenSearchConnections.
// +kubebuilder:object:root=true
type ClusterOpenSearchConnectionList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	// items are the ClusterOpenSearchConnections.
	Items []ClusterOpenSearchConnection `json:"items"`
}
