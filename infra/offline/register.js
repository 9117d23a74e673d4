"use strict";
/**
 * `node --require ./infra/offline/register.js <file>.ts`: compiles the project's own TypeScript
 * files as Node loads them, and nothing else. Unlike a general loader (tsx hooks every `.js` file,
 * node_modules included), JavaScript goes to Node untouched; each `.ts` file is transpiled with
 * esbuild (no type check: `npm run typecheck` does that), the output kept in a cache keyed by the
 * source's digest (node_modules/.cache/clinical-platform/ts), and carries an inline source map, so a
 * program error's stack names the TypeScript line.
 *
 * Source maps are on for the project's files only: with them on, Node would also read the `.map`
 * file of every dependency module that names one as it loads (@pulumi/pulumi and @pulumi/aws do),
 * which costs more than compiling the project.
 */
const crypto = require("crypto");
const fs = require("fs");
const Module = require("module");
const path = require("path");
const esbuild = require("./esbuild");
// Before anything loads the SDK: it then skips two packages it needs only to serialize functions.
require("./deferred-sdk-loads");

const ROOT = path.resolve(__dirname, "..", "..");
const { compilerOptions } = JSON.parse(fs.readFileSync(path.join(ROOT, "tsconfig.json"), "utf8"));
const TRANSFORM = { loader: "ts", format: "cjs", target: "node20", sourcemap: "inline", tsconfigRaw: { compilerOptions } };
const NODE_MODULES = `${path.sep}node_modules${path.sep}`;
const CACHE_DIR = path.join(require("os").tmpdir(), `clinical-platform-ts-${process.getuid?.() ?? "user"}`);
const CACHE_SALT = JSON.stringify({ esbuild: esbuild.version, TRANSFORM });

function isProjectFile(filename) {
    return filename.startsWith(ROOT + path.sep) && !filename.includes(NODE_MODULES);
}

function transpile(filename) {
    const source = fs.readFileSync(filename, "utf8");
    const key = crypto.createHash("sha256").update(CACHE_SALT).update("\0").update(filename).update("\0").update(source).digest("hex");
    const cached = path.join(CACHE_DIR, `${key}.js`);
    try {
        return fs.readFileSync(cached, "utf8");
    } catch {
        // Not compiled yet.
    }
    const { code } = esbuild.transformSync(source, { ...TRANSFORM, sourcefile: filename });
    try {
        fs.mkdirSync(CACHE_DIR, { recursive: true });
        const temporary = `${cached}.${process.pid}`;
        fs.writeFileSync(temporary, code);
        fs.renameSync(temporary, cached);
    } catch {
        // A read-only checkout compiles on every run; nothing else changes.
    }
    return code;
}

function compileTypeScript(module, filename) {
    if (!isProjectFile(filename)) {
        throw new Error(`${filename}: only the project's own TypeScript is compiled (register.js); a dependency ships JavaScript`);
    }
    module._compile(transpile(filename), filename);
}

require.extensions[".ts"] = compileTypeScript;

const loadJavaScript = Module._extensions[".js"];
Module._extensions[".js"] = function (module, filename) {
    const enabled = process.sourceMapsEnabled;
    if (!enabled || isProjectFile(filename)) return loadJavaScript(module, filename);
    process.setSourceMapsEnabled(false);
    try {
        return loadJavaScript(module, filename);
    } finally {
        process.setSourceMapsEnabled(enabled);
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

/** Where compiled project files are kept (the benchmark clears it to measure a first run). */
module.exports = { TRANSFORM_CACHE_DIR: CACHE_DIR };
