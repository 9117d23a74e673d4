// Declarations for the @pulumi/policy internals the policy server uses to build validation
// args; the package ships them without types.
import type { Struct } from "google-protobuf/google/protobuf/struct_pb";

declare module "@pulumi/policy/deserialize" {
    export function deserializeProperties(outputsStruct: Struct, proxySecrets: boolean): Record<string, unknown>;
}

declare module "@pulumi/policy/proxy" {
    export function unknownCheckingProxy<T extends object>(toProxy: T): T;
    export class UnknownValueError extends Error {}
}
