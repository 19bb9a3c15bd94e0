{{/* Chart name, truncated to the 63 characters of a label value. */}}
{{- define "sr.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Prefix of every resource name: <release>-service-recovery, or the release name when it contains the chart name. */}}
{{- define "sr.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "sr.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Labels on every resource. */}}
{{- define "sr.labels" -}}
helm.sh/chart: {{ include "sr.chart" . }}
app.kubernetes.io/name: {{ include "sr.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: service-recovery
{{- with .Values.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end }}

{{/* The workload's name from its values key: promiseTracking -> promise-tracking. */}}
{{- define "sr.component" -}}
{{- kebabcase . }}
{{- end }}

{{/* Resource name of one workload. Call with (dict "root" $ "key" $key). */}}
{{- define "sr.workloadName" -}}
{{- printf "%s-%s" (include "sr.fullname" .root) (include "sr.component" .key) | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Selector labels of one workload. Call with (dict "root" $ "key" $key). */}}
{{- define "sr.selectorLabels" -}}
app.kubernetes.io/name: {{ include "sr.name" .root }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ include "sr.component" .key }}
{{- end }}

{{/* All labels of one workload. */}}
{{- define "sr.workloadLabels" -}}
{{ include "sr.labels" .root }}
app.kubernetes.io/component: {{ include "sr.component" .key }}
{{- end }}

{{- define "sr.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "sr.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/* Image of one workload: <registry>/<repository>/<component>:<tag>. */}}
{{- define "sr.image" -}}
{{- $img := .root.Values.image }}
{{- $tag := default .root.Chart.AppVersion $img.tag }}
{{- $parts := list }}
{{- with $img.registry }}{{ $parts = append $parts . }}{{ end }}
{{- with $img.repository }}{{ $parts = append $parts . }}{{ end }}
{{- $parts = append $parts (include "sr.component" .key) }}
{{- printf "%s:%s" (join "/" $parts) $tag }}
{{- end }}

{{/* JDBC and reactive URLs of the database. */}}
{{- define "sr.jdbcUrl" -}}
{{- $pg := .Values.postgresql }}
{{- printf "jdbc:postgresql://%s:%d/%s" $pg.host (int $pg.port) $pg.database }}{{ with $pg.parameters }}?{{ . }}{{ end }}
{{- end }}
{{- define "sr.reactiveUrl" -}}
{{- $pg := .Values.postgresql }}
{{- printf "postgresql://%s:%d/%s" $pg.host (int $pg.port) $pg.database }}{{ with $pg.parameters }}?{{ . }}{{ end }}
{{- end }}

{{/* Where the JWT verification key comes from. */}}
{{- define "sr.jwtKeyLocation" -}}
{{- if .Values.auth.publicKeySecret.name }}
{{- printf "/etc/service-recovery/jwt/%s" .Values.auth.publicKeySecret.key }}
{{- else }}
{{- required "auth.publicKeyLocation (a JWKS URL) or auth.publicKeySecret.name (a Secret with a PEM key) is required" .Values.auth.publicKeyLocation }}
{{- end }}
{{- end }}

{{/* Whether SASL is in use. */}}
{{- define "sr.kafkaSasl" -}}
{{- if hasPrefix "SASL_" .Values.kafka.securityProtocol }}true{{ end }}
{{- end }}
