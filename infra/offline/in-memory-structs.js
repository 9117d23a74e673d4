"use strict";
/**
 * Under the engine mocks, every resource's inputs and state travel between the SDK and the mock
 * monitor as protobuf Structs that never leave the process: `Struct.fromJavaScript` builds a
 * message per value, and the other side turns it straight back with `toJavaScript`. So do the
 * in-process policy pack's answers (its policies' config schemas, initial config and remediations,
 * built by `@pulumi/policy`'s protoutil.js), which the preview reads in the same process. In the
 * offline preview those round trips cost about 0.45 s of wall time of 3.5–4 s for production with
 * staging beside it (paired runs on 2026-12-02), mostly building and collecting the messages.
 *
 * Required by register.js (so only in the offline commands: there the monitor is always the mock,
 * and a pack that runs in its own process, as under the CLI or with --protocol, is the bundle,
 * which never loads this), this hands the files that build those Structs a `Struct` whose
 * `fromJavaScript` keeps a copy of the value instead, and whose `toJavaScript` returns a fresh copy
 * of it, with what google-protobuf 3.21.4's conversion gives (struct_pb.js, read 2026-12-02): keys
 * in sorted order, enumerable inherited keys included, and "Unexpected struct type." for anything
 * but a string, number, boolean, null, array or object. Anything that reads the message as a
 * message (`getFieldsMap`, and through it serialization) gets the real Struct, built on first use.
 * infra/sdk-adapter.ts checks on load that these files still use nothing else of struct_pb, and
 * tests/harness/sdk-adapter.spec.ts that both conversions give the same values.
 */
const Module = require("module");
const path = require("path");

const STRUCT_MODULE = "google-protobuf/google/protobuf/struct_pb";
/** The files (under node_modules) whose Structs, in the offline commands, are read only in the same process. */
const IN_MEMORY_IN = [
    path.join("@pulumi", "pulumi", "runtime", "resource.js"),
    path.join("@pulumi", "pulumi", "runtime", "mocks.js"),
    path.join("@pulumi", "pulumi", "runtime", "invoke.js"),
    path.join("@pulumi", "policy", "protoutil.js"),
];
const NODE_MODULES = `${path.sep}node_modules${path.sep}`;

function unexpected() {
    return new Error("Unexpected struct type.");
}

/** The value as Value.fromJavaScript would keep it, copied. */
function snapshot(value) {
    if (value === null || typeof value === "string" || typeof value === "number" || typeof value === "boolean") return value;
    if (Array.isArray(value)) return value.map(snapshot);
    if (typeof value === "object") return snapshotObject(value);
    throw unexpected();
}

function snapshotObject(object) {
    const keys = [];
    for (const key in object) keys.push(key);
    keys.sort();
    const copy = {};
    for (const key of keys) copy[key] = snapshot(object[key]);
    return copy;
}

/** A fresh copy, as each call of toJavaScript builds new objects. */
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

let substitute;
const load = Module._load;
Module._load = function (request, parent, isMain) {
    const filename = parent?.filename;
    if (request === STRUCT_MODULE && filename !== undefined && IN_MEMORY_IN.some((file) => filename.endsWith(NODE_MODULES + file))) {
        substitute ??= inMemoryStructModule(load.call(this, request, parent, isMain));
        return substitute;
    }
    return load.call(this, request, parent, isMain);
};

module.exports = { IN_MEMORY_IN, STRUCT_MODULE, inMemoryStructModule };
