"use strict";
/**
 * esbuild, as tsx (a devDependency) installs it: the project's own files are compiled with it,
 * without adding a dependency of their own. Checked 2026-12-01: tsx 4.23.15 depends on esbuild ~0.28.
 */
const path = require("path");

let tsxDir;
try {
    tsxDir = path.dirname(require.resolve("tsx/package.json"));
} catch (error) {
    throw new Error(`tsx (a devDependency) is not installed, and the TypeScript compiler of the preview comes with it; run npm ci: ${error.message}`);
}

module.exports = require(require.resolve("esbuild", { paths: [tsxDir] }));
