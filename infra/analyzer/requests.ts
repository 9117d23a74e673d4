import * as analyzerProto from "@pulumi/pulumi/proto/analyzer_pb";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import type { RecordedResource } from "./types";

/**
 * Builds the analyzer requests the engine sends for recorded resources: the same fields the
 * CLI marshals (properties with unknowns kept as sentinels, options, provider, and for the
 * stack call parent, dependencies and non-empty property dependencies).
 */
export function analyzeRequest(
    resource: RecordedResource,
    byUrn: ReadonlyMap<string, RecordedResource>,
    properties: Struct = toStruct(resource.inputs),
): analyzerProto.AnalyzeRequest {
    return describeResource(new analyzerProto.AnalyzeRequest(), resource, byUrn, properties);
}

export function stackResource(
    resource: RecordedResource,
    byUrn: ReadonlyMap<string, RecordedResource>,
    properties: Struct = toStruct(resource.inputs),
): analyzerProto.AnalyzerResource {
    const message = describeResource(new analyzerProto.AnalyzerResource(), resource, byUrn, properties);
    message.setParent(resource.parent ?? "");
    message.setDependenciesList([...resource.dependencies]);
    const dependencies = message.getPropertydependenciesMap();
    for (const [property, urns] of Object.entries(resource.propertyDependencies)) {
        if (urns.length > 0) {
            const entry = new analyzerProto.AnalyzerPropertyDependencies();
            entry.setUrnsList([...urns]);
            dependencies.set(property, entry);
        }
    }
    return message;
}

/** The fields both messages carry. */
interface ResourceMessage {
    setUrn(value: string): unknown;
    setType(value: string): unknown;
    setName(value: string): unknown;
    setProperties(value?: Struct): unknown;
    setOptions(value?: analyzerProto.AnalyzerResourceOptions): unknown;
    setProvider(value?: analyzerProto.AnalyzerProviderResource): unknown;
}

function describeResource<T extends ResourceMessage>(
    message: T,
    resource: RecordedResource,
    byUrn: ReadonlyMap<string, RecordedResource>,
    properties: Struct,
): T {
    message.setUrn(resource.urn);
    message.setType(resource.type);
    message.setName(resource.name);
    message.setProperties(properties);
    message.setOptions(resourceOptions(resource));
    const provider = providerOf(resource, byUrn);
    if (provider !== undefined) {
        message.setProvider(provider);
    }
    return message;
}

function resourceOptions(resource: RecordedResource): analyzerProto.AnalyzerResourceOptions {
    const options = new analyzerProto.AnalyzerResourceOptions();
    options.setProtect(resource.options.protect);
    options.setIgnorechangesList(resource.options.ignoreChanges ?? []);
    options.setDeletebeforereplacedefined(resource.options.deleteBeforeReplace !== undefined);
    options.setDeletebeforereplace(resource.options.deleteBeforeReplace ?? false);
    options.setAliasesList(resource.options.aliases ?? []);
    options.setAdditionalsecretoutputsList([]);
    options.setCustomtimeouts(new analyzerProto.AnalyzerResourceOptions.CustomTimeouts());
    options.setParent(resource.parent ?? "");
    return options;
}

/**
 * Provider references are "<provider urn>::<id>". The provider's own inputs are sent when it
 * was recorded too; otherwise its type and name come from the URN.
 */
function providerOf(
    resource: RecordedResource,
    byUrn: ReadonlyMap<string, RecordedResource>,
): analyzerProto.AnalyzerProviderResource | undefined {
    const reference = resource.options.provider;
    if (reference === undefined || reference === "") {
        return undefined;
    }
    const urn = byUrn.has(reference) ? reference : withoutProviderId(reference);
    const recorded = byUrn.get(urn);
    const provider = new analyzerProto.AnalyzerProviderResource();
    provider.setUrn(urn);
    provider.setType(recorded?.type ?? typeFromUrn(urn));
    provider.setName(recorded?.name ?? nameFromUrn(urn));
    provider.setProperties(toStruct(recorded?.inputs ?? {}));
    return provider;
}

/** A URN has four "::"-separated parts (prefix, project, type, name); a reference adds the id. */
function withoutProviderId(reference: string): string {
    const parts = reference.split("::");
    return parts.length > 4 ? parts.slice(0, -1).join("::") : reference;
}

/** urn:pulumi:<stack>::<project>::<parent types$>type::<name> */
export function typeFromUrn(urn: string): string {
    const qualifiedType = urn.split("::")[2] ?? "";
    return qualifiedType.slice(qualifiedType.lastIndexOf("$") + 1);
}

export function nameFromUrn(urn: string): string {
    return urn.split("::").slice(3).join("::");
}

/** Struct cannot hold `undefined`; the engine never sends it, so such keys are dropped. */
export function toStruct(value: Record<string, unknown>): Struct {
    return Struct.fromJavaScript(withoutUndefined(value) as Record<string, never>);
}

function withoutUndefined(value: unknown): unknown {
    if (Array.isArray(value)) {
        return value.map((item) => (item === undefined ? null : withoutUndefined(item)));
    }
    if (value !== null && typeof value === "object") {
        const copy: Record<string, unknown> = {};
        for (const [key, inner] of Object.entries(value)) {
            if (inner !== undefined) {
                copy[key] = withoutUndefined(inner);
            }
        }
        return copy;
    }
    return value;
}
