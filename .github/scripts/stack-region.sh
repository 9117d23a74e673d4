#!/usr/bin/env bash
# Prints the aws:region that Pulumi.<stack>.yaml sets, so CI assumes its AWS role in the stack's region.
#
#   bash .github/scripts/stack-region.sh <dev|staging|production>
set -euo pipefail

stack="${1:?usage: stack-region.sh <stack>}"
node -e '
const fs = require("fs");
const yaml = require("yaml");
const file = `Pulumi.${process.argv[1]}.yaml`;
if (!fs.existsSync(file)) {
    console.error(`${file}: no such stack file`);
    process.exit(2);
}
const region = yaml.parse(fs.readFileSync(file, "utf8"))?.config?.["aws:region"];
if (typeof region !== "string" || !/^[a-z]{2}(-[a-z]+)+-\d$/.test(region)) {
    console.error(`${file}: aws:region is missing or not a region name`);
    process.exit(2);
}
console.log(region);
' "$stack"
