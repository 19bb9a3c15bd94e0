{{/*
One workload's Deployment. Call with (dict "root" $ "key" $key "w" $workload): every workload is rendered by this
template, so probes, security context and the Kafka/PostgreSQL/secret wiring are the same for all five.
*/}}
{{- define "sr.deployment" -}}
{{- $root := .root }}
{{- $w := .w }}
{{- $component := include "sr.component" .key }}
{{- $v := $root.Values }}
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ include "sr.workloadName" . }}
  labels:
    {{- include "sr.workloadLabels" . | nindent 4 }}
spec:
  {{- if not $w.autoscaling.enabled }}
  replicas: {{ $w.replicaCount }}
  {{- end }}
  revisionHistoryLimit: 5
  strategy:
    type: RollingUpdate
    rollingUpdate:
      maxUnavailable: 0
      maxSurge: 1
  selector:
    matchLabels:
      {{- include "sr.selectorLabels" . | nindent 6 }}
  template:
    metadata:
      labels:
        {{- include "sr.workloadLabels" . | nindent 8 }}
      annotations:
        prometheus.io/scrape: "true"
        prometheus.io/path: /q/metrics
        prometheus.io/port: {{ $w.port | quote }}
        {{- if and (eq $component "recovery-escalation") $v.recoveryPolicy }}
        checksum/recovery-policy: {{ $v.recoveryPolicy | sha256sum }}
        {{- end }}
        {{- if and (eq $component "loyalty-scoring") $v.scoringWeights }}
        checksum/scoring-weights: {{ $v.scoringWeights | sha256sum }}
        {{- end }}
        {{- with $v.podAnnotations }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
    spec:
      serviceAccountName: {{ include "sr.serviceAccountName" $root }}
      automountServiceAccountToken: false
      # Service links would add <SERVICE>_PORT variables; Quarkus reads every KAFKA_* variable as a Kafka client setting.
      enableServiceLinks: false
      terminationGracePeriodSeconds: 30
      {{- with $v.imagePullSecrets }}
      imagePullSecrets:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      securityContext:
        {{- toYaml $v.podSecurityContext | nindent 8 }}
      {{- if $v.spreadAcrossNodes }}
      topologySpreadConstraints:
        - maxSkew: 1
          topologyKey: kubernetes.io/hostname
          whenUnsatisfiable: ScheduleAnyway
          labelSelector:
            matchLabels:
              {{- include "sr.selectorLabels" . | nindent 14 }}
      {{- end }}
      {{- with $w.nodeSelector }}
      nodeSelector:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with $w.tolerations }}
      tolerations:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with $w.affinity }}
      affinity:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      containers:
        - name: {{ $component }}
          image: {{ include "sr.image" . | quote }}
          imagePullPolicy: {{ $v.image.pullPolicy }}
          ports:
            - name: http
              containerPort: {{ $w.port }}
              protocol: TCP
          env:
            - name: QUARKUS_PROFILE
              value: kubernetes
            - name: JAVA_TOOL_OPTIONS
              value: {{ include "sr.javaToolOptions" . | quote }}
            - name: LOG_JSON
              value: {{ $v.logJson | quote }}
            - name: JWT_ISSUER
              value: {{ $v.auth.issuer | quote }}
            {{- if $v.auth.audience }}
            - name: JWT_AUDIENCE
              value: {{ $v.auth.audience | quote }}
            {{- end }}
            - name: JWT_PUBLIC_KEY_LOCATION
              value: {{ include "sr.jwtKeyLocation" $root | quote }}
            {{- if $w.kafka }}
            {{- include "sr.kafkaEnv" $root | trim | nindent 12 }}
            {{- end }}
            {{- if $w.database }}
            - name: DB_JDBC_URL
              value: {{ include "sr.jdbcUrl" $root | quote }}
            - name: DB_REACTIVE_URL
              value: {{ include "sr.reactiveUrl" $root | quote }}
            - name: DB_USER
              valueFrom:
                secretKeyRef:
                  name: {{ required "postgresql.credentialsSecret.name is required" $v.postgresql.credentialsSecret.name }}
                  key: {{ $v.postgresql.credentialsSecret.usernameKey }}
            - name: DB_PASSWORD
              valueFrom:
                secretKeyRef:
                  name: {{ $v.postgresql.credentialsSecret.name }}
                  key: {{ $v.postgresql.credentialsSecret.passwordKey }}
            - name: DB_POOL_SIZE
              value: {{ $v.postgresql.poolSize | quote }}
            {{- if eq $v.postgresql.tls.sslMode "verify-full" }}
            - name: QUARKUS_DATASOURCE_REACTIVE_HOSTNAME_VERIFICATION_ALGORITHM
              value: HTTPS
            {{- end }}
            {{- if include "sr.dbCaMounted" $root }}
            - name: QUARKUS_DATASOURCE_REACTIVE_TRUST_CERTIFICATE_PEM
              value: "true"
            - name: QUARKUS_DATASOURCE_REACTIVE_TRUST_CERTIFICATE_PEM_CERTS
              value: {{ include "sr.dbCaFile" $root | quote }}
            {{- end }}
            {{- end }}
            {{- if $v.tracing.enabled }}
            - name: QUARKUS_OTEL_SDK_DISABLED
              value: "false"
            - name: QUARKUS_OTEL_EXPORTER_OTLP_ENDPOINT
              value: {{ $v.tracing.otlpEndpoint | quote }}
            - name: QUARKUS_OTEL_TRACES_SAMPLER
              value: parentbased_traceidratio
            - name: QUARKUS_OTEL_TRACES_SAMPLER_ARG
              value: {{ $v.tracing.samplerRatio | quote }}
            {{- end }}
            {{- if and (eq $component "recovery-escalation") $v.recoveryPolicy }}
            - name: RECOVERY_POLICY_FILE
              value: /config/policies/policy.yaml
            {{- end }}
            {{- if and (eq $component "loyalty-scoring") $v.scoringWeights }}
            - name: SCORING_WEIGHTS_FILE
              value: /config/scoring/weights.yaml
            {{- end }}
            {{- if eq $component "console" }}
            {{- include "sr.consoleEnv" (dict "root" $root "w" $w) | trim | nindent 12 }}
            {{- end }}
            {{- range $name, $value := $w.env }}
            - name: {{ $name }}
              value: {{ $value | quote }}
            {{- end }}
          {{- with $w.extraEnvFrom }}
          envFrom:
            {{- toYaml . | nindent 12 }}
          {{- end }}
          startupProbe:
            httpGet: {path: /q/health/started, port: http}
            periodSeconds: {{ $v.probes.startup.periodSeconds }}
            failureThreshold: {{ $v.probes.startup.failureThreshold }}
            timeoutSeconds: {{ $v.probes.startup.timeoutSeconds }}
          livenessProbe:
            httpGet: {path: /q/health/live, port: http}
            periodSeconds: {{ $v.probes.liveness.periodSeconds }}
            failureThreshold: {{ $v.probes.liveness.failureThreshold }}
            timeoutSeconds: {{ $v.probes.liveness.timeoutSeconds }}
          readinessProbe:
            httpGet: {path: /q/health/ready, port: http}
            periodSeconds: {{ $v.probes.readiness.periodSeconds }}
            failureThreshold: {{ $v.probes.readiness.failureThreshold }}
            timeoutSeconds: {{ $v.probes.readiness.timeoutSeconds }}
          resources:
            {{- toYaml $w.resources | nindent 12 }}
          securityContext:
            {{- toYaml $v.securityContext | nindent 12 }}
          volumeMounts:
            - name: tmp
              mountPath: /tmp
            {{- if $v.auth.publicKeySecret.name }}
            - name: jwt-key
              mountPath: /etc/service-recovery/jwt
              readOnly: true
            {{- end }}
            {{- if and $w.kafka $v.kafka.tls.caSecret.name }}
            - name: kafka-ca
              mountPath: /etc/service-recovery/kafka-ca
              readOnly: true
            {{- end }}
            {{- if and $w.kafka $v.kafka.tls.clientSecret.name }}
            - name: kafka-client
              mountPath: /etc/service-recovery/kafka-client
              readOnly: true
            {{- end }}
            {{- if and $w.database (include "sr.dbCaMounted" $root) }}
            - name: db-ca
              mountPath: {{ include "sr.dbCaFile" $root | dir }}
              readOnly: true
            {{- end }}
            {{- if and (eq $component "recovery-escalation") $v.recoveryPolicy }}
            - name: recovery-policy
              mountPath: /config/policies
              readOnly: true
            {{- end }}
            {{- if and (eq $component "loyalty-scoring") $v.scoringWeights }}
            - name: scoring-weights
              mountPath: /config/scoring
              readOnly: true
            {{- end }}
      volumes:
        - name: tmp
          emptyDir:
            sizeLimit: {{ $v.tmpSizeLimit }}
        {{- if $v.auth.publicKeySecret.name }}
        - name: jwt-key
          secret:
            secretName: {{ $v.auth.publicKeySecret.name }}
            items: [{key: {{ $v.auth.publicKeySecret.key | quote }}, path: {{ $v.auth.publicKeySecret.key | quote }}}]
        {{- end }}
        {{- if and $w.kafka $v.kafka.tls.caSecret.name }}
        - name: kafka-ca
          secret:
            secretName: {{ $v.kafka.tls.caSecret.name }}
            items: [{key: {{ $v.kafka.tls.caSecret.key | quote }}, path: ca.crt}]
        {{- end }}
        {{- if and $w.kafka $v.kafka.tls.clientSecret.name }}
        - name: kafka-client
          secret:
            secretName: {{ $v.kafka.tls.clientSecret.name }}
            items: [{key: {{ $v.kafka.tls.clientSecret.keystoreKey | quote }}, path: client.p12}]
        {{- end }}
        {{- if and $w.database (include "sr.dbCaMounted" $root) }}
        - name: db-ca
          {{- with $v.postgresql.tls.caSecret }}{{ if .name }}
          secret:
            secretName: {{ .name }}
            items: [{key: {{ .key | quote }}, path: ca.crt}]
          {{- end }}{{ end }}
          {{- with $v.postgresql.tls.caConfigMap }}{{ if .name }}
          configMap:
            name: {{ .name }}
            items: [{key: {{ .key | quote }}, path: ca.crt}]
          {{- end }}{{ end }}
        {{- end }}
        {{- if and (eq $component "recovery-escalation") $v.recoveryPolicy }}
        - name: recovery-policy
          configMap:
            name: {{ include "sr.fullname" $root }}-recovery-policy
        {{- end }}
        {{- if and (eq $component "loyalty-scoring") $v.scoringWeights }}
        - name: scoring-weights
          configMap:
            name: {{ include "sr.fullname" $root }}-scoring-weights
        {{- end }}
{{- end }}

