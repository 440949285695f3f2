{{/* Names and labels. */}}
{{- define "koa-service.name" -}}
{{- .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "koa-service.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "koa-service.selectorLabels" -}}
app.kubernetes.io/name: {{ include "koa-service.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "koa-service.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{ include "koa-service.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end -}}

{{- define "koa-service.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "koa-service.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{/*
The image, by digest only: "repository@sha256:…". Rendering stops with a message saying what to
set when the repository or digest is missing or malformed (a tag is never accepted).
*/}}
{{- define "koa-service.image" -}}
{{- $repo := .Values.image.repository | default "" -}}
{{- $digest := .Values.image.digest | default "" -}}
{{- if not $repo -}}
{{- fail "image.repository is not set: set it to the image repository without tag or digest (e.g. --set image.repository=ghcr.io/owner/koa-service); the release pipeline sets it when it packages the chart" -}}
{{- end -}}
{{- if or (contains "@" $repo) (regexMatch ":[^/]*$" (regexReplaceAll "^[^/]*/" $repo "")) -}}
{{- fail (printf "image.repository %q carries a tag or digest: give the repository alone and the digest in image.digest" $repo) -}}
{{- end -}}
{{- if not $digest -}}
{{- fail "image.digest is not set: this chart deploys images by digest only; set image.digest=sha256:<64 hex> (the release pipeline writes it when it packages the chart)" -}}
{{- end -}}
{{- if not (regexMatch "^sha256:[a-f0-9]{64}$" $digest) -}}
{{- fail (printf "image.digest %q is not a digest: tags are not accepted; set image.digest=sha256:<64 hex>" $digest) -}}
{{- end -}}
{{- printf "%s@%s" $repo $digest -}}
{{- end -}}

{{/* Pod and container security settings shared by the app and its test pod. */}}
{{- define "koa-service.podSecurityContext" -}}
runAsNonRoot: true
runAsUser: 65532
runAsGroup: 65532
fsGroup: 65532
seccompProfile:
  type: RuntimeDefault
{{- end -}}

{{- define "koa-service.containerSecurityContext" -}}
runAsNonRoot: true
runAsUser: 65532
runAsGroup: 65532
allowPrivilegeEscalation: false
readOnlyRootFilesystem: true
privileged: false
capabilities:
  drop: ["ALL"]
seccompProfile:
  type: RuntimeDefault
{{- end -}}
