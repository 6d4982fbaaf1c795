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

package argocd

// The objects TestCaptureTestdata creates, written as a user would write
// them. setupObjects takes, in order: the fake's URL, a URL nothing listens
// on, the flaky fake's URL and the label that hides an object from the
// manager.
const setupObjects = `
apiVersion: v1
kind: Namespace
metadata:
  name: team-a
---
apiVersion: v1
kind: Namespace
metadata:
  name: team-b
---
apiVersion: v1
kind: Secret
metadata:
  name: opensearch-admin
  namespace: team-a
stringData:
  username: admin
  password: admin-password
---
apiVersion: v1
kind: Secret
metadata:
  name: stale-admin
  namespace: team-a
stringData:
  username: admin
  password: rotated-away
---
apiVersion: v1
kind: Secret
metadata:
  name: prometheus-credentials
  namespace: team-a
stringData:
  username: prometheus
  password: prometheus-password
---
apiVersion: v1
kind: Secret
metadata:
  name: password-only
  namespace: team-a
stringData:
  password: prometheus-password
---
apiVersion: opensearch.datasource-operator.io/v1alpha1
kind: OpenSearchConnection
metadata:
  name: opensearch
  namespace: team-a
spec:
  endpoint: %[1]s
  auth:
    basic:
      secretRef:
        name: opensearch-admin
---
apiVersion: opensearch.datasource-operator.io/v1alpha1
kind: OpenSearchConnection
metadata:
  name: edited
  namespace: team-a
spec:
  endpoint: %[1]s
  auth:
    basic:
      secretRef:
        name: opensearch-admin
---
apiVersion: opensearch.datasource-operator.io/v1alpha1
kind: OpenSearchConnection
metadata:
  name: fresh
  namespace: team-a
  labels:
    %[4]s: "true"
spec:
  endpoint: %[1]s
  auth:
    basic:
      secretRef:
        name: opensearch-admin
---
apiVersion: opensearch.datasource-operator.io/v1alpha1
kind: OpenSearchConnection
metadata:
  name: wrong-password
  namespace: team-a
spec:
  endpoint: %[1]s
  auth:
    basic:
      secretRef:
        name: stale-admin
---
apiVersion: opensearch.datasource-operator.io/v1alpha1
kind: OpenSearchConnection
metadata:
  name: unreachable
  namespace: team-a
spec:
  endpoint: %[2]s
  requestTimeout: 2s
---
apiVersion: opensearch.datasource-operator.io/v1alpha1
kind: OpenSearchConnection
metadata:
  name: flaky
  namespace: team-a
spec:
  endpoint: %[3]s
---
apiVersion: opensearch.datasource-operator.io/v1alpha1
kind: ClusterOpenSearchConnection
metadata:
  name: shared-opensearch
spec:
  endpoint: %[1]s
  auth:
    basic:
      secretRef:
        name: opensearch-admin
        namespace: team-a
  allowedNamespaces:
    names: [team-b]
---
apiVersion: opensearch.datasource-operator.io/v1alpha1
kind: ClusterOpenSearchConnection
metadata:
  name: edited
spec:
  endpoint: %[1]s
  auth:
    basic:
      secretRef:
        name: opensearch-admin
        namespace: team-a
---
apiVersion: opensearch.datasource-operator.io/v1alpha1
kind: ClusterOpenSearchConnection
metadata:
  name: fresh
  labels:
    %[4]s: "true"
spec:
  endpoint: %[1]s
---
apiVersion: opensearch.datasource-operator.io/v1alpha1
kind: ClusterOpenSearchConnection
metadata:
  name: wrong-password
spec:
  endpoint: %[1]s
  auth:
    basic:
      secretRef:
        name: stale-admin
        namespace: team-a
---
apiVersion: opensearch.datasource-operator.io/v1alpha1
kind: DataSource
metadata:
  name: fresh
  namespace: team-a
  labels:
    %[4]s: "true"
spec:
  connectionRef:
    name: opensearch
  connector: prometheus
  configuration:
    endpoint: http://prometheus.monitoring.svc:9090
    credentials:
      secretRef:
        name: prometheus-credentials
`

