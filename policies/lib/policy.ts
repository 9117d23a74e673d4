import type {
    EnforcementLevel,
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationArgs,
    StackValidationPolicy,
} from "@pulumi/policy";
import type { PolicyConfigJSONSchema } from "@pulumi/policy/schema";
import { EXEMPTIONS_SCHEMA, type Exemption, exemptionFor, exemptionNotice, expiredNote, hasExpired } from "./exemptions";
import { type ComplianceMetadata, type Severity, metadataTags } from "./metadata";
import { type StackResource, StackView } from "./stack";
import { plainProps } from "./values";

export type ClinicalPolicy = ResourceValidationPolicy | StackValidationPolicy;

/** Config every policy accepts: the resources it must not judge, each with a reason (see ./exemptions). */
export interface Exemptions {
    exemptResources: Exemption[];
}

export type RuleConfig<C> = C & Exemptions;

interface RuleBase extends ComplianceMetadata {
    /** JSON schema of the policy's own config properties; each needs a `default`. */
    config?: Record<string, PolicyConfigJSONSchema>;
}

export interface ResourceContext<C> {
    name: string;
    urn: string;
    type: string;
    config: RuleConfig<C>;
    /**
     * Declares that the policy does not judge this resource (e.g. an engine or mode the control
     * is not about), so the verdict reads "not applicable" rather than "compliant". It throws, as
     * the SDK's does: call it only for the rare irrelevant resource, never to filter by type.
     */
    notApplicable(reason: string): never;
}

export interface ResourceRuleSpec<P, C> extends RuleBase {
    resourceTypes: readonly string[];
    /** Yields one sentence per problem found; yields nothing for a compliant resource. */
    check(props: P, context: ResourceContext<C>): Iterable<string>;
}

export interface Finding {
    /** Absent when what is wrong is that something is missing from the stack altogether. */
    resource?: StackResource;
    message: string;
}

export interface StackContext<C> {
    config: RuleConfig<C>;
    /** Declares that the control does not concern this stack at all (see ResourceContext.notApplicable). */
    notApplicable(reason: string): never;
}

export interface StackRuleSpec<C> extends RuleBase {
    /** The rule is not applicable to a stack without any of these; empty, to every stack. */
    resourceTypes: readonly string[];
    /** Why the rule does not apply under this config (e.g. to a stack that does not own a resource), if it does not. */
    notApplicableUnder?(config: RuleConfig<C>): string | undefined;
    check(stack: StackView, context: StackContext<C>): Iterable<Finding>;
}

/** Thrown by the context's notApplicable while an exempted resource is evaluated for the report. */
class NotJudged extends Error {}

/** Severe findings block a deployment unless the stack's pack config relaxes them. */
function defaultEnforcement(severity: Severity): EnforcementLevel {
    return severity === "critical" || severity === "high" ? "mandatory" : "advisory";
}

export function resourceRule<P, C extends object = object>(spec: ResourceRuleSpec<P, C>): ResourceValidationPolicy {
    const types = new Set(spec.resourceTypes);
    const defaults = schemaDefaults(spec.config);
    const validate = (args: ResourceValidationArgs, reportViolation: ReportViolation): void => {
        if (!types.has(args.type)) {
            // Returning, rather than calling notApplicable, keeps the per-resource cost of a
            // multi-type policy low: notApplicable throws, and the server runs every policy
            // against every resource.
            return;
        }
        const config = { ...defaults, ...args.getConfig<Partial<RuleConfig<C>>>() } as RuleConfig<C>;
        const exemption = exemptionFor(config.exemptResources, args.name, args.urn);
        const context: ResourceContext<C> = {
            name: args.name,
            urn: args.urn,
            type: args.type,
            config,
            notApplicable: (reason: string): never => args.notApplicable(reason),
        };
        const props = plainProps(args.props) as P;
        if (exemption !== undefined && !hasExpired(exemption)) {
            // Still judged, so the report can show what the exemption silences.
            let silenced: string[] = [];
            try {
                silenced = [...spec.check(props, { ...context, notApplicable: (reason: string): never => { throw new NotJudged(reason); } })];
            } catch (error) {
                if (!(error instanceof NotJudged)) {
                    throw error;
                }
            }
            args.notApplicable(exemptionNotice([{ ...exemption, urn: args.urn, silenced }]));
        }
        const lapsed = exemption === undefined ? "" : ` ${expiredNote(exemption)}`;
        for (const message of spec.check(props, context)) {
            reportViolation(`${message}${lapsed}`);
        }
    };
    if (spec.resourceTypes.length === 1) {
        // The policy server skips a policy without calling it (and without decoding the
        // resource's props) when the validation function names its single resource type.
        Object.assign(validate, { __pulumiType: spec.resourceTypes[0] });
    }
    return withResourceTypes({ ...commonFields(spec), validateResource: validate }, spec.resourceTypes);
}

