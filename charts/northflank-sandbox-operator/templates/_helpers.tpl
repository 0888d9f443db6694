{{/* Chart name, truncated to a DNS label. */}}
{{- define "nso.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Release-qualified name, shared by every object of the release. */}}
{{- define "nso.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{- define "nso.selectorLabels" -}}
app.kubernetes.io/name: {{ include "nso.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "nso.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{ include "nso.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/component: operator
{{- end -}}

{{- define "nso.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "nso.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{/* The Secret holding the default Northflank token: an existing one, the one this chart creates, or the
     operator's own default name (to be created by the user). */}}
{{- define "nso.credentialsSecretName" -}}
{{- if .Values.credentials.existingSecret -}}
{{- .Values.credentials.existingSecret -}}
{{- else if .Values.credentials.token -}}
{{- printf "%s-credentials" (include "nso.fullname" .) | trunc 63 | trimSuffix "-" -}}
{{- else -}}
northflank-credentials
{{- end -}}
{{- end -}}

{{/* Two replicas without an elected leader would both reconcile every Sandbox. */}}
{{- define "nso.leaderElection" -}}
{{- if gt (int .Values.replicaCount) 1 -}}true{{- else -}}{{ .Values.operator.leaderElection }}{{- end -}}
{{- end -}}

{{- define "nso.image" -}}
{{- if .Values.image.digest -}}
{{- printf "%s@%s" .Values.image.repository .Values.image.digest -}}
{{- else -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) -}}
{{- end -}}
{{- end -}}
