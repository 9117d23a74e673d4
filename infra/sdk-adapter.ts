/**
 * The one place that reaches into Pulumi SDK internals: modules and members that `@pulumi/pulumi`
 * 3.248.0 and `@pulumi/policy` 1.21.0 ship but do not document (checked in node_modules on
 * 2026-12-01). Everything else in the repository imports them from here.
 *
 * On load it checks that each of them still exists with the shape relied on and throws, listing
 * every missing piece, when an upgrade moved one; tests/harness/sdk-adapter.spec.ts fails on such
 * an upgrade before any preview does.
 *
 *  - the engine mocks: `runtime/mocks` MockMonitor (and its `newUrn`), `runtime/settings`
 *    setMockOptions and waitForRPCs;
 *  - the wire format: `runtime/rpc` signature keys and the unknown sentinel;
 *  - the evaluation bookkeeping: `runtime/debuggable` debuggablePromise, debugPromiseLeaks and
 *    leakedPromises, `runtime/state` getStore (the leak candidates and the RPC queue), and
 *    `resource` Resource.callsites (the source position of every resource), which evaluations under
 *    the mocks do without;
 *  - the policy server: `@pulumi/policy/server` serve (through the gRPC server it builds), the
 *    `deserialize` and `proxy` helpers its handlers use to build validation args;
 *  - the modules the dependencies load that a preview does not use (what the SDK needs only to
 *    serialize functions or to talk to a real engine, its Automation API, `glob` in
 *    @pulumi/kubernetes, zod's translations), whose load infra/offline/deferred-loads.js defers
 *    until first use; it must run before they load, so register.js requires it, and the check
 *    below requires each requiring file to still load them where it says;
 *  - the Structs three SDK runtime files build for the engine monitor, those @pulumi/policy's protoutil
 *    builds for the pack's answers, and the policy server's not-applicable entries, which
 *    infra/offline/in-process-messages.js keeps as plain values in the offline commands: the check
 *    below requires those files to use nothing of the replaced modules but what it handles, a
 *    Struct's serialization to read its fields through `getFieldsMap` (where the plain value becomes
 *    a real message), and PolicyNotApplicable to have its two fields still;
 *  - the bundled pack (policies/dist/pack.js, what the CLI runs): it gets two small modules in place of
 *    `@pulumi/pulumi` and `@pulumi/pulumi/runtime/rpc` (policies/runtime/). The check below requires
 *    every member @pulumi/policy reads from those two to be there, with the SDK's value.
 */
/* eslint-disable @typescript-eslint/no-require-imports */
import { createHash } from "crypto";
import { readFileSync, readdirSync } from "fs";
import * as path from "path";
import type { Struct } from "google-protobuf/google/protobuf/struct_pb";

type Callback = (error: unknown, response?: unknown) => void;

/** The stock engine mock monitor: answers registrations from `Mocks`. */
export interface MockMonitorInstance {
    registerResource(request: unknown, callback: Callback): Promise<void>;
}
export type MockMonitorClass = new (mocks: unknown) => MockMonitorInstance;

/** The analyzer service as `@pulumi/policy`'s server implements it (gRPC unary handlers). */
export type PolicyServerHandlers = Record<
    "analyze" | "analyzeStack" | "remediate" | "getAnalyzerInfo" | "getPluginInfo" | "configure" | "configureStack",
    (call: { request: unknown }, callback: Callback) => unknown
>;

const PULUMI_DIR = path.dirname(require.resolve("@pulumi/pulumi/package.json"));
const POLICY_DIR = path.dirname(require.resolve("@pulumi/policy/package.json"));
const PROTO_MODULES = ["analyzer_pb", "analyzer_grpc_pb", "engine_pb", "engine_grpc_pb"];

function load(specifier: string): Record<string, unknown> {
    try {
        return require(specifier) as Record<string, unknown>;
    } catch (error) {
        return { __loadError: (error as Error).message };
    }
}

