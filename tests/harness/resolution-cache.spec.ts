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

interface Run {
    filenames: string[];
    counts: { hits: number; misses: number };
}

/**
 * One run of a plain Node process (as each offline command is one) resolving `requests` from
 * `requirerFile` through a cache on `store`, then saving it: Node keeps what it has read of a tree,
 * package.json files included, for the life of a process.
 */
function runResolving(store: string, lockfile: string, requirerFile: string, requests: string[]): Run {
    const script = `
        const Module = require("module");
        const path = require("path");
        const { createResolutionCache } = require(${JSON.stringify(CACHE_MODULE)});
        const requirer = new Module(${JSON.stringify(requirerFile)}, undefined);
        requirer.filename = ${JSON.stringify(requirerFile)};
        requirer.paths = Module._nodeModulePaths(path.dirname(requirer.filename));
        const cache = createResolutionCache(${JSON.stringify(store)}, ${JSON.stringify(lockfile)});
        const filenames = ${JSON.stringify(requests)}.map((request) => cache.resolve((...args) => Module._resolveFilename(...args), request, requirer, false));
        cache.save();
        console.log(JSON.stringify({ filenames, counts: cache.counts }));
    `;
    const run = spawnSync(process.execPath, ["-e", script], { encoding: "utf8" });
    assert.equal(run.status, 0, run.stderr);
    return JSON.parse(run.stdout) as Run;
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
        const answers = [path.join(root, "node_modules", "b", "lib", "main.js"), path.join(root, "node_modules", "a", "helper.js")];
        assert.deepEqual(runResolving(store, lockfile, requirer.filename, ["b", "./helper"]), { filenames: answers, counts: { hits: 0, misses: 2 } });
        assert.deepEqual(runResolving(store, lockfile, requirer.filename, ["b", "./helper"]), { filenames: answers, counts: { hits: 2, misses: 0 } });
    });

    it("starts afresh once npm has changed the installed tree", () => {
        runResolving(store, lockfile, requirer.filename, ["b"]);
        assert.equal(runResolving(store, lockfile, requirer.filename, ["b"]).counts.hits, 1, "kept while the tree is unchanged");
        // b reinstalled at another version, whose main is another file; npm rewrites its hidden lockfile.
        write(path.join(root, "node_modules", "b", "package.json"), JSON.stringify({ name: "b", main: "lib/other.js" }));
        write(lockfile, JSON.stringify({ lockfileVersion: 3, packages: { "node_modules/a": {}, "node_modules/b": { version: "2.0.0" } } }));

        assert.deepEqual(runResolving(store, lockfile, requirer.filename, ["b"]), {
            filenames: [path.join(root, "node_modules", "b", "lib", "other.js")],
            counts: { hits: 0, misses: 1 },
        });
    });

    it("resolves again a kept file that is no longer there, or whose directory became a file", () => {
        write(path.join(root, "node_modules", "a", "lib", "index.js"), "\n");
        runResolving(store, lockfile, requirer.filename, ["./helper", "./lib"]);
        rmSync(path.join(root, "node_modules", "a", "helper.js"));
        write(path.join(root, "node_modules", "a", "helper", "index.js"), "\n");
        rmSync(path.join(root, "node_modules", "a", "lib"), { recursive: true });
        write(path.join(root, "node_modules", "a", "lib"), "\n");

        assert.deepEqual(runResolving(store, lockfile, requirer.filename, ["./helper", "./lib"]), {
            filenames: [path.join(root, "node_modules", "a", "helper", "index.js"), path.join(root, "node_modules", "a", "lib")],
            counts: { hits: 0, misses: 2 },
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
