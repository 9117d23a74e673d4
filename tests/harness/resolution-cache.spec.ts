/**
 * Where the dependencies' requires resolve, kept between runs of the offline commands
 * (infra/offline/resolution-cache.js): the answer must be Node's, and never one from another
 * installed tree.
 */
import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import { existsSync, mkdirSync, rmSync, writeFileSync } from "fs";
import Module from "module";
import * as path from "path";
import { scratchDir } from "./scratch";

type ResolveFilename = (request: string, parent: Module | undefined, isMain: boolean, options?: object) => string;
interface ResolutionCache {
    resolve(resolveFilename: ResolveFilename, request: string, parent: Module | undefined, isMain: boolean, options?: object): string;
    save(): void;
    counts: { hits: number; misses: number };
}
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { createResolutionCache } = require("../../infra/offline/resolution-cache") as { createResolutionCache(storeFile: string, hiddenLockfile: string): ResolutionCache };

const nodeResolve = (Module as unknown as { _resolveFilename: ResolveFilename })._resolveFilename.bind(Module);

/** A module at `filename`, as Node makes one to require from. */
function moduleAt(filename: string): Module {
    const module = new Module(filename, undefined);
    module.filename = filename;
    module.paths = (Module as unknown as { _nodeModulePaths(dir: string): string[] })._nodeModulePaths(path.dirname(filename));
    return module;
}

const CACHE_MODULE = path.resolve(__dirname, "..", "..", "infra", "offline", "resolution-cache.js");

/**
 * Resolves `request` from `requirerFile` through a cache on `store`, in a process of its own as a
 * next run would (Node keeps what it has read of a tree, package.json files included, per process).
 */
function resolveInNextRun(store: string, lockfile: string, requirerFile: string, request: string): { filename: string; counts: { hits: number; misses: number } } {
    const script = `
        const Module = require("module");
        const path = require("path");
        const { createResolutionCache } = require(${JSON.stringify(CACHE_MODULE)});
        const requirer = new Module(${JSON.stringify(requirerFile)}, undefined);
        requirer.filename = ${JSON.stringify(requirerFile)};
        requirer.paths = Module._nodeModulePaths(path.dirname(requirer.filename));
        const cache = createResolutionCache(${JSON.stringify(store)}, ${JSON.stringify(lockfile)});
        const filename = cache.resolve((...args) => Module._resolveFilename(...args), ${JSON.stringify(request)}, requirer, false);
        console.log(JSON.stringify({ filename, counts: cache.counts }));
    `;
    const run = spawnSync(process.execPath, ["-e", script], { encoding: "utf8" });
    assert.equal(run.status, 0, run.stderr);
    return JSON.parse(run.stdout) as { filename: string; counts: { hits: number; misses: number } };
}

function write(file: string, content: string): void {
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, content);
}

describe("the resolution cache of the offline commands", () => {
    let root: string;
    let store: string;
    let lockfile: string;
    let requirer: Module;
    beforeEach(() => {
        root = scratchDir("resolution-cache-");
        store = path.join(root, "node_modules", ".cache", "resolutions.json");
        lockfile = path.join(root, "node_modules", ".package-lock.json");
        write(lockfile, JSON.stringify({ lockfileVersion: 3, packages: { "node_modules/a": {}, "node_modules/b": {} } }));
        write(path.join(root, "node_modules", "a", "index.js"), "require('b');\n");
        write(path.join(root, "node_modules", "a", "helper.js"), "\n");
        write(path.join(root, "node_modules", "b", "package.json"), JSON.stringify({ name: "b", main: "lib/main.js" }));
        write(path.join(root, "node_modules", "b", "lib", "main.js"), "\n");
        write(path.join(root, "node_modules", "b", "lib", "other.js"), "\n");
        requirer = moduleAt(path.join(root, "node_modules", "a", "index.js"));
    });

    it("answers a dependency's require as Node does, and from the store on the next run", () => {
        const first = createResolutionCache(store, lockfile);
        assert.equal(first.resolve(nodeResolve, "b", requirer, false), path.join(root, "node_modules", "b", "lib", "main.js"));
        assert.equal(first.resolve(nodeResolve, "./helper", requirer, false), path.join(root, "node_modules", "a", "helper.js"));
        first.save();

        const next = createResolutionCache(store, lockfile);
        const refuse: ResolveFilename = () => assert.fail("resolved by Node although kept");
        assert.equal(next.resolve(refuse, "b", requirer, false), path.join(root, "node_modules", "b", "lib", "main.js"));
        assert.equal(next.resolve(refuse, "./helper", requirer, false), path.join(root, "node_modules", "a", "helper.js"));
        assert.deepEqual(next.counts, { hits: 2, misses: 0 });
    });

    it("starts afresh once npm has changed the installed tree", () => {
        const first = createResolutionCache(store, lockfile);
        first.resolve(nodeResolve, "b", requirer, false);
        first.save();
        // b reinstalled at another version, whose main is another file; npm rewrites its hidden lockfile.
        write(path.join(root, "node_modules", "b", "package.json"), JSON.stringify({ name: "b", main: "lib/other.js" }));
        write(lockfile, JSON.stringify({ lockfileVersion: 3, packages: { "node_modules/a": {}, "node_modules/b": { version: "2.0.0" } } }));

        assert.deepEqual(resolveInNextRun(store, lockfile, requirer.filename, "b"), {
            filename: path.join(root, "node_modules", "b", "lib", "other.js"),
            counts: { hits: 0, misses: 1 },
        });
    });

    it("resolves again a kept file that is no longer there", () => {
        const first = createResolutionCache(store, lockfile);
        first.resolve(nodeResolve, "./helper", requirer, false);
        first.save();
        rmSync(path.join(root, "node_modules", "a", "helper.js"));
        write(path.join(root, "node_modules", "a", "helper", "index.js"), "\n");

        assert.deepEqual(resolveInNextRun(store, lockfile, requirer.filename, "./helper"), {
            filename: path.join(root, "node_modules", "a", "helper", "index.js"),
            counts: { hits: 0, misses: 1 },
        });
    });

    it("leaves to Node the project's own requires, builtins, requires with options, and every require without npm's hidden lockfile", () => {
        const project = moduleAt(path.join(root, "components", "index.js"));
        write(path.join(root, "components", "sibling.js"), "\n");
        const cache = createResolutionCache(store, lockfile);
        assert.equal(cache.resolve(nodeResolve, "./sibling", project, false), path.join(root, "components", "sibling.js"));
        assert.equal(cache.resolve(nodeResolve, "fs", requirer, false), "fs");
        assert.equal(cache.resolve(nodeResolve, "node:path", requirer, false), "node:path");
        assert.equal(cache.resolve(nodeResolve, "./helper", requirer, false, { paths: [path.join(root, "node_modules", "a")] }), path.join(root, "node_modules", "a", "helper.js"));
        cache.save();
        assert.deepEqual(cache.counts, { hits: 0, misses: 0 });
        assert.equal(existsSync(store), false, "nothing to keep");

        rmSync(lockfile);
        const untracked = createResolutionCache(store, lockfile);
        assert.equal(untracked.resolve(nodeResolve, "b", requirer, false), path.join(root, "node_modules", "b", "lib", "main.js"));
        untracked.save();
        assert.equal(existsSync(store), false, "no store for a tree npm does not record");
    });
});
