"use strict";
/**
 * `node --require ./infra/offline/register.js <file>.ts`: compiles the project's own TypeScript
 * files as Node loads them, and nothing else. Unlike a general loader (tsx hooks every `.js` file,
 * node_modules included), JavaScript goes to Node untouched; each `.ts` file is transpiled with
 * esbuild (no type check: `npm run typecheck` does that), the output kept in a cache keyed by the
 * source's digest, and carries an inline source map, so a program error's stack names the
 * TypeScript line. `npm ci` fills the cache for every project file (./precompile.js, run by the
 * `prepare` script), so a fresh install runs compiled JavaScript; a file edited since is compiled
 * when it is first loaded.
 *
 * Source maps are on for the project's files only: with them on, Node would also read the `.map`
 * file of every dependency module that names one as it loads (@pulumi/pulumi and @pulumi/aws do),
 * which costs more than compiling the project.
 *
 * Dependencies are compiled through V8's code cache (./code-cache.js). Both caches live in
 * node_modules/.cache/clinical-platform, so a new install starts them afresh;
 * CLINICAL_PLATFORM_CODE_CACHE=0 turns the code cache off.
 */
const crypto = require("crypto");
const fs = require("fs");
const Module = require("module");
const path = require("path");
const { createCodeCache } = require("./code-cache");
// Before anything loads the SDK: it then skips two packages it needs only to serialize functions.
require("./deferred-sdk-loads");

const ROOT = path.resolve(__dirname, "..", "..");
const { compilerOptions } = JSON.parse(fs.readFileSync(path.join(ROOT, "tsconfig.json"), "utf8"));
const TRANSFORM = { loader: "ts", format: "cjs", target: "node20", sourcemap: "inline", tsconfigRaw: { compilerOptions } };
const NODE_MODULES = `${path.sep}node_modules${path.sep}`;
/** Everything compiled for the offline commands; removing it is a first run without `npm ci`'s prepare step. */
const COMPILE_CACHE_DIR = path.join(ROOT, "node_modules", ".cache", "clinical-platform");
const CACHE_DIR = path.join(COMPILE_CACHE_DIR, "ts");

// esbuild itself (25 ms to load) only when a file is not compiled yet; its version is part of the key.
let esbuild;
const compiler = () => (esbuild ??= require("./esbuild").load());
const CACHE_SALT = JSON.stringify({ esbuild: require("./esbuild").version(), TRANSFORM });

function isProjectFile(filename) {
    return filename.startsWith(ROOT + path.sep) && !filename.includes(NODE_MODULES);
}

function cachePath(filename, source, cacheDir = CACHE_DIR) {
    const key = crypto.createHash("sha256").update(CACHE_SALT).update("\0").update(filename).update("\0").update(source).digest("hex");
    return path.join(cacheDir, `${key}.js`);
}

function store(cached, code) {
    try {
        fs.mkdirSync(path.dirname(cached), { recursive: true });
        const temporary = `${cached}.${process.pid}`;
        fs.writeFileSync(temporary, code);
        fs.renameSync(temporary, cached);
    } catch {
        // A read-only checkout compiles on every run; nothing else changes.
    }
}

function transpile(filename) {
    const source = fs.readFileSync(filename, "utf8");
    const cached = cachePath(filename, source);
    try {
        return fs.readFileSync(cached, "utf8");
    } catch {
        // Not compiled yet.
    }
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
        if (!fs.existsSync(cached)) missing.push({ filename, source, cached });
    }
    await Promise.all(missing.map(async ({ filename, source, cached }) => {
        const { code } = await compiler().transform(source, { ...TRANSFORM, sourcefile: filename });
        store(cached, code);
    }));
    return missing.length;
}

function compileTypeScript(module, filename) {
    if (!isProjectFile(filename)) {
        throw new Error(`${filename}: only the project's own TypeScript is compiled (register.js); a dependency ships JavaScript`);
    }
    module._compile(transpile(filename), filename);
}

require.extensions[".ts"] = compileTypeScript;

const codeCache = process.env.CLINICAL_PLATFORM_CODE_CACHE === "0"
    ? undefined
    : createCodeCache(path.join(COMPILE_CACHE_DIR, `v8-${process.version}-${process.arch}.bin`));
if (codeCache !== undefined) process.once("exit", codeCache.save);

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

module.exports = { COMPILE_CACHE_DIR, ROOT, codeCache, isProjectFile, precompile };