{{/* Kafka client settings as environment variables: Quarkus maps KAFKA_X_Y to the Kafka client property x.y. */}}
{{- define "sr.kafkaEnv" -}}
{{- $k := .Values.kafka }}
- name: KAFKA_BOOTSTRAP_SERVERS
  value: {{ required "kafka.bootstrapServers is required" $k.bootstrapServers | quote }}
- name: KAFKA_SECURITY_PROTOCOL
  value: {{ $k.securityProtocol | quote }}
{{- if include "sr.kafkaSasl" . }}
- name: KAFKA_SASL_MECHANISM
  value: {{ $k.sasl.mechanism | quote }}
- name: KAFKA_SASL_JAAS_CONFIG
  valueFrom:
    secretKeyRef:
      name: {{ required "kafka.sasl.jaasConfigSecret.name is required when kafka.securityProtocol is SASL_*" $k.sasl.jaasConfigSecret.name }}
      key: {{ $k.sasl.jaasConfigSecret.key }}
{{- end }}
{{- if $k.tls.caSecret.name }}
- name: KAFKA_SSL_TRUSTSTORE_TYPE
  value: PEM
- name: KAFKA_SSL_TRUSTSTORE_LOCATION
  value: /etc/service-recovery/kafka-ca/ca.crt
{{- end }}
{{- if $k.tls.clientSecret.name }}
- name: KAFKA_SSL_KEYSTORE_TYPE
  value: PKCS12
