"use strict";
/**
 * Where the dependencies' requires resolve, kept between runs. A preview makes about 1,250
 * requires from modules in node_modules; Node resolves each by walking node_modules directories,
 * trying extensions and reading package.json `exports`, about 0.1 s of every run on the 2-core
 * machine (2026-12-02). Those answers change only when the installed tree does.
 *
 * So, for a require made from a file inside node_modules (never from the project's own files,
 * which are edited), the filename Node resolved is kept, keyed by the requiring file's directory
 * and the request, in one store file. The store holds for one installed tree only: it records the
 * size and modification time of npm's hidden lockfile (`node_modules/.package-lock.json`, which npm
 * rewrites whenever an install, update or removal changes node_modules), the Node version, and the
 * options that change resolution (NODE_PATH, NODE_OPTIONS, the flags for symlinks and export
 * conditions); any difference,
 * or no hidden lockfile, and it starts empty. A kept filename that is no longer a file is resolved
 * again. Not covered: a file added by hand inside node_modules that would now be found first.
 *
 * Builtins, requires with options (`require.resolve(x, { paths })`) and the main module are always
 * resolved by Node.
 */
const fs = require("fs");
const path = require("path");
const { writeWhole } = require("./cache-files");

const NODE_MODULES = `${path.sep}node_modules${path.sep}`;

/** Node's flags that change how a CommonJS require resolves (the two taking a value may give it apart). */
const RESOLUTION_FLAGS = /^(--preserve-symlinks|--preserve-symlinks-main|--conditions|-C)(=|$)/;

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
    return JSON.stringify([lockfile.size, lockfile.mtimeMs, process.version, process.env.NODE_PATH ?? "", process.env.NODE_OPTIONS ?? "", resolutionFlags()]);
}

/**
 * A resolution cache kept in `storeFile`, valid while `hiddenLockfile` is unchanged.
 * `resolve(resolveFilename, request, parent, isMain, options)` stands in for Node's
 * `Module._resolveFilename` (called as `resolveFilename`); `save()` writes what this run added.
 */
function createResolutionCache(storeFile, hiddenLockfile) {
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
        if (options !== undefined || isMain || typeof from !== "string" || !from.includes(NODE_MODULES) || request.startsWith("node:")) {
            return resolveFilename(request, parent, isMain, options);
        }
        if (entries === undefined) load();
        if (identity === undefined) return resolveFilename(request, parent, isMain, options);
        const key = `${path.dirname(from)}\0${request}`;
        const kept = entries.get(key);
        if (kept !== undefined && fs.statSync(kept, { throwIfNoEntry: false })?.isFile()) {
            counts.hits++;
            return kept;
        }
        const filename = resolveFilename(request, parent, isMain, options);
        // A builtin resolves to its bare name; Node answers those without a search.
        if (path.isAbsolute(filename)) {
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
