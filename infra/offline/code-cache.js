"use strict";
/**
 * V8's code cache for the dependencies the offline commands load: the preview loads about 530
 * CommonJS modules from node_modules (the SDKs, zod, yaml, ajv, gRPC), and V8 parses and compiles
 * each of them again on every run. Node 22 keeps such a cache itself (`module.enableCompileCache`);
 * Node 20, which the project supports, does not, so register.js hands each dependency module here.
 *
 * A module is compiled as Node compiles it, as a function of (exports, require, module, __filename,
 * __dirname), through `vm.Script` with the cached data of an earlier run. At exit, the code V8
 * compiled for each module that had no usable cache (lazily compiled functions included) is added
 * to the store, one file, keyed by a digest of the module's path and content, so an edited or
 * reinstalled module is never served stale code. V8 itself rejects data made by another V8
 * version or under other flags; the module is then compiled from source and stored again.
 *
 * One file, not one per module: writing 880 small files took 0.35 s on the 2-core machine
 * (2026-12-02), writing them as one 5 MB file about 10 ms; creating the data took 45 ms.
 *
 * Left to Node's own loader, unchanged: the project's own files (they carry source maps, which Node
 * applies only to modules it compiles itself); a module in ES syntax, or one V8 cannot compile as a
 * function body (a leading `#!`); and a module whose source mentions `import(`, because Node 20
 * does not carry the dynamic-import callback through cached data (from the second run on, the
 * import would fail with ERR_VM_DYNAMIC_IMPORT_CALLBACK_MISSING). Not kept: Node's private
 * "executing" mark, by which `require()` of an ES module that imports its requirer back fails with
 * ERR_REQUIRE_CYCLE_MODULE; none of the dependencies the commands load does that.
 */
const fs = require("fs");
const Module = require("module");
const path = require("path");
const vm = require("vm");
const { cacheKey, writeWhole } = require("./cache-files");

// Node's CommonJS wrapper, with the module's source starting on a line of its own: compiled with
// lineOffset -1, line and column numbers in a stack trace are the file's own.
const WRAPPER_START = "(function (exports, require, module, __filename, __dirname) {\n";
const WRAPPER_END = "\n})";

/** A source that may call `import()` (or merely mentions it: such a module is simply not cached). */
const DYNAMIC_IMPORT = /\bimport\s*\(/;

const KEY_BYTES = 32;
const LENGTH_BYTES = 4;
/** Past this size the store keeps only what the run that writes it used, so stale entries do not pile up. */
const MAX_STORE_BYTES = 64 * 1024 * 1024;

function checkedRequest(request) {
    if (typeof request !== "string") {
        const error = new TypeError(`The "request" argument must be of type string. Received ${typeof request}`);
        error.code = "ERR_INVALID_ARG_TYPE";
        throw error;
    }
    return request;
}

/** The `require` Node gives a module (lib/internal/modules/helpers.js makeRequireFunction in 20.20.2), without policy redirects. */
function requireFor(module) {
    function require(id) {
        return module.require(id);
    }
    function resolve(request, options) {
        return Module._resolveFilename(checkedRequest(request), module, false, options);
    }
    function paths(request) {
        return Module._resolveLookupPaths(checkedRequest(request), module);
    }
    resolve.paths = paths;
    require.resolve = resolve;
    require.main = process.mainModule;
    require.extensions = Module._extensions;
    require.cache = Module._cache;
    return require;
}

/** The store's entries: key (hex) → cached data. A store that cannot be read, or is cut short, is empty from there on. */
function readStore(file) {
    const entries = new Map();
    let buffer;
    try {
        buffer = fs.readFileSync(file);
    } catch {
        return entries;
    }
    let offset = 0;
    while (offset + KEY_BYTES + LENGTH_BYTES <= buffer.length) {
        const key = buffer.toString("hex", offset, offset + KEY_BYTES);
        const length = buffer.readUInt32LE(offset + KEY_BYTES);
        const start = offset + KEY_BYTES + LENGTH_BYTES;
        if (start + length > buffer.length) break;
        entries.set(key, buffer.subarray(start, start + length));
        offset = start + length;
    }
    return entries;
}

function writeStore(file, entries) {
    const parts = [];
    for (const [key, data] of entries) {
        const header = Buffer.alloc(KEY_BYTES + LENGTH_BYTES);
        header.write(key, 0, KEY_BYTES, "hex");
        header.writeUInt32LE(data.length, KEY_BYTES);
        parts.push(header, data);
    }
    writeWhole(file, Buffer.concat(parts));
}

/**
 * A code cache kept in the file `storeFile`. `compile(module, content, filename, format)` stands in
 * for `module._compile`; `save()` writes what this run compiled (register.js calls it at exit).
 */
function createCodeCache(storeFile) {
    let stored;
    const used = new Map();
    const compiled = new Map();
    const counts = { hits: 0, misses: 0 };

    function compile(module, content, filename, format) {
        if (format === "module") return Module.prototype._compile.call(module, content, filename, format);
        stored ??= readStore(storeFile);
        const key = cacheKey(filename, content);
        const cachedData = stored.get(key);
        // Only a miss needs the scan: a source that mentions import( is never stored.
        if (cachedData === undefined && DYNAMIC_IMPORT.test(content)) return Module.prototype._compile.call(module, content, filename, format);
        let script;
        try {
            script = new vm.Script(`${WRAPPER_START}${content}${WRAPPER_END}`, { filename, lineOffset: -1, cachedData });
        } catch (error) {
            if (error instanceof SyntaxError) return Module.prototype._compile.call(module, content, filename, format);
            throw error;
        }
        if (cachedData === undefined || script.cachedDataRejected) {
            compiled.set(key, script);
            counts.misses++;
        } else {
            used.set(key, cachedData);
            counts.hits++;
        }
        const wrapper = script.runInThisContext({ displayErrors: true });
        return Reflect.apply(wrapper, module.exports, [module.exports, requireFor(module), module, filename, path.dirname(filename)]);
    }

    /** Adds what this run compiled to the store; a store that cannot be written is left as it is. */
    function save() {
        if (compiled.size === 0) return;
        const entries = new Map(used);
        for (const [key, script] of compiled) entries.set(key, script.createCachedData());
        let size = 0;
        for (const data of entries.values()) size += data.length;
        // Entries of other commands (or of files since edited) are kept while the store is small.
        for (const [key, data] of stored ?? []) {
            if (entries.has(key) || size + data.length > MAX_STORE_BYTES) continue;
            entries.set(key, data);
            size += data.length;
        }
        writeStore(storeFile, entries);
        compiled.clear();
    }

    return { compile, save, counts };
}

module.exports = { createCodeCache };
