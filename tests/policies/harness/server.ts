/**
 * Runs one policy against resources with validation args built the way @pulumi/policy's
 * server builds them for Analyze / AnalyzeStack: props go through a protobuf Struct,
 * `deserializeProperties` and `unknownCheckingProxy`; config is the schema defaults plus
 * overrides (what the CLI sends in Configure); `notApplicable` throws; an unknown read is
 * reported as the server's "can't run … during preview" notice.
 */
import type {
    PolicyResource,
    PolicyResourceOptions,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationArgs,
    StackValidationPolicy,
} from "@pulumi/policy";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import { UnknownValueError, deserializeProperties, unknownCheckingProxy } from "../../../infra/sdk-adapter";

/** The engine's sentinel for a value only known after the update (an id, an ARN…). */
export const UNKNOWN_VALUE = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

export interface TestResource {
    type: string;
    name: string;
    urn: string;
    inputs: Record<string, unknown>;
    parent?: string;
    dependencies: string[];
    propertyDependencies: Record<string, string[]>;
    /** The explicit aws provider the resource is managed through, by its region; absent for the default provider. */
    providerRegion?: string;
}

/** `subject` as managed through an explicit aws provider of `region` (as a DR region's resources are). */
export function inRegion(subject: TestResource, region: string): TestResource {
    return { ...subject, providerRegion: region };
}

export interface Outcome {
    /** Messages as the policy reported them (without the description the server prefixes). */
    violations: { message: string; urn: string | undefined }[];
    notApplicable: string[];
    previewNotices: string[];
}

/**
 * A resource of `type`; `references` maps an input to the resources it was computed from.
 * Inputs set to `undefined` are dropped, as the SDK drops them before the engine sees them.
 */
export function resource(
    type: string,
    name: string,
    inputs: Record<string, unknown> = {},
    references: Record<string, TestResource | TestResource[]> = {},
): TestResource {
    const propertyDependencies: Record<string, string[]> = {};
    for (const [property, targets] of Object.entries(references)) {
        propertyDependencies[property] = (Array.isArray(targets) ? targets : [targets]).map((target) => target.urn);
    }
    return {
        type,
        name,
        urn: `urn:pulumi:test::clinical-platform::${type}::${name}`,
        inputs: withoutUndefined(inputs) as Record<string, unknown>,
        dependencies: [...new Set(Object.values(propertyDependencies).flat())],
        propertyDependencies,
    };
}

function withoutUndefined(value: unknown): unknown {
    if (Array.isArray(value)) {
        return value.map(withoutUndefined);
    }
    if (value !== null && typeof value === "object") {
        return Object.fromEntries(
            Object.entries(value)
                .filter(([, inner]) => inner !== undefined)
                .map(([key, inner]) => [key, withoutUndefined(inner)]),
        );
    }
    return value;
}

class NotApplicable extends Error {}

function options(resourceUnderTest: TestResource): PolicyResourceOptions {
    return {
        protect: false,
        ignoreChanges: [],
        aliases: [],
        customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
        additionalSecretOutputs: [],
        ...(resourceUnderTest.parent === undefined ? {} : { parent: resourceUnderTest.parent }),
    };
}

function serverProps(inputs: Record<string, unknown>): Record<string, unknown> {
    return unknownCheckingProxy(deserializeProperties(Struct.fromJavaScript(inputs as Record<string, never>)));
}

function configOf(policy: ResourceValidationPolicy | StackValidationPolicy, overrides: Record<string, unknown>) {
    const defaults: Record<string, unknown> = {};
    for (const [key, schema] of Object.entries(policy.configSchema?.properties ?? {})) {
        if (schema.default !== undefined) {
            defaults[key] = schema.default;
        }
    }
    return { ...defaults, ...overrides };
}

function pulumiTypeOf(value: unknown): string | undefined {
    const type = (value as { __pulumiType?: unknown } | undefined)?.__pulumiType;
    return typeof type === "string" && type.length > 0 ? type : undefined;
}

function classify(error: unknown, outcome: Outcome, policyName: string): void {
    if (error instanceof UnknownValueError) {
        outcome.previewNotices.push(`can't run policy '${policyName}' during preview: ${error.message}`);
    } else if (error instanceof NotApplicable) {
        outcome.notApplicable.push(error.message);
    } else {
        throw error;
    }
}