const mocks = load("@pulumi/pulumi/runtime/mocks");
const settings = load("@pulumi/pulumi/runtime/settings");
const rpc = load("@pulumi/pulumi/runtime/rpc");
const debuggable = load("@pulumi/pulumi/runtime/debuggable");
const state = load("@pulumi/pulumi/runtime/state");
const resource = load("@pulumi/pulumi/resource");
/** The SDK's own functions, as loaded: withoutDebugBookkeeping replaces them while an evaluation runs. */
const sdkDebuggablePromise = debuggable.debuggablePromise;
const sdkCallsites = (resource.Resource as { callsites?: unknown } | undefined)?.callsites;
const policyDeserialize = load("@pulumi/policy/deserialize");
const policyProxy = load("@pulumi/policy/proxy");
const policyServer = load("@pulumi/policy/server");
/** The gRPC package instance `@pulumi/policy`'s server builds its server with. */
const policyGrpc = load(require.resolve("@grpc/grpc-js", { paths: [POLICY_DIR] }));

/** SHA-256 of `debuggablePromise`'s source, whitespace removed, in @pulumi/pulumi 3.248.0 (see bookkeepingProblems). */
const DEBUGGABLE_PROMISE_DIGEST = "d016f31ccd6e760fe27b4adfd2b8d53c72aaf70e95907fbd920558a3482aa426";

const WIRE_KEYS = ["specialSigKey", "specialSecretSig", "specialResourceSig", "specialAssetSig", "specialArchiveSig", "unknownValue"] as const;

/** What an upgrade broke, one line each; empty when every internal relied on is where it was. */
export function sdkAdapterProblems(): string[] {
    const problems: string[] = [];
    const expect = (module: Record<string, unknown>, name: string, member: string, kind: "function" | "string") => {
        if (typeof module.__loadError === "string") {
            problems.push(`${name} cannot be loaded: ${module.__loadError}`);
        } else if (typeof module[member] !== kind) {
            problems.push(`${name}.${member} is ${typeof module[member]}, expected a ${kind}`);
        }
    };
    expect(mocks, "@pulumi/pulumi/runtime/mocks", "MockMonitor", "function");
    const monitorPrototype = (mocks.MockMonitor as { prototype?: Record<string, unknown> } | undefined)?.prototype;
    for (const method of ["registerResource", "newUrn"]) {
        if (monitorPrototype !== undefined && typeof monitorPrototype[method] !== "function") {
            problems.push(`@pulumi/pulumi/runtime/mocks MockMonitor.prototype.${method} is missing`);
        }
    }
    expect(settings, "@pulumi/pulumi/runtime/settings", "setMockOptions", "function");
    expect(settings, "@pulumi/pulumi/runtime/settings", "waitForRPCs", "function");
    for (const key of WIRE_KEYS) expect(rpc, "@pulumi/pulumi/runtime/rpc", key, "string");
    expect(debuggable, "@pulumi/pulumi/runtime/debuggable", "debuggablePromise", "function");
    expect(debuggable, "@pulumi/pulumi/runtime/debuggable", "leakedPromises", "function");
    expect(state, "@pulumi/pulumi/runtime/state", "getStore", "function");
    problems.push(...bookkeepingProblems());
    expect(policyDeserialize, "@pulumi/policy/deserialize", "deserializeProperties", "function");
    expect(policyProxy, "@pulumi/policy/proxy", "unknownCheckingProxy", "function");
    expect(policyProxy, "@pulumi/policy/proxy", "UnknownValueError", "function");
    expect(policyServer, "@pulumi/policy/server", "serve", "function");
    expect(policyGrpc, "@grpc/grpc-js (as @pulumi/policy resolves it)", "Server", "function");
    problems.push(...bundleSubstituteProblems());
    problems.push(...deferredLoadProblems());
    problems.push(...inProcessMessageProblems());
    for (const proto of PROTO_MODULES) {
        try {
            require.resolve(`@pulumi/pulumi/proto/${proto}`);
        } catch {
            problems.push(`@pulumi/pulumi/proto/${proto} is missing`);
        }
    }
    return problems;
}

/**
 * The pack's bundle replaces two SDK modules (policies/runtime/): every member @pulumi/policy reads
 * from them must be provided, and be the SDK's own value or behave as the SDK's does.
 */
