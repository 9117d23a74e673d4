"use strict";
/**
 * Modules `@pulumi/pulumi` 3.248.0 loads with its index that a program previewed under the mocks
 * does not use:
 *  - the TypeScript compiler (`typescript-shim.js`, for parsing a function's source) and
 *    `@npmcli/arborist` (`runtime/closure/codePaths.js`, for the packages a function's code needs),
 *    which the SDK uses only to serialize a JavaScript function into a resource
 *    (`aws.lambda.CallbackFunction` and the like), which this project never does; together 0.6 s and
 *    0.4 s of the SDK's 1.35 s load, measured with a Module._load profile on 2026-12-01;
 *  - the Automation API (`index.js` requires `./automation`: workspaces that drive the Pulumi CLI).
 *
 * Installed by register.js (`install()`), before the SDK loads, this hands the SDK a stand-in for
 * each that loads the real module the first time anything is read from it, so a program that does
 * use one still gets it, just later. The stand-in reports `__esModule`, so the SDK's `__importStar`
 * keeps it as it is instead of copying every member (which would load the module at once).
 * infra/sdk-adapter.ts checks on load that the SDK still requires these modules from these files,
 * and tests/harness/sdk-adapter.spec.ts that a deferred module works when it is used.
 */
const Module = require("module");
const path = require("path");

/** Requested module → the SDK file (under @pulumi/pulumi) whose require of it is deferred. */
const DEFERRED = {
    typescript: "typescript-shim.js",
    "@npmcli/arborist": path.join("runtime", "closure", "codePaths.js"),
    // The Automation API (`pulumi.automation`: workspaces, execa, the CLI wrapper), which a program
    // never calls; the index loads it with everything else (about 0.07 s of the SDK's load, 2026-12-02).
    "./automation": "index.js",
};
const SDK_DIR = `${path.sep}node_modules${path.sep}@pulumi${path.sep}pulumi${path.sep}`;

function deferredModule(load) {
    let loaded;
    const real = () => {
        loaded ??= load();
        return loaded;
    };
    return new Proxy(Object.create(null), {
        get: (_, key) => (key === "__esModule" ? true : Reflect.get(real(), key)),
        has: (_, key) => Reflect.has(real(), key),
        ownKeys: () => Reflect.ownKeys(real()),
        getOwnPropertyDescriptor: (_, key) => {
            const descriptor = Reflect.getOwnPropertyDescriptor(real(), key);
            return descriptor === undefined ? undefined : { ...descriptor, configurable: true };
        },
        set: (_, key, value) => Reflect.set(real(), key, value),
        defineProperty: (_, key, descriptor) => Reflect.defineProperty(real(), key, descriptor),
        deleteProperty: (_, key) => Reflect.deleteProperty(real(), key),
    });
}

/**
 * Only a package that can be found is deferred: where `typescript` cannot, the SDK's shim must see the
 * require fail at once, as it expects, to fall back to the copy of TypeScript it ships.
 */
function resolvable(request, parent) {
    try {
        Module._resolveFilename(request, parent, false);
        return true;
    } catch {
        return false;
    }
}

/** Defers those loads from now on; register.js calls it before anything loads the SDK. */
function install() {
    const load = Module._load;
    Module._load = function (request, parent, isMain) {
        const from = DEFERRED[request];
        const filename = parent?.filename;
        if (from !== undefined && filename !== undefined && filename.endsWith(SDK_DIR + from) && resolvable(request, parent)) {
            return deferredModule(() => load.call(this, request, parent, isMain));
        }
        return load.call(this, request, parent, isMain);
    };
}

module.exports = { DEFERRED, install };
