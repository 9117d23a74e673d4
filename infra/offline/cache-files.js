"use strict";
/**
 * Where the offline commands keep what they compile (transpiled project files, V8's code cache,
 * saved config validators), and how they write it. Inside node_modules, so a new install starts it
 * afresh; removing it is a first run without `npm ci`'s prepare step.
 */
const crypto = require("crypto");
const fs = require("fs");
const path = require("path");

/** The project's installed dependencies; npm's record of them is `.package-lock.json` in it. */
const NODE_MODULES_DIR = path.join(path.resolve(__dirname, "..", ".."), "node_modules");
const COMPILE_CACHE_DIR = path.join(NODE_MODULES_DIR, ".cache", "clinical-platform");

/** The key of a cache entry: the SHA-256 (hex) of its parts, each apart from the next by a NUL. */
function cacheKey(...parts) {
    const hash = crypto.createHash("sha256");
    parts.forEach((part, index) => {
        if (index > 0) hash.update("\0");
        hash.update(part);
    });
    return hash.digest("hex");
}

/**
 * Writes `data` to `file` whole: into a file of this process's beside it, then renamed into place,
 * so a concurrent reader sees the old file or the new one, never half of one. Returns false, and
 * leaves nothing behind, where it cannot write (a read-only or full disk): a cache that is not
 * written is compiled again next time.
 */
function writeWhole(file, data) {
    const temporary = `${file}.${process.pid}`;
    try {
        fs.mkdirSync(path.dirname(file), { recursive: true });
        fs.writeFileSync(temporary, data);
        fs.renameSync(temporary, file);
        return true;
    } catch {
        try {
            fs.rmSync(temporary, { force: true });
        } catch {
            // Its directory could not be made either: nothing was written.
        }
        return false;
    }
}

module.exports = { COMPILE_CACHE_DIR, NODE_MODULES_DIR, cacheKey, writeWhole };