function bundleSubstituteProblems(): string[] {
    const substitutes: Record<string, Record<string, unknown>> = {
        "@pulumi/pulumi": load(path.join(__dirname, "..", "policies", "runtime", "pulumi-sdk")),
        "@pulumi/pulumi/runtime/rpc": load(path.join(__dirname, "..", "policies", "runtime", "rpc-signatures")),
    };
    const problems: string[] = [];
    for (const [specifier, members] of Object.entries(membersPolicyReads(Object.keys(substitutes)))) {
        for (const member of members) {
            if (!(member in substitutes[specifier])) problems.push(`@pulumi/policy reads ${specifier}.${member}, which policies/runtime does not provide`);
        }
    }
    const sdkAsset = load("@pulumi/pulumi/asset");
    const asset = (substitutes["@pulumi/pulumi"].asset ?? {}) as Record<string, unknown>;
    for (const name of Object.keys(sdkAsset).filter((key) => key !== "__esModule")) {
        if (asset[name] !== sdkAsset[name]) problems.push(`policies/runtime/pulumi-sdk.ts: asset.${name} is not the SDK's`);
    }
    const output = (substitutes["@pulumi/pulumi"].Output as { isInstance?: (value: unknown) => boolean } | undefined)?.isInstance;
    if (output?.({ __pulumiOutput: true }) !== true || output({}) !== false) problems.push("policies/runtime/pulumi-sdk.ts: Output.isInstance does not recognise an output as the SDK does");
    for (const [member, value] of Object.entries(substitutes["@pulumi/pulumi/runtime/rpc"])) {
        if (rpc[member] !== value) problems.push(`policies/runtime/rpc-signatures.ts: ${member} is ${String(value)}, the SDK's is ${String(rpc[member])}`);
    }
    return problems;
}

/**
 * What withoutDebugBookkeeping relies on: debuggablePromise does exactly trackPending's bookkeeping
 * (besides its debug annotations), the source position is found through Resource.callsites, and
 * neither the stock mock monitor nor the recording one reads what it yields.
 */
function bookkeepingProblems(): string[] {
    const problems: string[] = [];
    const compact = (text: string) => text.replace(/\s+/g, "");
    // @pulumi/pulumi 3.248.0's runtime/debuggable.js, read 2026-12-02: the three annotations, the
    // exit-time leak report, then exactly trackPending's bookkeeping. Any change to it fails here.
    const promiseDigest = createHash("sha256").update(compact(String(sdkDebuggablePromise))).digest("hex");
    if (promiseDigest !== DEBUGGABLE_PROMISE_DIGEST) {
        problems.push("@pulumi/pulumi/runtime/debuggable debuggablePromise is not the function trackPending in infra/sdk-adapter.ts reproduces (its source changed)");
    }
    if (typeof debuggable.debugPromiseLeaks !== "boolean") problems.push("@pulumi/pulumi/runtime/debuggable debugPromiseLeaks is missing");
    if (!compact(String(settings.waitForRPCs)).includes("if(done!==localStore.settings.rpcDone)")) {
        problems.push("@pulumi/pulumi/runtime/settings waitForRPCs no longer waits on localStore.settings.rpcDone (waitUntilSettled)");
    }
    if (typeof sdkCallsites !== "function") {
        problems.push("@pulumi/pulumi/resource Resource.callsites is missing");
    } else if (!compact(String((resource.Resource as { stackTrace?: unknown }).stackTrace)).includes("letstack=Resource.callsites();")) {
        problems.push("@pulumi/pulumi/resource Resource.stackTrace no longer finds positions through Resource.callsites");
    }
    const monitors = { "@pulumi/pulumi/runtime/mocks.js": path.join(PULUMI_DIR, "runtime", "mocks.js"), "infra/offline/engine.ts": path.join(__dirname, "offline", "engine.ts") };
    for (const [name, file] of Object.entries(monitors)) {
        if (/getSourceposition|getStacktrace/.test(readFileSync(file, "utf8"))) problems.push(`${name} reads a resource's source position, which evaluations leave out`);
    }
    return problems;
}