export function stackRule<C extends object = object>(spec: StackRuleSpec<C>): StackValidationPolicy {
    const defaults = schemaDefaults(spec.config);
    const validateStack = (args: StackValidationArgs, reportViolation: ReportViolation): void => {
        const stack = new StackView(args.resources);
        const config = { ...defaults, ...args.getConfig<Partial<RuleConfig<C>>>() } as RuleConfig<C>;
        const reason = spec.notApplicableUnder?.(config);
        if (reason !== undefined) {
            args.notApplicable(reason);
        }
        if (spec.resourceTypes.length > 0 && !stack.has(spec.resourceTypes)) {
            args.notApplicable(`The stack has no ${spec.resourceTypes.join(", ")}`);
        }
        const context: StackContext<C> = { config, notApplicable: (reason: string): never => args.notApplicable(reason) };
        const exempted = new Map<string, { exemption: Exemption; silenced: string[] }>();
        for (const finding of spec.check(stack, context)) {
            const exemption = finding.resource && exemptionFor(config.exemptResources, finding.resource.name, finding.resource.urn);
            if (finding.resource === undefined) {
                reportViolation(finding.message);
            } else if (exemption === undefined) {
                reportViolation(finding.message, finding.resource.urn);
            } else if (hasExpired(exemption)) {
                reportViolation(`${finding.message} ${expiredNote(exemption)}`, finding.resource.urn);
            } else {
                const entry = exempted.get(finding.resource.urn) ?? { exemption, silenced: [] };
                entry.silenced.push(finding.message);
                exempted.set(finding.resource.urn, entry);
            }
        }
        if (exempted.size > 0) {
            // After every other finding is reported: the server keeps those, and records this reason besides.
            args.notApplicable(exemptionNotice([...exempted].map(([urn, { exemption, silenced }]) => ({ ...exemption, urn, silenced }))));
        }
    };
    if (spec.resourceTypes.length === 1) {
        // Lets the server skip the stack (and the decoding of every resource in it) when it
        // has no resource of that type.
        Object.assign(validateStack, { __pulumiType: spec.resourceTypes[0] });
    }
    return withResourceTypes({ ...commonFields(spec), validateStack }, spec.resourceTypes);
}

const RESOURCE_TYPES = "resourceTypes";

/**
 * Records the types a policy judges on the policy object, not enumerable so the SDK and the
 * analyzer protocol never see it: specs use it to tell "compliant" from "not looked at".
 */
function withResourceTypes<T extends object>(policy: T, types: readonly string[]): T {
    Object.defineProperty(policy, RESOURCE_TYPES, { value: Object.freeze([...types]), enumerable: false });
    return policy;
}

/** The resource types a policy built here judges (for a stack rule: those it needs in the stack; empty for any stack). */
export function resourceTypesOf(policy: ClinicalPolicy): readonly string[] | undefined {
    const types = (policy as unknown as Record<string, unknown>)[RESOURCE_TYPES];
    return Array.isArray(types) ? (types as readonly string[]) : undefined;
}

function commonFields(spec: RuleBase) {
    return {
        name: spec.name,
        description: spec.description,
        severity: spec.severity,
        enforcementLevel: defaultEnforcement(spec.severity),
        remediationSteps: spec.remediation,
        tags: metadataTags(spec),
        configSchema: { properties: { exemptResources: EXEMPTIONS_SCHEMA, ...spec.config } },
    };
}

function schemaDefaults(config: Record<string, PolicyConfigJSONSchema> | undefined): Record<string, unknown> {
    const defaults: Record<string, unknown> = { exemptResources: [] };
    for (const [key, schema] of Object.entries(config ?? {})) {
        if (schema.default !== undefined) {
            defaults[key] = schema.default;
        }
    }
    return defaults;
}
