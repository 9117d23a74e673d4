#!/usr/bin/env bash
# Prints, as GITHUB_OUTPUT lines, what a CI job needs to reach one stack: its region and its
# pull-request preview role (both from Pulumi.<stack>.yaml: aws:region, clinical-platform:ci.previewRoleArn),
# and its state backend, from the repository variable PULUMI_BACKEND_URLS (JSON: stack -> URL; the
# stacks of one account share the backend its bootstrap created), empty with Pulumi Cloud.
#
#   PULUMI_BACKEND_URLS='{"dev":"s3://…"}' bash .github/scripts/stack-ci.sh <dev|staging|production>
set -euo pipefail

stack="${1:?usage: stack-ci.sh <stack>}"
region="$(bash "$(dirname "$0")/stack-region.sh" "$stack")"
echo "region=${region}"
node -e '
const fs = require("fs");
const yaml = require("yaml");
const stack = process.argv[1];
const file = `Pulumi.${stack}.yaml`;
const fail = (message) => { console.error(`${file}: ${message}`); process.exit(2); };
if (!fs.existsSync(file)) fail("no such stack file");
const config = yaml.parse(fs.readFileSync(file, "utf8"))?.config ?? {};
const role = config["clinical-platform:ci"]?.previewRoleArn;
if (typeof role !== "string" || !/^arn:aws:iam::\d{12}:role\/[\w+=,.@/-]+$/.test(role)) fail("clinical-platform:ci.previewRoleArn is missing or not a role ARN");
let backend = "";
const urls = process.env.PULUMI_BACKEND_URLS ?? "";
if (urls !== "") {
    let map;
    try { map = JSON.parse(urls); } catch { map = undefined; }
    if (typeof map !== "object" || map === null || typeof map[stack] !== "string") {
        console.error(`PULUMI_BACKEND_URLS: expected a JSON object with a backend URL for ${stack}`);
        process.exit(2);
    }
    backend = map[stack];
}
console.log(`preview_role=${role}`);
console.log(`backend=${backend}`);
' "$stack"