/** The dependency files whose require of a module infra/offline/deferred-loads.js defers must still require it. */
function deferredLoadProblems(): string[] {
    const { DEFERRED } = require("./offline/deferred-loads") as { DEFERRED: Record<string, string[]> };
    return Object.entries(DEFERRED).flatMap(([file, requests]) => {
        // Through the package's directory: a package's exports may not list the file itself.
        const [packageName, inPackage] = file.startsWith("@") ? [file.split("/", 2).join("/"), file.split("/").slice(2).join("/")] : [file.split("/")[0], file.split("/").slice(1).join("/")];
        let source: string;
        try {
            source = readFileSync(path.join(path.dirname(require.resolve(`${packageName}/package.json`)), inPackage), "utf8");
        } catch {
            return [`${file} is missing (infra/offline/deferred-loads.js defers its require of ${requests.join(", ")})`];
        }
        return requests.filter((request) => !source.includes(`require("${request}")`))
            .map((request) => `${file} no longer requires ${request} (infra/offline/deferred-loads.js)`);
    });
}

/**
 * What infra/offline/in-process-messages.js replaces: the files that get its Struct must use nothing
 * of google-protobuf's struct module but what it provides, serialization must reach a Struct's
 * fields through getFieldsMap, and PolicyNotApplicable must still have exactly its two fields.
 */
