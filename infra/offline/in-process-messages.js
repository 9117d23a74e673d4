"use strict";
/**
 * Protocol messages that, in the offline commands, never leave the process, kept as plain values.
 *
 * - Structs. Under the engine mocks, every resource's inputs and state travel between the SDK and
 *   the mock monitor as protobuf Structs: `Struct.fromJavaScript` builds a message per value, and
 *   the other side turns it straight back with `toJavaScript`. So do the in-process policy pack's
 *   answers (its policies' config schemas, initial config and remediations, built by
 *   `@pulumi/policy`'s protoutil.js). The files that build them get a `Struct` whose
 *   `fromJavaScript` keeps a copy of the value, and whose `toJavaScript` returns a fresh copy, with
 *   what google-protobuf 3.21.4's conversion gives (struct_pb.js, read 2026-12-02): keys in sorted
 *   order, enumerable inherited keys included, and "Unexpected struct type." for anything but a
 *   string, number, boolean, null, array or object. Whatever reads it as a message
 *   (`getFieldsMap`, and through it serialization) gets the real Struct, built on first use.
 * - Not-applicable entries. For each resource, the policy server answers one `PolicyNotApplicable`
 *   per single-type policy of another type: about 75,000 messages for production. The server
 *   (`@pulumi/policy`'s server.js) gets a class with the message's two fields, its accessors and its
 *   array form, which is all its serialization reads.
 *
 * Together they took about 0.6 s of wall time of 3.5–4 s for production with staging beside it
 * (paired runs on 2026-12-02), mostly building and collecting the messages.
 *
 * Installed by register.js (`install()`), so only in the offline commands: there the monitor is
 * always the mock, and a pack in its own process (under the CLI, or with --protocol) is the bundle,
 * which never loads this. Parents of these messages are only read through their getters and
 * serialized there; their `toObject`, `cloneMessage` and `equals` would not see the plain values. infra/sdk-adapter.ts checks on load that these files use nothing else of the modules
 * replaced, and tests/harness/sdk-adapter.spec.ts that values and serialized bytes are the same.
 */
const { substituteRequires } = require("./require-substitutes");

const STRUCT_MODULE = "google-protobuf/google/protobuf/struct_pb";
const ANALYZER_MODULE = "@pulumi/pulumi/proto/analyzer_pb";
/** Module → the files (`<package>/<path>`) that get the in-process version of it. */
const IN_PROCESS_IN = {
    [STRUCT_MODULE]: ["@pulumi/pulumi/runtime/resource.js", "@pulumi/pulumi/runtime/mocks.js", "@pulumi/pulumi/runtime/invoke.js", "@pulumi/policy/protoutil.js"],
    [ANALYZER_MODULE]: ["@pulumi/policy/server.js"],
};

function unexpected() {
    return new Error("Unexpected struct type.");
}

/** The value as Value.fromJavaScript would keep it, copied (goog.typeOf: an Array instance is a list). */
function snapshot(value) {
    if (value === null || typeof value === "string" || typeof value === "number" || typeof value === "boolean") return value;
    if (value instanceof Array || Array.isArray(value)) {
        // By index, as ListValue.fromJavaScript reads it: a hole is `undefined`, which it refuses.
        const list = [];
        for (let index = 0; index < value.length; index++) list.push(snapshot(value[index]));
        return list;
    }
    if (typeof value === "object") return snapshotObject(value);
    throw unexpected();
}

/** Own data properties only, so a key such as `__proto__` stays a key, as in the Struct's map. */
function snapshotObject(object) {
    const keys = [];
    for (const key in object) keys.push(key);
    keys.sort();
    const copy = {};
    for (const key of keys) Object.defineProperty(copy, key, { value: snapshot(object[key]), enumerable: true, writable: true, configurable: true });
    return copy;
}

/** A fresh copy, as each call of toJavaScript builds new objects, by assignment as it does. */
function copyOf(value) {
    if (value === null || typeof value !== "object") return value;
    if (Array.isArray(value)) return value.map(copyOf);
    const copy = {};
    for (const key of Object.keys(value)) copy[key] = copyOf(value[key]);
    return copy;
}

function inMemoryStructModule(real) {
    const RealStruct = real.Struct;
    class InMemoryStruct extends RealStruct {
        static fromJavaScript(object) {
            return new InMemoryStruct(snapshotObject(object ?? {}));
        }

        constructor(value) {
            super();
            this.value = value;
            this.message = undefined;
        }

        toJavaScript() {
            return copyOf(this.value);
        }

        getFieldsMap(noLazyCreate) {
            this.message ??= RealStruct.fromJavaScript(this.value);
            return this.message.getFieldsMap(noLazyCreate);
        }
    }
    return { ...real, Struct: InMemoryStruct };
}

/** The names google-protobuf's Message gives `toArray`: its compiled code calls a short one. */
function toArrayNames() {
    const prototype = require("google-protobuf").Message.prototype;
    return Object.keys(prototype).filter((name) => prototype[name] === prototype.toArray);
}

function inProcessAnalyzerModule(real) {
    /** pulumirpc.PolicyNotApplicable: `string policy_name = 1; string reason = 2;` */
    class PolicyNotApplicable {
        constructor() {
            this.policyName = "";
            this.reason = "";
        }

        getPolicyName() {
            return this.policyName;
        }

        setPolicyName(value) {
            this.policyName = value;
            return this;
        }

        getReason() {
            return this.reason;
        }

        setReason(value) {
            this.reason = value;
            return this;
        }

        toArray() {
            return [this.policyName, this.reason];
        }
    }
    for (const name of toArrayNames()) PolicyNotApplicable.prototype[name] = PolicyNotApplicable.prototype.toArray;
    return { ...real, PolicyNotApplicable };
}

/** Hands the listed files their substitutes from now on; register.js calls it before anything loads them. */
function install() {
    const build = { [STRUCT_MODULE]: inMemoryStructModule, [ANALYZER_MODULE]: inProcessAnalyzerModule };
    const byFile = {};
    for (const [module, files] of Object.entries(IN_PROCESS_IN)) {
        for (const file of files) (byFile[file] ??= []).push(module);
    }
    substituteRequires(byFile, (request, load) => build[request](load()));
}

module.exports = { ANALYZER_MODULE, IN_PROCESS_IN, STRUCT_MODULE, inMemoryStructModule, inProcessAnalyzerModule, install };
