{{/*
Helpers shared by every template. Per-service templates range over .Values.services and call these with a
dict: (dict "root" $ "key" $key "svc" $svc).
*/}}

{{- define "opencdp.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "opencdp.fullname" -}}
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

{{- define "opencdp.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Labels on every object of the release, without the instance (selector) label. */}}
{{- define "opencdp.commonLabels" -}}
helm.sh/chart: {{ include "opencdp.chart" . }}
app.kubernetes.io/part-of: {{ include "opencdp.name" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{/* Labels on release-wide objects (ServiceAccount, KafkaTopics). */}}
{{- define "opencdp.labels" -}}
{{ include "opencdp.commonLabels" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{/* Name of one service's objects: <fullname>-<service key>, e.g. cdp-opencdp-ingestion. */}}
{{- define "opencdp.svc.fullname" -}}
{{- printf "%s-%s" (include "opencdp.fullname" .root) .key | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Selector labels of one service (stable across upgrades: never add a changing value here). */}}
{{- define "opencdp.svc.selectorLabels" -}}
app.kubernetes.io/name: {{ .svc.name }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
{{- end }}

{{/* All labels of one service's objects. */}}
{{- define "opencdp.svc.labels" -}}
{{ include "opencdp.commonLabels" .root }}
{{ include "opencdp.svc.selectorLabels" . }}
app.kubernetes.io/component: {{ .key }}
{{- end }}

{{- define "opencdp.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "opencdp.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/* <registry>/<repository>/<service name>:<tag> or @<digest>. */}}
{{- define "opencdp.svc.image" -}}
{{- $img := .root.Values.image }}
{{- $ref := printf "%s/%s/%s" $img.registry $img.repository .svc.name }}
{{- if $img.digest }}
{{- printf "%s@%s" $ref $img.digest }}
{{- else }}
{{- printf "%s:%s" $ref (default .root.Chart.AppVersion $img.tag) }}
{{- end }}
{{- end }}

{{/* Reactive PostgreSQL URL of one service's database: postgresql://host:port/db. */}}
{{- define "opencdp.svc.postgresUrl" -}}
{{- $pg := .root.Values.postgresql }}
{{- printf "postgresql://%s:%d/%s" $pg.host (int $pg.port) .svc.database }}
{{- end }}

{{/* Peers that a NetworkPolicy egress rule allows; empty means any destination on the given ports. */}}
{{- define "opencdp.egressRule" -}}
- ports:
  {{- range .ports }}
    - port: {{ . }}
      protocol: TCP
  {{- end }}
  {{- with .to }}
  to:
    {{- toYaml . | nindent 4 }}
  {{- end }}
{{- end }}

{{/* Plain (non-secret) environment of one service; rendered into its ConfigMap and hashed into the pod. */}}
{{- define "opencdp.svc.configData" -}}
{{- $v := .root.Values -}}
KAFKA_BOOTSTRAP_SERVERS: {{ $v.kafka.bootstrapServers | quote }}
{{- if .svc.uses.postgresql }}
CDP_POSTGRES_URL: {{ include "opencdp.svc.postgresUrl" . | quote }}
{{- end }}
{{- if and .svc.uses.redis (not $v.redis.existingSecret) }}
CDP_REDIS_URL: {{ $v.redis.url | quote }}
{{- end }}
JAVA_OPTS_APPEND: {{ $v.javaOptsAppend | quote }}
{{- range $k, $val := $v.commonEnv }}
{{ $k }}: {{ $val | toString | quote }}
{{- end }}
{{- range $k, $val := .svc.env }}
{{ $k }}: {{ $val | toString | quote }}
{{- end }}
{{- end }}

{{/* One HTTP probe. */}}
{{- define "opencdp.probe" -}}
httpGet:
  path: {{ .probe.path }}
  port: http
initialDelaySeconds: {{ .probe.initialDelaySeconds }}
periodSeconds: {{ .probe.periodSeconds }}
timeoutSeconds: {{ .probe.timeoutSeconds }}
failureThreshold: {{ .probe.failureThreshold }}
{{- end }}

{{/* The platform's Kafka topics (event-contracts owns the names); each has a <topic>.dlq beside it. */}}
{{- define "opencdp.topics" -}}
- cdp.events.raw
- cdp.events.resolved
- cdp.identity.merges
- cdp.profiles.changed
- cdp.segments.membership
- cdp.privacy.requests
- cdp.privacy.status
- cdp.deliveries
{{- end }}
