"use strict";
/**
 * How the offline commands hand chosen files of their dependencies something else for a chosen
 * require: a stand-in that loads the module on first use (./deferred-loads.js), or plain-value
 * messages (./in-process-messages.js). Both install through `substituteRequires`, before anything
 * loads the files concerned (register.js).
 *
 * A requiring file is named as `<package>/<path inside it>`, with `/`, and matched wherever that
 * package is installed. Each module gets one substitute, made on its first substituted require and
 * shared by every listed file that requires it. A request that cannot be resolved is left to Node,
 * so it fails, or falls back, exactly where it would have.
 */
const Module = require("module");
const path = require("path");

const NODE_MODULES = `${path.sep}node_modules${path.sep}`;

/** Where `request` resolves from `parent`, or undefined when it cannot be found. */
function resolved(request, parent) {
    try {
        return Module._resolveFilename(request, parent, false);
    } catch {
        return undefined;
    }
}

/**
 * From now on, a require of one of `table[file]` made by `file` returns `make(request, load)`,
 * where `load()` loads the real module as Node would have.
 */
function substituteRequires(table, make) {
    const bySuffix = new Map(Object.entries(table).map(([file, requests]) => [`${NODE_MODULES}${file.split("/").join(path.sep)}`, new Set(requests)]));
    const substitutes = new Map();
    const load = Module._load;
    Module._load = function (request, parent, isMain) {
        const filename = parent?.filename;
        if (typeof filename === "string" && filename.includes(NODE_MODULES)) {
            for (const [suffix, requests] of bySuffix) {
                if (!requests.has(request) || !filename.endsWith(suffix)) continue;
                const target = resolved(request, parent);
                if (target === undefined) break;
                if (!substitutes.has(target)) substitutes.set(target, make(request, () => load.call(this, request, parent, isMain)));
                return substitutes.get(target);
            }
        }
        return load.call(this, request, parent, isMain);
    };
}

module.exports = { substituteRequires };
