"use strict";
/**
 * Whether a build of the pack still matches its sources, read from the stamp the build wrote beside
 * it (`npm run build:policies`; the format is documented at STAMP_FILE in
 * infra/analyzer/pack-build.ts). analyzer.js refuses to start a bundle older than the rules. Plain
 * JavaScript on Node's own modules, so the check costs the analyzer a few milliseconds and no compiler.
 */
const { createHash } = require("crypto");
const { readFileSync } = require("fs");
const path = require("path");

const STAMP_FILE = ".build-stamp.json";

/**
 * SHA-256 over the pack's tsconfig.json and each source (name and content), in the order given.
 * @param {string} packDir
 * @param {readonly string[]} sources paths relative to packDir
 * @returns {string}
 */
function sourcesDigest(packDir, sources) {
    const hash = createHash("sha256").update(readFileSync(path.join(packDir, "tsconfig.json")));
    for (const source of sources) hash.update(`\0${source}\0`).update(readFileSync(path.join(packDir, source)));
    return hash.digest("hex");
}

/**
 * Why the output in `outDir` does not match the sources it was built from, or undefined when it does.
 * @param {string} packDir
 * @param {string} outDir relative to packDir
 * @returns {string | undefined}
 */
function staleBuildReason(packDir, outDir) {
    let stamp;
    try {
        stamp = JSON.parse(readFileSync(path.join(packDir, outDir, STAMP_FILE), "utf8"));
    } catch {
        return `${outDir}/ has not been built`;
    }
    try {
        if (sourcesDigest(packDir, stamp.sources) === stamp.digest) return undefined;
    } catch (error) {
        return `a source it was built from is gone (${error instanceof Error ? error.message : String(error)})`;
    }
    return `the pack's sources changed after ${outDir}/ was built`;
}

module.exports = { staleBuildReason };
