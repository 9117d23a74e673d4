"use strict";
/**
 * Modules the dependencies load with their indexes that a program previewed under the mocks does not
 * use (load times from Module._load profiles on this 2-core machine):
 *  - what `@pulumi/pulumi` 3.248.0 needs only to serialize a JavaScript function into a resource
 *    (`aws.lambda.CallbackFunction` and the like), which this project never does: the TypeScript
 *    compiler (`typescript-shim.js`, for parsing a function's source), the closure walker
 *    (`runtime/closure/createClosure.js` and what it loads) and the packages `codePaths.js` needs
 *    to find the files a function's code uses (`@npmcli/arborist`, `fdir`, `normalize-package-data`,
 *    `upath`); TypeScript and arborist were 0.6 s and 0.4 s of the SDK's 1.35 s load (2026-12-01),
 *    the rest about 0.06 s (2026-12-02);
 *  - its Automation API (`index.js` requires `./automation`: workspaces that drive the Pulumi CLI),
 *    which a program never calls (about 0.07 s);
 *  - what it needs only with a real engine: OpenTelemetry (`runtime/settings.js`, to propagate
 *    trace context on gRPC calls to the engine; 44 files) and `semver` (`runtime/rpc.js`, to compare
 *    the versions of a provider package registered twice or of a resource reference; 47 files);
 *  - `glob`, which `@pulumi/kubernetes` 4.34.2 loads with its `yaml` module for ConfigGroup's
 *    `files` patterns, which this project does not use (about 0.02 s);
 *  - zod 4.6.7's 64 translations of its error messages (`locales`, exported by `v4/core/index.cjs`
 *    and `v4/classic/external.cjs`); its English messages, the default, are loaded on their own
 *    (`v4/classic/schemas.cjs` requires `locales/en.cjs`); about 0.02 s.
 *
 * Installed by register.js (`install()`), before anything loads, this hands the requiring file a
 * stand-in for each that loads the real module the first time anything is read from it, so a
 * program that does use one still gets it, just later. The stand-in reports `__esModule`, so the
 * `__importStar` and `__importDefault` helpers of compiled TypeScript keep it as it is instead of
 * copying every member (which would load the module at once); its `default` is, as those helpers
 * make it, the module itself when the module is not an ES module. What a stand-in does not give a
 * caller that holds on to it rather than to its members: the module's own identity and prototype
 * (`instanceof Object` is false, `require.cache` does not hold it), and for the TypeScript shim, a
 * fall back to the TypeScript it ships when the installed one resolves but fails to load. Nothing
 * a preview runs does either. infra/sdk-adapter.ts checks on
 * load that each file still requires what is deferred from it, and tests/harness/sdk-adapter.spec.ts
 * that a deferred module works when it is used.
 */
const { substituteRequires } = require("./require-substitutes");

/** For each file of an installed package (as `<package>/<path>`), the requests whose load is deferred. */
const DEFERRED = {
    "@pulumi/pulumi/typescript-shim.js": ["typescript"],
    "@pulumi/pulumi/runtime/closure/codePaths.js": ["@npmcli/arborist", "fdir", "normalize-package-data", "upath"],
    "@pulumi/pulumi/runtime/closure/serializeClosure.js": ["./createClosure"],
    "@pulumi/pulumi/index.js": ["./automation"],
    "@pulumi/pulumi/runtime/settings.js": ["@opentelemetry/api"],
    "@pulumi/pulumi/runtime/rpc.js": ["semver"],
    "@pulumi/kubernetes/yaml/yaml.js": ["glob"],
    "zod/v4/core/index.cjs": ["../locales/index.cjs"],
    "zod/v4/classic/external.cjs": ["../locales/index.cjs"],
};
function deferredModule(load) {
    let loaded;
    const real = () => {
        loaded ??= load();
        return loaded;
    };
    return new Proxy(Object.create(null), {
        get: (_, key) => {
            if (key === "__esModule") return true;
            const module = real();
            return key === "default" && !module?.__esModule ? module : Reflect.get(module, key);
        },
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
 * Defers those loads from now on; register.js calls it before anything loads a dependency. A module
 * that cannot be found is not deferred: where `typescript` is missing, the SDK's shim sees the
 * require fail at once, as it expects, and falls back to the copy of TypeScript it ships. One
 * stand-in per module, so zod's `locales` is the same namespace under `z` and under `z.core`.
 */
function install() {
    substituteRequires(DEFERRED, (_request, load) => deferredModule(load));
}

module.exports = { DEFERRED, deferredModule, install };
