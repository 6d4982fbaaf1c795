{{/* The chart's name, overridable. */}}
{{- define "opensearch-datasource-operator.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* The release's full name, the prefix of every object name. */}}
{{- define "opensearch-datasource-operator.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else if contains (include "opensearch-datasource-operator.name" .) .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name (include "opensearch-datasource-operator.name" .) | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}

{{/* Labels of every object. */}}
{{- define "opensearch-datasource-operator.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{ include "opensearch-datasource-operator.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: opensearch-datasource-operator
{{- end }}

{{/* Labels that select the manager's pods; never change them on upgrade. */}}
{{- define "opensearch-datasource-operator.selectorLabels" -}}
app.kubernetes.io/name: {{ include "opensearch-datasource-operator.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "opensearch-datasource-operator.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "opensearch-datasource-operator.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- required "serviceAccount.name is required when serviceAccount.create is false" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/* The image reference: a digest pins it and wins over the tag. */}}
{{- define "opensearch-datasource-operator.image" -}}
{{- if .Values.image.digest }}
{{- printf "%s@%s" .Values.image.repository .Values.image.digest }}
{{- else }}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) }}
{{- end }}
{{- end }}

{{/* The watched namespaces, without duplicates or blanks. */}}
{{- define "opensearch-datasource-operator.watchNamespaces" -}}
{{- $out := list }}
{{- range .Values.watchNamespaces }}
{{- if and . (not (has . $out)) }}
{{- $out = append $out . }}
{{- end }}
{{- end }}
{{- join "," $out }}
{{- end }}