function inProcessMessageProblems(): string[] {
    const { IN_PROCESS_IN, STRUCT_MODULE, ANALYZER_MODULE } = require("./offline/in-process-messages") as {
        IN_PROCESS_IN: Record<string, string[]>;
        STRUCT_MODULE: string;
        ANALYZER_MODULE: string;
    };
    const replaced: Record<string, Set<string>> = {
        [STRUCT_MODULE]: new Set(["Struct.fromJavaScript", "Value.fromJavaScript"]),
        [ANALYZER_MODULE]: new Set(["PolicyNotApplicable", "AnalyzerStackConfigureResponse"]),
    };
    const problems = Object.entries(IN_PROCESS_IN).flatMap(([module, files]) => files.flatMap((file) => {
        let source: string;
        try {
            source = readFileSync(require.resolve(file), "utf8");
        } catch {
            return [`${file} is missing (infra/offline/in-process-messages.js)`];
        }
        const binding = new RegExp(`const (\\w+) = (?:__importStar\\()?require\\("${module}"\\)`).exec(source)?.[1];
        if (binding === undefined) return [`${file} no longer requires ${module} as infra/offline/in-process-messages.js expects`];
        const used = [...source.matchAll(new RegExp(`\\b${binding}\\.(\\w+(?:\\.\\w+)?)`, "g"))].map((match) => match[1]);
        return [...new Set(used)].filter((member) => !replaced[module].has(member))
            .map((member) => `${file} uses ${module} ${member}, which infra/offline/in-process-messages.js does not handle`);
    }));
    const structSource = readFileSync(require.resolve(`${STRUCT_MODULE}.js`), "utf8");
    if (!/Struct\.serializeBinaryToWriter = function\(message, writer\) \{\s*var f = undefined;\s*f = message\.getFieldsMap\(true\)/.test(structSource)) {
        problems.push(`${STRUCT_MODULE}: Struct.serializeBinaryToWriter no longer reads the fields through getFieldsMap (infra/offline/in-process-messages.js)`);
    }
    const analyzer = require(ANALYZER_MODULE) as { PolicyNotApplicable: { new (): unknown; toObject(includeInstance: boolean, message: unknown): object } };
    const fields = Object.keys(analyzer.PolicyNotApplicable.toObject(false, new analyzer.PolicyNotApplicable())).sort().join(", ");
    if (fields !== "policyName, reason") problems.push(`${ANALYZER_MODULE} PolicyNotApplicable has the fields ${fields}, not the two infra/offline/in-process-messages.js keeps`);
    return problems;
}

/** For each module specifier, the members @pulumi/policy's compiled files read from what they require of it. */
function membersPolicyReads(specifiers: readonly string[]): Record<string, Set<string>> {
    const found: Record<string, Set<string>> = Object.fromEntries(specifiers.map((specifier) => [specifier, new Set<string>()]));
    for (const file of readdirSync(POLICY_DIR).filter((name) => name.endsWith(".js"))) {
        const source = readFileSync(path.join(POLICY_DIR, file), "utf8");
        for (const [, binding, specifier] of source.matchAll(/(?:const|var|let)\s+(\w+)\s*=\s*(?:__importStar\()?require\("([^"]+)"\)/g)) {
            if (!(specifier in found)) continue;
            for (const [, member] of source.matchAll(new RegExp(`\\b${binding}\\.(\\w+)`, "g"))) found[specifier].add(member);
        }
    }
    return found;
}

const problems = sdkAdapterProblems();
if (problems.length > 0) {
    const versions = `@pulumi/pulumi ${packageVersion(PULUMI_DIR)}, @pulumi/policy ${packageVersion(POLICY_DIR)}`;
    throw new Error(`infra/sdk-adapter.ts: the installed Pulumi SDKs (${versions}) lack internals this project relies on:\n  - ${problems.join("\n  - ")}`);
}

function packageVersion(dir: string): string {
    return (require(path.join(dir, "package.json")) as { version: string }).version;
}

// ---- engine mocks -------------------------------------------------------------------------------

export const MockMonitor = mocks.MockMonitor as MockMonitorClass;

/** Installs `monitor` as the engine the runtime talks to (what `setMocks` does with its own monitor). */
export function setMockOptions(monitor: MockMonitorInstance, project: string, stack: string, preview: boolean): void {
    (settings.setMockOptions as (monitor: unknown, project: string, stack: string, preview: boolean) => void)(monitor, project, stack, preview);
}

/** Resolves once every RPC the program started (registrations, invokes) has finished. */
function waitForRPCs(): Promise<void> {
    return (settings.waitForRPCs as () => Promise<void>)();
}

/**
 * Resolves once every RPC has finished and what their answers set off has too: an `apply` whose
 * callback registers a resource or invokes runs some microtasks after the RPC that resolved its
 * input, so after `waitForRPCs` there may be a new RPC under way. Under the CLI the language host
 * waits for the program's process to run out of work; here the runtime's RPC queue is awaited
 * again until a turn of the event loop leaves it as it was.
 */
export async function waitUntilSettled(): Promise<void> {
    const rpcQueue = () => getStore().settings.rpcDone;
    for (;;) {
        await waitForRPCs();
        const queue = rpcQueue();
        await new Promise((resolve) => setImmediate(resolve));
        if (rpcQueue() === queue) return;
    }
}

// ---- wire format --------------------------------------------------------------------------------

export const specialSigKey = rpc.specialSigKey as string;
export const specialSecretSig = rpc.specialSecretSig as string;
export const specialResourceSig = rpc.specialResourceSig as string;
export const specialAssetSig = rpc.specialAssetSig as string;
export const specialArchiveSig = rpc.specialArchiveSig as string;
/** The engine's sentinel for a value unknown until the update. */
export const unknownValue = rpc.unknownValue as string;

// ---- evaluation bookkeeping ----------------------------------------------------------------------

const leakedPromises = debuggable.leakedPromises as () => [Set<Promise<unknown>>, string];
const getStore = state.getStore as () => { leakCandidates: Set<Promise<unknown>>; settings: { rpcDone: Promise<unknown> } };
const ResourceClass = resource.Resource as { callsites: unknown };

/**
 * The SDK's promise bookkeeping without its debug annotations: the same leak-candidate set, the same
 * `then`/`catch` chain (so every registration settles in the same order), the same `promise` on a
 * rejection. What it leaves out is what `debuggablePromise` attaches to each of the thousands of
 * promises a stack creates (an id, a context and the formatted stack of its creation), read only
 * to describe leaks when PULUMI_DEBUG_PROMISE_LEAKS is set (then the SDK's own function runs), and
 * the leak report it schedules for the process's exit: the offline engine checks each evaluation
 * for leaks itself, since the next evaluation's mocks clear the candidates. The SDK's function is
 * checked on load to be, byte for byte, the one this was written against.
 */
function trackPending(promise: Promise<unknown>): Promise<unknown> {
    const localStore = getStore();
    localStore.leakCandidates.add(promise);
    return promise
        .then((value) => {
            localStore.leakCandidates.delete(promise);
            return value;
        })
        .catch((error: { promise?: unknown }) => {
            localStore.leakCandidates.delete(promise);
            error.promise = promise;
            throw error;
        });
}

/**
 * Runs `work`, an evaluation under the mocks, without two things only a real engine or a leak
 * debugger reads: the debug annotations on each SDK promise (see trackPending), and the source
 * position of each resource, which the SDK finds by formatting and parsing the whole call stack of
 * every constructor call and which the mock monitor ignores. Errors the program throws keep their
 * stacks. Both are restored when `work` settles.
 */
export async function withoutDebugBookkeeping<T>(work: () => Promise<T>): Promise<T> {
    // The SDK reads PULUMI_DEBUG_PROMISE_LEAKS once, when it loads; so does its leak report.
    if (debuggable.debugPromiseLeaks !== true) debuggable.debuggablePromise = trackPending;
    ResourceClass.callsites = () => [];
    try {
        return await work();
    } finally {
        debuggable.debuggablePromise = sdkDebuggablePromise;
        ResourceClass.callsites = sdkCallsites;
    }
}

/**
 * The SDK's own report of the promises it is still waiting for, as it prints it when a program exits
 * with some pending, and clears the record; undefined when none is pending.
 */
export function takeLeakedPromises(): string | undefined {
    const [leaked, message] = leakedPromises();
    return leaked.size === 0 ? undefined : message;
}

// ---- policy server ------------------------------------------------------------------------------

/** The server's own decoding of a resource's properties (secrets unwrapped, unknowns as sentinels). */
export function deserializeProperties(properties: Struct): Record<string, unknown> {
    return (policyDeserialize.deserializeProperties as (struct: Struct, proxySecrets: boolean) => Record<string, unknown>)(properties, false);
}

/** Wraps props so that reading an unknown value throws UnknownValueError, as the server's handlers do. */
export function unknownCheckingProxy<T extends object>(value: T): T {
    return (policyProxy.unknownCheckingProxy as <U extends object>(value: U) => U)(value);
}

export const UnknownValueError = policyProxy.UnknownValueError as new (message?: string) => Error;

const captured = new Map<string, PolicyServerHandlers>();

/**
 * Loads a policy pack's entry module in this process and returns the analyzer handlers its
 * `new PolicyPack(...)` would serve over gRPC, without serving them: `@pulumi/policy`'s `serve`
 * builds a gRPC server, adds the handlers and binds a port it prints; here the server's addService
 * keeps the handlers and its bind does nothing. The pack is loaded with the pack directory as the
 * working directory, where PolicyPack reads its version. One pack per process (the server keeps
 * its config in module state and refuses a second pack).
 */
export function loadPolicyPackHandlers(packDir: string, main: string): PolicyServerHandlers {
    const known = captured.get(packDir);
    if (known !== undefined) return known;
    if (captured.size > 0) throw new Error(`a policy pack is already loaded in this process (${[...captured.keys()].join(", ")}); one pack per process`);
    const Server = policyGrpc.Server as { prototype: Record<string, unknown> };
    const { addService, bindAsync } = Server.prototype;
    let handlers: PolicyServerHandlers | undefined;
    const cwd = process.cwd();
    Server.prototype.addService = function (_service: unknown, implementation: PolicyServerHandlers) {
        handlers = implementation;
    };
    Server.prototype.bindAsync = () => undefined;
    try {
        process.chdir(packDir);
        require(path.resolve(packDir, main));
    } finally {
        process.chdir(cwd);
        Server.prototype.addService = addService;
        Server.prototype.bindAsync = bindAsync;
    }
    if (handlers === undefined) throw new Error(`${path.join(packDir, main)} did not start a policy pack (no new PolicyPack(...))`);
    const missing = ["analyze", "analyzeStack", "remediate", "getAnalyzerInfo", "getPluginInfo", "configure", "configureStack"]
        .filter((name) => typeof (handlers as Record<string, unknown>)[name] !== "function");
    if (missing.length > 0) throw new Error(`@pulumi/policy's server no longer serves ${missing.join(", ")}`);
    captured.set(packDir, handlers);
    return handlers;
}
