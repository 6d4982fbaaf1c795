{{/*
The manager's Deployment. Called with a dict: root is the chart's context,
shard an entry of .Values.shards (name, selector) or an empty dict for the
single Deployment that reconciles everything.
*/}}
{{- define "opensearch-datasource-operator.deployment" -}}
{{- $root := .root }}
{{- $shard := .shard }}
{{- $watch := include "opensearch-datasource-operator.watchNamespaces" $root }}
{{- /* dig and default keep `helm upgrade --reuse-values` from an earlier chart, whose values lack these keys, working. */}}
{{- $cert := dig "cert" dict $root.Values.metrics }}
{{- $metricsCert := and $root.Values.metrics.enabled $root.Values.metrics.secure $cert.secretName }}
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ include "opensearch-datasource-operator.fullname" $root }}{{ with $shard.name }}-{{ . }}{{ end }}
  namespace: {{ $root.Release.Namespace }}
  labels:
    {{- include "opensearch-datasource-operator.labels" $root | nindent 4 }}
    control-plane: controller-manager
    {{- with $shard.name }}
    opensearch.datasource-operator.io/shard: {{ . }}
    {{- end }}
spec:
  replicas: {{ $root.Values.replicas }}
  selector:
    matchLabels:
      {{- include "opensearch-datasource-operator.selectorLabels" $root | nindent 6 }}
      control-plane: controller-manager
      {{- with $shard.name }}
      opensearch.datasource-operator.io/shard: {{ . }}
      {{- end }}
  template:
    metadata:
      annotations:
        kubectl.kubernetes.io/default-container: manager
        {{- with $root.Values.podAnnotations }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
      labels:
        {{- include "opensearch-datasource-operator.labels" $root | nindent 8 }}
        control-plane: controller-manager
        {{- with $shard.name }}
        opensearch.datasource-operator.io/shard: {{ . }}
        {{- end }}
        {{- with $root.Values.podLabels }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
    spec:
      serviceAccountName: {{ include "opensearch-datasource-operator.serviceAccountName" $root }}
      {{- with $root.Values.imagePullSecrets }}
      imagePullSecrets:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with $root.Values.podSecurityContext }}
      securityContext:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with $root.Values.priorityClassName }}
      priorityClassName: {{ . }}
      {{- end }}
      {{- with $root.Values.nodeSelector }}
      nodeSelector:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with $root.Values.tolerations }}
      tolerations:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with $root.Values.affinity }}
      affinity:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with $root.Values.topologySpreadConstraints }}
      topologySpreadConstraints:
        {{- tpl (toYaml .) $root | nindent 8 }}
      {{- end }}
      containers:
      - name: manager
        image: {{ include "opensearch-datasource-operator.image" $root }}
        imagePullPolicy: {{ $root.Values.image.pullPolicy }}
        args:
        - --health-probe-bind-address=:8081
        {{- if $root.Values.metrics.enabled }}
        - --metrics-bind-address=:{{ $root.Values.metrics.port }}
        - --metrics-secure={{ $root.Values.metrics.secure }}
        {{- if $metricsCert }}
        - --metrics-cert-path=/var/run/metrics-certs
        - {{ printf "--metrics-cert-name=%s" ($cert.certName | default "tls.crt") | quote }}
        - {{ printf "--metrics-cert-key=%s" ($cert.keyName | default "tls.key") | quote }}
        {{- end }}
        {{- else }}
        - --metrics-bind-address=0
        {{- end }}
        {{- if $root.Values.leaderElection.enabled }}
        - --leader-elect
        {{- /* One Lease per release and shard: two releases in a namespace
        must not elect one leader between them. For a release named after the
        chart this is the name releases before it used, so an upgrade keeps
        its Lease. */}}
        - --leader-election-id={{ with $shard.name }}{{ . }}.{{ end }}{{ include "opensearch-datasource-operator.fullname" $root }}.datasource-operator.io
        {{- end }}
        {{- with $shard.selector }}
        - {{ printf "--watch-label-selector=%s" . | quote }}
        {{- end }}
        {{- if $watch }}
        - --namespaces={{ $watch }}
        {{- end }}
        - --max-concurrent-reconciles={{ $root.Values.maxConcurrentReconciles }}
        - --default-resync-period={{ $root.Values.defaultResyncPeriod }}
        {{- /* Values an earlier chart did not have are passed only when set, so that `helm upgrade --reuse-values` keeps the manager's defaults. */}}
        {{- if hasKey $root.Values "maxRequestsPerConnection" }}
        - --max-requests-per-connection={{ $root.Values.maxRequestsPerConnection }}
        {{- end }}
        {{- if hasKey $root.Values "minResyncPeriod" }}
        - --min-resync-period={{ $root.Values.minResyncPeriod }}
        {{- end }}
        {{- if hasKey $root.Values "maxRequestTimeout" }}
        - --max-request-timeout={{ $root.Values.maxRequestTimeout }}
        {{- end }}
        {{- if kindIs "slice" $root.Values.denyEgressCIDRs }}
        - {{ printf "--deny-egress-cidrs=%s" (join "," $root.Values.denyEgressCIDRs) | quote }}
        {{- end }}
        - --max-retry-after={{ $root.Values.maxRetryAfter | default "5m" }}
        - --reconcile-timeout={{ $root.Values.reconcileTimeout | default "5m" }}
        - --zap-log-level={{ $root.Values.logLevel }}
        {{- range $root.Values.extraArgs }}
        - {{ . }}
        {{- end }}
        ports:
        {{- if $root.Values.metrics.enabled }}
        - name: {{ ternary "https" "http-metrics" $root.Values.metrics.secure }}
          containerPort: {{ $root.Values.metrics.port }}
          protocol: TCP
        {{- end }}
        - name: health
          containerPort: 8081
          protocol: TCP
        {{- with $root.Values.securityContext }}
        securityContext:
          {{- toYaml . | nindent 10 }}
        {{- end }}
        livenessProbe:
          httpGet:
            path: /healthz
            port: health
          initialDelaySeconds: 15
          periodSeconds: 20
        readinessProbe:
          httpGet:
            path: /readyz
            port: health
          initialDelaySeconds: 5
          periodSeconds: 10
        {{- with $root.Values.resources }}
        resources:
          {{- toYaml . | nindent 10 }}
        {{- end }}
        {{- if $metricsCert }}
        volumeMounts:
        - name: metrics-certs
          mountPath: /var/run/metrics-certs
          readOnly: true
        {{- end }}
      {{- if $metricsCert }}
      volumes:
      - name: metrics-certs
        secret:
          secretName: {{ $cert.secretName }}
      {{- end }}
      # Longer than the manager's graceful shutdown (controllers.GracefulShutdownTimeout,
      # 30s) plus the Lease hand-over, so a stopping leader is never killed mid-release.
      terminationGracePeriodSeconds: 45
{{- end }}
