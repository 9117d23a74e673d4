"use strict";
/**
 * esbuild, as tsx (a devDependency) installs it: the project's own files are compiled with it,
 * without adding a dependency of their own. Checked 2026-12-01: tsx 4.23.15 depends on esbuild ~0.28.
 *
 * `load()` loads it (25 ms); `version()` reads only its package.json, for cache keys.
 */
const fs = require("fs");
const path = require("path");

function packageDir() {
    let tsxDir;
    try {
        tsxDir = path.dirname(require.resolve("tsx/package.json"));
    } catch (error) {
        throw new Error(`tsx (a devDependency) is not installed, and the TypeScript compiler of the preview comes with it; run npm ci: ${error.message}`);
    }
    return path.dirname(require.resolve("esbuild/package.json", { paths: [tsxDir] }));
}

let dir;
const esbuildDir = () => (dir ??= packageDir());

module.exports = {
    load: () => require(esbuildDir()),
    version: () => JSON.parse(fs.readFileSync(path.join(esbuildDir(), "package.json"), "utf8")).version,
};
