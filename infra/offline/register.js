"use strict";
/**
 * `node --require ./infra/offline/register.js <file>.ts`: compiles the project's own TypeScript
 * files as Node loads them. Unlike a general loader (tsx transforms every `.js` file, node_modules
 * included), JavaScript is never transformed: dependencies only go through V8's code cache (below),
 * and the project's own `.js` files to Node as they are. Each `.ts` file is transpiled with
 * esbuild (./transpile.js; no type check: `npm run typecheck` does that), the output kept in a
 * cache keyed by the source's digest, and carries an inline source map, so a program error's stack
 * names the TypeScript line. `npm ci` fills the cache for every project file (./precompile.js, run
 * by the `prepare` script), so a fresh install runs compiled JavaScript; a file edited since is
 * compiled when it is first loaded.
 *
 * Source maps are on for the project's files only: with them on, Node would also read the `.map`
 * file of every dependency module that names one as it loads (@pulumi/pulumi and @pulumi/aws do),
 * which costs more than compiling the project.
 *
 * Dependencies are compiled through V8's code cache (./code-cache.js), and where their requires
 * resolve is kept for the installed tree (./resolution-cache.js). These caches live in
 * node_modules/.cache/clinical-platform, so a new install starts them afresh;
 * CLINICAL_PLATFORM_CODE_CACHE=0 turns the two dependency caches off.
 */
const fs = require("fs");
const Module = require("module");
const path = require("path");
const { createCodeCache } = require("./code-cache");
const { createResolutionCache } = require("./resolution-cache");
const { COMPILE_CACHE_DIR, NODE_MODULES_DIR } = require("./cache-files");
const { isProjectFile, transpile } = require("./transpile");
// Before anything loads the SDK: it then defers modules a previewed program never uses, and keeps
// the messages that never leave the process (with the mock monitor, the in-process pack) as plain values.
require("./deferred-loads").install();
require("./in-process-messages").install();

function compileTypeScript(module, filename) {
    if (!isProjectFile(filename)) {
        throw new Error(`${filename}: only the project's own TypeScript is compiled (register.js); a dependency ships JavaScript`);
    }
    module._compile(transpile(filename), filename);
}

require.extensions[".ts"] = compileTypeScript;

const dependencyCaches = process.env.CLINICAL_PLATFORM_CODE_CACHE !== "0";
const codeCache = dependencyCaches ? createCodeCache(path.join(COMPILE_CACHE_DIR, `v8-${process.version}-${process.arch}.bin`)) : undefined;
if (codeCache !== undefined) process.once("exit", codeCache.save);

// Where the dependencies' requires resolve (./resolution-cache.js), kept while npm's record of the
// installed tree is unchanged.
const resolutionCache = dependencyCaches
    ? createResolutionCache(path.join(COMPILE_CACHE_DIR, "resolutions.json"), path.join(NODE_MODULES_DIR, ".package-lock.json"))
    : undefined;
if (resolutionCache !== undefined) {
    const resolveFilename = Module._resolveFilename;
    Module._resolveFilename = function (request, parent, isMain, options) {
        return resolutionCache.resolve((...args) => resolveFilename.apply(this, args), request, parent, isMain, options);
    };
    process.once("exit", resolutionCache.save);
}

const loadJavaScript = Module._extensions[".js"];
Module._extensions[".js"] = function (module, filename) {
    if (isProjectFile(filename)) return loadJavaScript(module, filename);
    const enabled = process.sourceMapsEnabled;
    if (enabled) process.setSourceMapsEnabled(false);
    if (codeCache !== undefined) module._compile = (content, name, format) => codeCache.compile(module, content, name, format);
    try {
        return loadJavaScript(module, filename);
    } finally {
        delete module._compile;
        if (enabled) process.setSourceMapsEnabled(true);
    }
};

// TypeScript resolves `./name` to name.ts before name.js; Node would take a name.js beside it (the
// project keeps plain-JavaScript function code next to the TypeScript that packages it).
const resolveFilename = Module._resolveFilename;
Module._resolveFilename = function (request, parent, ...rest) {
    if (request.startsWith(".") && path.extname(request) === "" && parent?.filename && isProjectFile(parent.filename)) {
        const candidate = path.resolve(path.dirname(parent.filename), `${request}.ts`);
        if (fs.existsSync(candidate)) return candidate;
    }
    return resolveFilename.call(this, request, parent, ...rest);
};

process.setSourceMapsEnabled(true);

module.exports = { codeCache, resolutionCache };