- name: KAFKA_SSL_KEYSTORE_LOCATION
  value: /etc/service-recovery/kafka-client/client.p12
- name: KAFKA_SSL_KEYSTORE_PASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ $k.tls.clientSecret.name }}
      key: {{ $k.tls.clientSecret.passwordKey }}
{{- end }}
{{- end }}

{{/* The console: where the other services are, and its OIDC client. */}}
{{- define "sr.consoleEnv" -}}
{{- $root := .root }}
{{- range $key := list "intake" "promiseTracking" "recoveryEscalation" "loyaltyScoring" }}
{{- $other := index $root.Values.workloads $key }}
{{- if $other.enabled }}
- name: {{ printf "%s_URL" (include "sr.component" $key | upper | replace "-" "_") }}
  value: {{ printf "http://%s:%d" (include "sr.workloadName" (dict "root" $root "key" $key)) (int $other.port) | quote }}
{{- end }}
{{- end }}
{{- with .w.oidc }}
{{- if .authServerUrl }}
- name: OIDC_ENABLED
  value: "true"
- name: OIDC_AUTH_SERVER_URL
  value: {{ .authServerUrl | quote }}
- name: OIDC_CLIENT_ID
  value: {{ .clientId | quote }}
- name: OIDC_CLIENT_SECRET
  valueFrom:
    secretKeyRef:
      name: {{ required "workloads.console.oidc.clientSecret.name is required when oidc.authServerUrl is set" .clientSecret.name }}
      key: {{ .clientSecret.key }}
{{- end }}
{{- end }}
{{- end }}
