#!/usr/bin/env node
"use strict";
/**
 * The policy pack as an executable analyzer plugin:
 *
 *   pulumi preview --policy-pack "$PWD/policies/analyzer.js" --policy-pack-config policies/config/<stack>.json
 *
 * Since Pulumi CLI 3.255.0, a `--policy-pack` path that is an executable file is started directly,
 * with the engine's address as its one argument, and the PulumiPolicy.yaml beside it still gives the
 * pack's description (pulumi/pulumi #24052, pkg/resource/plugin/analyzer_plugin.go at v3.259.0; read
 * 2026-12-01). The CLI looks the path up from its own working directory but runs the file from
 * Pulumi.yaml's `main` directory (pkg/engine/project.go), infra/ here: so give it absolute. The directory form,
 * `--policy-pack policies`, goes through the Node language host's run-policy-pack, which loads
 * TypeScript and ts-node before the pack whatever the pack is written in.
 *
 * This file starts the bundled pack (dist/pack.js, built by `npm ci` or `npm run build:policies`) and
 * refuses, before the CLI waits on it, when the bundle is missing or older than the rules.
 */
const path = require("path");
const { staleBuildReason } = require("./runtime/build-stamp");

// @pulumi/policy reads the pack's version from ./package.json in the working directory.
process.chdir(__dirname);
const stale = staleBuildReason(__dirname, "dist");
if (stale !== undefined) {
    process.stderr.write(`clinical-platform policy pack: ${stale}; run \`npm run build:policies\` in ${path.dirname(__dirname)} and try again.\n`);
    process.exit(1);
}
require(path.join(__dirname, "dist", "pack.js"));
