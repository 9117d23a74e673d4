/**
 * What the offline commands keep compiled between runs (infra/offline/register.js): V8's code
 * cache for dependency modules and the project's transpiled TypeScript. A cached module must
 * behave exactly as the module Node loads itself, and nothing stale may ever be served.
 */
import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import { appendFileSync, existsSync, readdirSync, rmSync, truncateSync, writeFileSync } from "fs";
import Module from "module";
import * as path from "path";
import { scratchDir } from "./scratch";

/* eslint-disable @typescript-eslint/no-require-imports */
const { createCodeCache } = require("../../infra/offline/code-cache") as {
    createCodeCache(storeFile: string): CodeCache;
};
const { precompile } = require("../../infra/offline/transpile") as { precompile(files: string[], cacheDir?: string): Promise<number> };
/* eslint-enable @typescript-eslint/no-require-imports */

interface CodeCache {
    compile(module: Module, content: string, filename: string, format?: string): unknown;
    save(): void;
    counts: { hits: number; misses: number };
}

const ROOT = path.resolve(__dirname, "..", "..");
const REGISTER = "./infra/offline/register.js";

/** A module `filename` loaded with `cache` in place of Node's compiler, as register.js does for dependencies. */
function loadThrough(cache: CodeCache, filename: string, content: string): Module {
    const module = new Module(filename, undefined);
    module.filename = filename;
    module.paths = (Module as unknown as { _nodeModulePaths(dir: string): string[] })._nodeModulePaths(path.dirname(filename));
    cache.compile(module, content, filename);
    return module;
}

const SOURCE = [
    "'use strict';",
    "const path = require('path');",
    "exports.where = () => ({ file: __filename, dir: __dirname, sep: path.sep, resolved: require.resolve('./sibling') });",
    "exports.fail = function fail() { return [1].map(() => { throw new Error('from the module'); }); };",
    "",
].join("\n");

