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
{{- printf "jdbc:postgresql://%s:%d/%s" $pg.host (int $pg.port) $pg.database }}{{ include "sr.dbQuery" (dict "root" . "jdbc" true) }}
{{- end }}
{{- define "sr.reactiveUrl" -}}
{{- $pg := .Values.postgresql }}
{{- printf "postgresql://%s:%d/%s" $pg.host (int $pg.port) $pg.database }}{{ include "sr.dbQuery" (dict "root" . "jdbc" false) }}
{{- end }}
{{/*
The URLs' query: sslmode for both clients, the CA file for the JDBC driver only (the reactive client would send an
unknown parameter such as sslrootcert to the server as a session setting; it gets the CA from
QUARKUS_DATASOURCE_REACTIVE_TRUST_CERTIFICATE_PEM_CERTS instead), then postgresql.parameters.
*/}}
{{- define "sr.dbQuery" -}}
{{- $pg := .root.Values.postgresql }}
{{- if and $pg.tls.caSecret.name $pg.tls.caConfigMap.name }}
{{- fail "postgresql.tls: set caSecret or caConfigMap, not both" }}
{{- end }}
{{- if and (has $pg.tls.sslMode (list "verify-ca" "verify-full")) (not (include "sr.dbCaMounted" .root)) }}
{{- fail "postgresql.tls.sslMode verify-ca and verify-full need the server's CA: set postgresql.tls.caSecret or postgresql.tls.caConfigMap" }}
{{- end }}
{{- $parts := list }}
{{- with $pg.tls.sslMode }}{{ $parts = append $parts (printf "sslmode=%s" .) }}{{ end }}
{{- if and .jdbc (include "sr.dbCaMounted" .root) }}{{ $parts = append $parts (printf "sslrootcert=%s" (include "sr.dbCaFile" .root)) }}{{ end }}
{{- with $pg.parameters }}{{ $parts = append $parts . }}{{ end }}
{{- with $parts }}?{{ join "&" . }}{{ end }}
{{- end }}
{{- define "sr.dbCaMounted" -}}
{{- if or .Values.postgresql.tls.caSecret.name .Values.postgresql.tls.caConfigMap.name }}true{{ end }}
{{- end }}
{{- define "sr.dbCaFile" -}}/etc/service-recovery/db-ca/ca.crt{{- end }}

{{/*
JAVA_TOOL_OPTIONS of a workload (dict "root" $ "key" $key "w" $workload): the only JVM flags, since the images run
java without any (services/pom.xml, profile images). Heap: a share of the memory limit; processors: the CPU limit, or
without one the CPU request, rounded up.
*/}}
{{- define "sr.javaToolOptions" -}}
{{- $jvm := .root.Values.jvm }}
{{- if not (dig "limits" "memory" "" .w.resources) }}
{{- fail (printf "workloads.%s.resources.limits.memory is required: the heap is jvm.maxRAMPercentage of it" .key) }}
{{- end }}
{{- if regexMatch "(^|\\s)(-Xmx|-XX:MaxHeapSize=|-XX:MaxRAM=|-XX:MaxRAMPercentage=|-XX:ActiveProcessorCount=)" $jvm.options }}
{{- fail "jvm.options may not set the heap or the processor count: they come from jvm.maxRAMPercentage and each workload's resources" }}
{{- end }}
{{- printf "-XX:MaxRAMPercentage=%v -XX:ActiveProcessorCount=%s %s" $jvm.maxRAMPercentage (include "sr.activeProcessorCount" .) $jvm.options | trim }}
{{- end }}
{{- define "sr.activeProcessorCount" -}}
{{- $cpu := toString (dig "limits" "cpu" (dig "requests" "cpu" "" .w.resources) .w.resources) }}
{{- if not $cpu }}
{{- fail (printf "workloads.%s.resources needs requests.cpu or limits.cpu: it sets the JVM's processor count" .key) }}
{{- end }}
{{- $millis := 0 }}
{{- if hasSuffix "m" $cpu }}
{{- $millis = trimSuffix "m" $cpu | atoi }}
{{- else }}
{{- $millis = mulf (float64 $cpu) 1000 | int }}
{{- end }}
{{- max 1 (div (add $millis 999) 1000) }}
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
