#!/usr/bin/env bash
# Offline preview of one stack with the policy pack, as CI runs it.
#
#   bash .github/scripts/offline-preview.sh <dev|staging|production> [--first-deployment]
#
# Prints the human report, appends it to $GITHUB_STEP_SUMMARY when that is set, and exits with the
# preview's own code: 0 clean, 1 mandatory policy violations, 2 invalid config or usage, 3 program failed.
set -uo pipefail

stack="${1:?usage: offline-preview.sh <stack> [--first-deployment]}"
shift

report="$(mktemp)"
trap 'rm -f "$report"' EXIT

npm run --silent preview -- --stack "$stack" "$@" >"$report" 2>&1
code=$?
cat "$report"

case "$code" in
    0) verdict="clean" ;;
    1) verdict="mandatory policy violations" ;;
    2) verdict="invalid configuration or usage" ;;
    3) verdict="the program failed" ;;
    *) verdict="unexpected exit code" ;;
esac
title="Offline preview of ${stack}${*:+ ($*)}"

if [ -n "${GITHUB_STEP_SUMMARY:-}" ]; then
    {
        echo "### ${title}: ${verdict} (exit ${code})"
        echo
        echo '```text'
        cat "$report"
        echo '```'
        echo
    } >>"$GITHUB_STEP_SUMMARY"
fi

if [ "$code" -ne 0 ]; then
    echo "::error title=${title}::${verdict} (exit ${code})"
fi
exit "$code"
