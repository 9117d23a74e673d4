"use strict";
/**
 * Where the dependencies' requires resolve, kept between runs. A preview makes about 1,200
 * requires from modules in node_modules; Node resolves each by walking node_modules directories,
 * trying extensions and reading package.json `exports`, about 0.1 s of every run on the 2-core
 * machine (2026-12-02). Those answers change only when the installed tree does.
 *
 * So, for a require made from a file inside the project's own node_modules and answered with a file
 * inside it (never a require from the project's own files, which are edited, nor one answered from
 * elsewhere: a linked package, NODE_PATH, a global folder), the filename Node resolved is kept,
 * keyed by the requiring file's directory and the request, in one store file. The store holds for
 * one installed tree only: it records the size and modification time of npm's hidden lockfile
 * (`node_modules/.package-lock.json`, which npm rewrites whenever an install, update or removal
 * changes node_modules), the Node version, the file extensions Node tries, and the settings that
 * change resolution (NODE_PATH, NODE_OPTIONS, NODE_PRESERVE_SYMLINKS, and the flags for symlinks,
 * export conditions, addons and require of ES modules); any difference, or no hidden lockfile,
 * and it starts empty. A kept filename that is no longer a file is resolved again. Not covered: a
 * file added to node_modules by hand, or by a script outside an npm install, that Node would now
 * find first.
 *
 * Builtins, requires with options (`require.resolve(x, { paths })`) and the main module are always
 * resolved by Node.
 */
const fs = require("fs");
const Module = require("module");
const path = require("path");
const { writeWhole } = require("./cache-files");

/** Whether `file` is still a file; any error (gone, or a file where a directory was) says no. */
function isFile(file) {
    try {
        return fs.statSync(file, { throwIfNoEntry: false })?.isFile() === true;
    } catch {
        return false;
    }
}

/** Node's flags that change how a CommonJS require resolves (the two taking a value may give it apart). */
const RESOLUTION_FLAGS = /^(--preserve-symlinks|--preserve-symlinks-main|--conditions|-C|--(no-)?experimental-require-module|--(no-)?addons)(=|$)/;

function resolutionFlags() {
    const flags = [];
    process.execArgv.forEach((arg, index) => {
        if (!RESOLUTION_FLAGS.test(arg)) return;
        flags.push(arg);
        if (arg === "--conditions" || arg === "-C") flags.push(process.execArgv[index + 1]);
    });
    return flags;
}

/** What the kept answers hold for: the installed tree and everything else that changes resolution. */
function treeIdentity(hiddenLockfile) {
    const lockfile = fs.statSync(hiddenLockfile, { throwIfNoEntry: false });
    if (lockfile === undefined) return undefined;
    const environment = ["NODE_PATH", "NODE_OPTIONS", "NODE_PRESERVE_SYMLINKS"].map((name) => process.env[name] ?? "");
    return JSON.stringify([lockfile.size, lockfile.mtimeMs, process.version, Object.keys(Module._extensions), ...environment, resolutionFlags()]);
}

/**
 * A resolution cache kept in `storeFile`, for the tree whose hidden lockfile is `hiddenLockfile`,
 * valid while that file is unchanged.
 * `resolve(resolveFilename, request, parent, isMain, options)` stands in for Node's
 * `Module._resolveFilename` (called as `resolveFilename`); `save()` writes what this run added.
 */
function createResolutionCache(storeFile, hiddenLockfile) {
    const tree = path.dirname(hiddenLockfile) + path.sep;
    let identity;
    let entries;
    let added = 0;
    const counts = { hits: 0, misses: 0 };

    function load() {
        identity = treeIdentity(hiddenLockfile);
        entries = new Map();
        if (identity === undefined) return;
        try {
            const stored = JSON.parse(fs.readFileSync(storeFile, "utf8"));
            if (stored.identity === identity) entries = new Map(Object.entries(stored.entries));
        } catch {
            // No store yet, or one cut short: resolved afresh.
        }
    }

    function resolve(resolveFilename, request, parent, isMain, options) {
        const from = parent?.filename;
        if (options !== undefined || isMain || typeof from !== "string" || !from.startsWith(tree) || request.startsWith("node:")) {
            return resolveFilename(request, parent, isMain, options);
        }
        if (entries === undefined) load();
        if (identity === undefined) return resolveFilename(request, parent, isMain, options);
        const key = `${path.dirname(from)}\0${request}`;
        const kept = entries.get(key);
        if (kept !== undefined && isFile(kept)) {
            counts.hits++;
            return kept;
        }
        const filename = resolveFilename(request, parent, isMain, options);
        // A builtin resolves to its bare name, which Node answers without a search.
        if (filename.startsWith(tree)) {
            entries.set(key, filename);
            added++;
            counts.misses++;
        }
        return filename;
    }

    /** Adds this run's answers to the store; a store that cannot be written is left as it is. */
    function save() {
        if (added === 0 || identity === undefined) return;
        writeWhole(storeFile, JSON.stringify({ identity, entries: Object.fromEntries(entries) }));
        added = 0;
    }

    return { resolve, save, counts };
}

module.exports = { createResolutionCache };