function reporter(policy: ResourceValidationPolicy | StackValidationPolicy, outcome: Outcome) {
    return (message: string, urn?: string) => {
        const full = message ? `${policy.description}\n${message}` : policy.description;
        outcome.violations.push({ message: full.slice(policy.description.length).trimStart(), urn });
    };
}

export async function runResourcePolicy(
    policy: ResourceValidationPolicy,
    subject: TestResource,
    config: Record<string, unknown> = {},
): Promise<Outcome> {
    const outcome: Outcome = { violations: [], notApplicable: [], previewNotices: [] };
    const validations = Array.isArray(policy.validateResource) ? policy.validateResource : [policy.validateResource];
    const declaredType = Array.isArray(policy.validateResource) ? undefined : pulumiTypeOf(policy.validateResource);
    if (declaredType !== undefined && declaredType !== subject.type) {
        outcome.notApplicable.push(`Policy only applies to resources of type '${declaredType}'`);
        return outcome;
    }
    for (const validation of validations) {
        if (validation === undefined) {
            continue;
        }
        const props = serverProps(subject.inputs);
        const args: ResourceValidationArgs = {
            type: subject.type,
            props,
            urn: subject.urn,
            name: subject.name,
            opts: options(subject),
            stackTags: new Map<string, string>(),
            isType: (resourceClass) => pulumiTypeOf(resourceClass) === subject.type,
            asType: (resourceClass) => (pulumiTypeOf(resourceClass) === subject.type ? (props as never) : undefined),
            getConfig: <T extends object>() => configOf(policy, config) as T,
            notApplicable: (reason?: string): never => {
                throw new NotApplicable(reason ?? "Policy does not apply");
            },
        };
        try {
            await validation(args, reporter(policy, outcome));
        } catch (error) {
            classify(error, outcome, policy.name);
        }
    }
    return outcome;
}

export async function runStackPolicy(
    policy: StackValidationPolicy,
    resources: readonly TestResource[],
    config: Record<string, unknown> = {},
): Promise<Outcome> {
    const outcome: Outcome = { violations: [], notApplicable: [], previewNotices: [] };
    const declaredType = pulumiTypeOf(policy.validateStack);
    if (declaredType !== undefined && !resources.some((subject) => subject.type === declaredType)) {
        outcome.notApplicable.push(`Policy only applies to resources of type '${declaredType}'`);
        return outcome;
    }
    const byUrn = new Map<string, PolicyResource>();
    for (const subject of resources) {
        const props = serverProps(subject.inputs);
        byUrn.set(subject.urn, {
            type: subject.type,
            props,
            urn: subject.urn,
            name: subject.name,
            opts: options(subject),
            dependencies: [],
            propertyDependencies: {},
            isType: (resourceClass) => pulumiTypeOf(resourceClass) === subject.type,
            asType: (resourceClass) => (pulumiTypeOf(resourceClass) === subject.type ? (props as never) : undefined),
            ...(subject.providerRegion === undefined ? {} : {
                provider: {
                    type: "pulumi:providers:aws",
                    props: serverProps({ region: subject.providerRegion }),
                    urn: `urn:pulumi:test::clinical-platform::pulumi:providers:aws::${subject.providerRegion}`,
                    name: subject.providerRegion,
                },
            }),
        });
    }
    for (const subject of resources) {
        const linked = byUrn.get(subject.urn) as PolicyResource;
        const lookup = (urns: readonly string[]) => urns.flatMap((urn) => byUrn.get(urn) ?? []);
        linked.parent = subject.parent === undefined ? undefined : byUrn.get(subject.parent);
        linked.dependencies = lookup(subject.dependencies);
        for (const [property, urns] of Object.entries(subject.propertyDependencies)) {
            linked.propertyDependencies[property] = lookup(urns);
        }
    }
    const args: StackValidationArgs = {
        resources: [...byUrn.values()],
        stackTags: new Map<string, string>(),
        getConfig: <T extends object>() => configOf(policy, config) as T,
        notApplicable: (reason?: string): never => {
            throw new NotApplicable(reason ?? "Policy does not apply");
        },
    };
    try {
        await policy.validateStack(args, reporter(policy, outcome));
    } catch (error) {
        classify(error, outcome, policy.name);
    }
    return outcome;
}
