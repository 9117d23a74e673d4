"use strict";
/**
 * The project's TypeScript, transpiled by esbuild for the offline commands (register.js) and kept
 * in a cache keyed by the source's digest; `precompile` fills it ahead of time (./precompile.js,
 * `npm ci`'s prepare step). This module installs no loader hooks: register.js does.
 */
const fs = require("fs");
const path = require("path");
const { COMPILE_CACHE_DIR, cacheKey, writeWhole } = require("./cache-files");

const ROOT = path.resolve(__dirname, "..", "..");
const { compilerOptions } = JSON.parse(fs.readFileSync(path.join(ROOT, "tsconfig.json"), "utf8"));
const TRANSFORM = { loader: "ts", format: "cjs", target: "node20", sourcemap: "inline", tsconfigRaw: { compilerOptions } };
const NODE_MODULES = `${path.sep}node_modules${path.sep}`;
const CACHE_DIR = path.join(COMPILE_CACHE_DIR, "ts");

// esbuild itself (25 ms to load) only when a file is not compiled yet; its version is part of the key.
let esbuild;
const compiler = () => (esbuild ??= require("./esbuild").load());
const CACHE_SALT = JSON.stringify({ esbuild: require("./esbuild").version(), TRANSFORM });

function isProjectFile(filename) {
    return filename.startsWith(ROOT + path.sep) && !filename.includes(NODE_MODULES);
}

function cachePath(filename, source, cacheDir = CACHE_DIR) {
    return path.join(cacheDir, `${cacheKey(CACHE_SALT, filename, source)}.js`);
}

/** Closes every file the cache keeps: one without it (emptied, cut short) is compiled again. */
const COMPLETE = "\n// (transpiled whole)\n";

/** A read-only checkout compiles on every run; nothing else changes. */
function store(cached, code) {
    writeWhole(cached, `${code}${COMPLETE}`);
}

function readCached(cached) {
    try {
        const code = fs.readFileSync(cached, "utf8");
        return code.endsWith(COMPLETE) ? code : undefined;
    } catch {
        return undefined;
    }
}

function transpile(filename) {
    const source = fs.readFileSync(filename, "utf8");
    const cached = cachePath(filename, source);
    const compiled = readCached(cached);
    if (compiled !== undefined) return compiled;
    const { code } = compiler().transformSync(source, { ...TRANSFORM, sourcefile: filename });
    store(cached, code);
    return code;
}

/** Compiles `filenames` into the cache, those already there skipped; esbuild works on them in parallel. Resolves to the number compiled. */
async function precompile(filenames, cacheDir = CACHE_DIR) {
    const missing = [];
    for (const filename of filenames) {
        const source = fs.readFileSync(filename, "utf8");
        const cached = cachePath(filename, source, cacheDir);
        if (readCached(cached) === undefined) missing.push({ filename, source, cached });
    }
    await Promise.all(missing.map(async ({ filename, source, cached }) => {
        const { code } = await compiler().transform(source, { ...TRANSFORM, sourcefile: filename });
        store(cached, code);
    }));
    return missing.length;
}

module.exports = { ROOT, isProjectFile, precompile, transpile };
