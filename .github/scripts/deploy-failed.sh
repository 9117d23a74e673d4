#!/usr/bin/env bash
# Tells a stack's critical alarm channels that its deploy failed: publishes to the stack's critical
# alarm topic, whose subscribers are the channels routing.critical names in Pulumi.<stack>.yaml
# (e-mail, Slack through AWS Chatbot, PagerDuty). Runs with the deploy role's credentials, which may
# publish to that topic only (bootstrap/deploy-policy.ts, FailedDeployNotice).
#
# usage: deploy-failed.sh <stack> <region>
# environment: PULUMI_STACK (the backend's stack name), RUN_URL, REF, ACTOR; PULUMI_BACKEND_URL when
# the backend is self-managed.
#
# The topic's ARN is the stack output criticalAlarmTopicArn. When the failure came before the Pulumi
# CLI was installed, or before the stack had outputs, it is the name the program gives the topic
# (components/alert-routes.ts) in the account and partition of the credentials.
#
# The message is an AWS Chatbot custom notification (version 1.0, source custom, content with
# textType, title and description; "Custom notifications", Chatbot Administrator Guide, checked
# 2026-12-01), so Slack shows it; e-mail shows the same JSON, and the PagerDuty function reads it.
set -euo pipefail

stack="${1:?usage: deploy-failed.sh <stack> <region>}"
region="${2:?usage: deploy-failed.sh <stack> <region>}"
case "$stack" in
    dev | staging | production) ;;
    *) echo "::error::unknown stack '${stack}'"; exit 2 ;;
esac

topic=""
if command -v pulumi >/dev/null 2>&1; then
    if [ -n "${PULUMI_BACKEND_URL:-}" ]; then pulumi login --non-interactive "$PULUMI_BACKEND_URL" >/dev/null 2>&1 || true; fi
    topic="$(pulumi stack output criticalAlarmTopicArn --stack "${PULUMI_STACK:-$stack}" --non-interactive 2>/dev/null || true)"
fi
if [[ ! "$topic" =~ ^arn:[a-z-]+:sns: ]]; then
    caller="$(aws sts get-caller-identity --query Arn --output text)"
    IFS=: read -r _ partition _ _ account _ <<<"$caller"
    topic="arn:${partition}:sns:${region}:${account}:clinical-platform-${stack}-alarms-critical"
fi

# Only characters that need no JSON escaping reach the message.
clean() { tr -cd 'A-Za-z0-9._/@:+=?&#-' <<<"$1"; }
ref="$(clean "${REF:-unknown}")"
actor="$(clean "${ACTOR:-unknown}")"
run_url="$(clean "${RUN_URL:-}")"
title="clinical-platform ${stack}: deploy failed"
description="pulumi up of ${ref} by @${actor} failed; nothing after the failing step ran. Run: ${run_url}"
message="{\"version\":\"1.0\",\"source\":\"custom\",\"content\":{\"textType\":\"client-markdown\",\"title\":\"${title}\",\"description\":\"${description}\"}}"

aws sns publish --region "$region" --topic-arn "$topic" --subject "$title" --message "$message" --output text --query MessageId >/dev/null
echo "Told the critical alarm channels of ${stack} (${topic}) that the deploy failed."
