"use strict";
/**
 * `node --require ./infra/offline/register.js <file>.ts`: compiles the project's own TypeScript
 * files as Node loads them, and nothing else. Unlike a general loader (tsx hooks every `.js` file,
 * node_modules included), JavaScript goes to Node untouched; each `.ts` file is transpiled with
 * esbuild (no type check: `npm run typecheck` does that) and keeps an inline source map, so a
 * program error's stack names the TypeScript line.
 */
const fs = require("fs");
const Module = require("module");
const path = require("path");
const esbuild = require("./esbuild");

const ROOT = path.resolve(__dirname, "..", "..");
const { compilerOptions } = JSON.parse(fs.readFileSync(path.join(ROOT, "tsconfig.json"), "utf8"));
const TSCONFIG = { compilerOptions };
const NODE_MODULES = `${path.sep}node_modules${path.sep}`;

function isProjectFile(filename) {
    return filename.startsWith(ROOT + path.sep) && !filename.includes(NODE_MODULES);
}

function compileTypeScript(module, filename) {
    if (!isProjectFile(filename)) {
        throw new Error(`${filename}: only the project's own TypeScript is compiled (register.js); a dependency ships JavaScript`);
    }
    const { code } = esbuild.transformSync(fs.readFileSync(filename, "utf8"), {
        loader: "ts",
        format: "cjs",
        target: "node20",
        sourcemap: "inline",
        sourcefile: filename,
        tsconfigRaw: TSCONFIG,
    });
    module._compile(code, filename);
}

require.extensions[".ts"] = compileTypeScript;

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