describe("the compile caches of the offline commands", () => {
    let dir: string;
    beforeEach(() => {
        dir = scratchDir("compile-cache-");
        writeFileSync(path.join(dir, "sibling.js"), "module.exports = 1;\n");
    });

    it("gives a cached module what Node gives it: exports, require, __filename, __dirname and its own line and column in a stack trace", () => {
        const file = path.join(dir, "dependency.js");
        writeFileSync(file, SOURCE);
        // In a plain Node process: mocha's TypeScript loader would rewrite the file Node loads.
        const probe = `
            const Module = require("module");
            const path = require("path");
            const { createCodeCache } = require(${JSON.stringify(path.join(ROOT, "infra", "offline", "code-cache.js"))});
            const file = ${JSON.stringify(file)};
            const site = (fail) => { try { fail(); } catch (error) { return /\\((.+:\\d+:\\d+)\\)/.exec(error.stack)[1]; } };
            const byNode = require(file);
            const module = new Module(file, undefined);
            module.filename = file;
            module.paths = Module._nodeModulePaths(path.dirname(file));
            createCodeCache(path.join(path.dirname(file), "store.bin")).compile(module, require("fs").readFileSync(file, "utf8"), file);
            const cached = module.exports;
            console.log(JSON.stringify({ node: { ...byNode.where(), site: site(byNode.fail) }, cached: { ...cached.where(), site: site(cached.fail) } }));
        `;
        const result = spawnSync(process.execPath, ["-e", probe], { encoding: "utf8" });
        assert.equal(result.status, 0, result.stderr);
        const { node, cached } = JSON.parse(result.stdout) as { node: Record<string, string>; cached: Record<string, string> };
        assert.equal(node["file"], file);
        assert.match(node["site"], /dependency\.js:4:\d+$/);
        assert.deepEqual(cached, node);
    });

    it("serves a module from the store on the next run, and compiles a module whose content changed afresh", () => {
        const file = path.join(dir, "dependency.js");
        const store = path.join(dir, "store.bin");
        const firstRun = createCodeCache(store);
        loadThrough(firstRun, file, "module.exports = 'one';");
        assert.deepEqual(firstRun.counts, { hits: 0, misses: 1 });
        firstRun.save();

        const secondRun = createCodeCache(store);
        assert.equal(loadThrough(secondRun, file, "module.exports = 'one';").exports, "one");
        // Same length, other content: a cache keyed on length alone would run the old code.
        assert.equal(loadThrough(secondRun, file, "module.exports = 'two';").exports, "two");
        assert.deepEqual(secondRun.counts, { hits: 1, misses: 1 });
    });

    it("keeps working when the store is cut short or cannot be written", () => {
        const file = path.join(dir, "dependency.js");
        const store = path.join(dir, "store.bin");
        const firstRun = createCodeCache(store);
        loadThrough(firstRun, file, "module.exports = 'one';");
        loadThrough(firstRun, path.join(dir, "other.js"), "module.exports = 'other';");
        firstRun.save();
        truncateSync(store, 100);
        const damaged = createCodeCache(store);
        assert.equal(loadThrough(damaged, file, "module.exports = 'one';").exports, "one");

        const unwritable = createCodeCache(path.join(dir, "sibling.js", "store.bin"));
        assert.equal(loadThrough(unwritable, file, "module.exports = 'one';").exports, "one");
        assert.doesNotThrow(() => unwritable.save());
    });

    it("leaves a module that imports dynamically to Node's own loader, so its import() works on every run", () => {
        writeFileSync(path.join(dir, "esm.mjs"), "export const answer = 42;\n");
        const file = path.join(dir, "loader.js");
        writeFileSync(file, "exports.load = () => import('./esm.mjs').then((m) => m.answer);\n");
        const probe = `
            const Module = require("module");
            const path = require("path");
            const { createCodeCache } = require(${JSON.stringify(path.join(ROOT, "infra", "offline", "code-cache.js"))});
            const file = ${JSON.stringify(file)};
            const cache = createCodeCache(path.join(path.dirname(file), "store.bin"));
            const module = new Module(file, undefined);
            module.filename = file;
            module.paths = Module._nodeModulePaths(path.dirname(file));
            cache.compile(module, require("fs").readFileSync(file, "utf8"), file);
            cache.save();
            module.exports.load().then((answer) => console.log(JSON.stringify({ answer, counts: cache.counts })));
        `;
        for (const run of ["first", "second"]) {
            const result = spawnSync(process.execPath, ["-e", probe], { encoding: "utf8" });
            assert.equal(result.status, 0, `${run} run: ${result.stderr}`);
            assert.deepEqual(JSON.parse(result.stdout), { answer: 42, counts: { hits: 0, misses: 0 } }, `${run} run`);
            assert.equal(result.stderr, "", `${run} run`);
        }
    });

    it("leaves a module V8 cannot compile as a function body to Node's own loader", () => {
        const file = path.join(dir, "cli.js");
        const cache = createCodeCache(path.join(dir, "store.bin"));
        assert.equal(loadThrough(cache, file, "#!/usr/bin/env node\nmodule.exports = 42;\n").exports, 42);
        assert.deepEqual(cache.counts, { hits: 0, misses: 0 });
    });

    it("serves the dependencies of an offline command from the code cache, and their requires from the resolution cache, on its next run", () => {
        const probe = "require('yaml'); require('zod'); const { codeCache, resolutionCache } = require('./infra/offline/register'); console.log(JSON.stringify({ code: codeCache.counts, resolution: resolutionCache.counts }));";
        const run = () => {
            const result = spawnSync(process.execPath, ["--require", REGISTER, "-e", probe], { cwd: ROOT, encoding: "utf8" });
            assert.equal(result.status, 0, result.stderr);
            return JSON.parse(result.stdout) as Record<"code" | "resolution", { hits: number; misses: number }>;
        };
        run();
        const second = run();
        assert.equal(second.code.misses, 0);
        assert.ok(second.code.hits > 0, `expected dependency modules served from the cache, got ${JSON.stringify(second)}`);
        assert.equal(second.resolution.misses, 0);
        assert.ok(second.resolution.hits > 0, `expected dependency requires answered from the cache, got ${JSON.stringify(second)}`);
    });

    it("precompiles only the TypeScript not compiled yet, and an edited file again", async () => {
        const file = path.join(dir, "module.ts");
        writeFileSync(file, `export const stamp: string = "${dir}";\n`);
        const cache = path.join(dir, "compiled");
        assert.equal(await precompile([file], cache), 1);
        assert.equal(await precompile([file], cache), 0);
        appendFileSync(file, "export const more = 1;\n");
        assert.equal(await precompile([file], cache), 1);
        // An entry emptied or cut short after it was written is compiled again.
        for (const entry of readdirSync(cache)) writeFileSync(path.join(cache, entry), "");
        assert.equal(await precompile([file], cache), 1);
    });

    it("validates pack config with a saved validator exactly as with one ajv compiles, without loading ajv", () => {
        const validators = path.join(ROOT, "node_modules", ".cache", "clinical-platform", "ajv");
        const before = new Set(existsSync(validators) ? readdirSync(validators) : []);
        // A schema no other run has compiled, so the first process compiles and the second loads.
        const schema = {
            type: "object",
            properties: {
                minimumDays: { type: "integer", minimum: 1, description: `run ${process.pid} ${Date.now()}` },
                exemptResources: { type: "array", items: { type: "object", properties: { resource: { type: "string", minLength: 1 } }, required: ["resource"], additionalProperties: false } },
            },
            required: ["minimumDays"],
        };
        const values = [{ minimumDays: 30 }, { minimumDays: 0 }, { exemptResources: [{ resource: "" }, { other: 1 }] }, { minimumDays: 2.5, exemptResources: "bucket" }];
        const probe = `
            const { validate } = require("./infra/analyzer/json-schema");
            const problems = ${JSON.stringify(values)}.map((value) => validate(${JSON.stringify(schema)}, value));
            const ajvLoaded = Object.keys(require.cache).some((file) => file.includes("/node_modules/ajv/dist/ajv.js"));
            console.log(JSON.stringify({ problems, ajvLoaded }));
        `;
        const run = () => {
            const result = spawnSync(process.execPath, ["--require", REGISTER, "-e", probe], { cwd: ROOT, encoding: "utf8" });
            assert.equal(result.status, 0, result.stderr);
            return JSON.parse(result.stdout) as { problems: string[][]; ajvLoaded: boolean };
        };
        try {
            const compiled = run();
            const saved = run();
            // A saved validator emptied later is compiled again, not loaded as `{}`.
            for (const file of readdirSync(validators)) if (!before.has(file)) writeFileSync(path.join(validators, file), "");
            assert.deepEqual(run().problems, compiled.problems);
            assert.equal(compiled.ajvLoaded, true);
            assert.equal(saved.ajvLoaded, false);
            assert.deepEqual(saved.problems, compiled.problems);
            assert.deepEqual(compiled.problems[0], []);
            assert.deepEqual(compiled.problems[1], ["minimumDays: must be >= 1"]);
            assert.ok(compiled.problems[2].includes("minimumDays: is required"), compiled.problems[2].join("; "));
            assert.ok(compiled.problems[2].includes("exemptResources[1].other: is not an allowed property"), compiled.problems[2].join("; "));
        } finally {
            for (const file of readdirSync(validators)) if (!before.has(file)) rmSync(path.join(validators, file), { force: true });
        }
    });
});