// dataSources are the DataSources on the main fake, one per state.
const dataSources = `
apiVersion: opensearch.datasource-operator.io/v1alpha1
kind: DataSource
metadata:
  name: synced
  namespace: team-a
spec:
  connectionRef:
    name: opensearch
  connector: prometheus
  description: cluster metrics
  allowedRoles: [prometheus_access]
  configuration:
    endpoint: http://prometheus.monitoring.svc:9090
    credentials:
      secretRef:
        name: prometheus-credentials
---
apiVersion: opensearch.datasource-operator.io/v1alpha1
kind: DataSource
metadata:
  name: edited
  namespace: team-a
spec:
  connectionRef:
    name: opensearch
  connector: prometheus
  configuration:
    endpoint: http://prometheus.monitoring.svc:9090
    credentials:
      secretRef:
        name: prometheus-credentials
---
apiVersion: opensearch.datasource-operator.io/v1alpha1
kind: DataSource
metadata:
  name: retiring
  namespace: team-a
spec:
  connectionRef:
    name: opensearch
  connector: prometheus
  configuration:
    endpoint: http://prometheus.monitoring.svc:9090
    credentials:
      secretRef:
        name: prometheus-credentials
---
apiVersion: opensearch.datasource-operator.io/v1alpha1
kind: DataSource
metadata:
  name: suspended
  namespace: team-a
spec:
  connectionRef:
    name: opensearch
  connector: prometheus
  suspend: true
  configuration:
    endpoint: http://prometheus.monitoring.svc:9090
    credentials:
      secretRef:
        name: prometheus-credentials
---
apiVersion: opensearch.datasource-operator.io/v1alpha1
kind: DataSource
metadata:
  name: connection-not-found
  namespace: team-a
spec:
  connectionRef:
    name: not-created-yet
  connector: prometheus
  configuration:
    endpoint: http://prometheus.monitoring.svc:9090
    credentials:
      secretRef:
        name: prometheus-credentials
---
apiVersion: opensearch.datasource-operator.io/v1alpha1
kind: DataSource
metadata:
  name: connection-not-ready
  namespace: team-a
spec:
  connectionRef:
    name: wrong-password
  connector: prometheus
  configuration:
    endpoint: http://prometheus.monitoring.svc:9090
    credentials:
      secretRef:
        name: prometheus-credentials
---
apiVersion: opensearch.datasource-operator.io/v1alpha1
kind: DataSource
metadata:
  name: secret-not-found
  namespace: team-a
spec:
  connectionRef:
    name: opensearch
  connector: prometheus
  configuration:
    endpoint: http://prometheus.monitoring.svc:9090
    credentials:
      secretRef:
        name: not-created-yet
---
apiVersion: opensearch.datasource-operator.io/v1alpha1
kind: DataSource
metadata:
  name: secret-key-not-found
  namespace: team-a
spec:
  connectionRef:
    name: opensearch
  connector: prometheus
  configuration:
    endpoint: http://prometheus.monitoring.svc:9090
    credentials:
      secretRef:
        name: password-only
---
apiVersion: opensearch.datasource-operator.io/v1alpha1
kind: DataSource
metadata:
  name: namespace-not-allowed
  namespace: team-a
spec:
  connectionRef:
    kind: ClusterOpenSearchConnection
    name: shared-opensearch
  connector: prometheus
  configuration:
    endpoint: http://prometheus.monitoring.svc:9090
    credentials:
      secretRef:
        name: prometheus-credentials
---
apiVersion: opensearch.datasource-operator.io/v1alpha1
kind: DataSource
metadata:
  name: invalid-spec
  namespace: team-a
spec:
  connectionRef:
    name: opensearch
  connector: mysql
  configuration:
    endpoint: jdbc:mysql://mysql-server:3306/customers
    credentials:
      secretRef:
        name: prometheus-credentials
---
apiVersion: opensearch.datasource-operator.io/v1alpha1
kind: DataSource
metadata:
  name: not-found
  namespace: team-a
spec:
  connectionRef:
    name: opensearch
  connector: prometheus
  managementPolicy: UpdateOnly
  properties:
    prometheus.uri: http://prometheus.monitoring.svc:9090
---
apiVersion: opensearch.datasource-operator.io/v1alpha1
kind: DataSource
metadata:
  name: rejected
  namespace: team-a
spec:
  connectionRef:
    name: opensearch
  connector: prometheus
  resultIndex: customer_data_results
  configuration:
    endpoint: http://prometheus.monitoring.svc:9090
    credentials:
      secretRef:
        name: prometheus-credentials
---
apiVersion: opensearch.datasource-operator.io/v1alpha1
kind: DataSource
metadata:
  name: host-denied
  namespace: team-a
spec:
  connectionRef:
    name: opensearch
  connector: prometheus
  configuration:
    endpoint: http://blocked.example:9090
    credentials:
      secretRef:
        name: prometheus-credentials
---
apiVersion: opensearch.datasource-operator.io/v1alpha1
kind: DataSource
metadata:
  name: host-unresolvable
  namespace: team-a
spec:
  connectionRef:
    name: opensearch
  connector: prometheus
  configuration:
    endpoint: http://prometheus.not-deployed-yet.svc:9090
    credentials:
      secretRef:
        name: prometheus-credentials
`

// conflicting names the data source synced already manages.
const conflicting = `
apiVersion: opensearch.datasource-operator.io/v1alpha1
kind: DataSource
metadata:
  name: conflict
  namespace: team-a
spec:
  connectionRef:
    name: opensearch
  name: synced
  connector: prometheus
  configuration:
    endpoint: http://prometheus.monitoring.svc:9090
    credentials:
      secretRef:
        name: prometheus-credentials
`

// onFlaky is created once the flaky fake answers every request with 503.
const onFlaky = `
apiVersion: opensearch.datasource-operator.io/v1alpha1
kind: DataSource
metadata:
  name: unavailable
  namespace: team-a
spec:
  connectionRef:
    name: flaky
  connector: prometheus
  properties:
    prometheus.uri: http://prometheus.monitoring.svc:9090
`
