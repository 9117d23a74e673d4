/**
 * Reads the stack's raw Pulumi config once, validates all of it, merges it with the environment
 * profile and returns a frozen, typed StackConfig. Nothing else in the program reads config.
 */
import { z } from "zod";
import { ALLOWED_ACCOUNTS_KEY, accountIdOf } from "./account";
import { parseCidr } from "./cidr";
import { crossKeyProblems } from "./consistency";
import { EKS_VERSIONS, ManagedAddon } from "./eks-versions";
import { CLUSTER_SERVICE_CIDR, SubnetLayout, planSubnets } from "./layout";
import { ConfigProblem, StackConfigError, closestName, describeValue } from "./problems";
import {
    AlarmProfile, AppProfile, ApplicationProfile, DatabaseProfile, EdgeProfile, Environment, EnvironmentProfile, NetworkProfile,
    NodesProfile, PROFILES, RecoveryProfile, ReleaseProfile, SecretsProfile,
} from "./profiles";
import type { AlertRouting } from "../components/alerting";
import { ProjectConfig, SlotName, projectConfigSchema, regionSchema } from "./schema";
import { STACK_NAMES_TEXT, StackName, parseStackName } from "./stack-name";

export { StackConfigError } from "./problems";
export type { ConfigProblem } from "./problems";
export { ENVIRONMENTS, PROFILES } from "./profiles";
export { DR_STACK_SUFFIX, STACK_NAMES_TEXT, drStackOf, parseStackName } from "./stack-name";
export type { StackName } from "./stack-name";
export type { Environment, EnvironmentProfile } from "./profiles";
export { ALERT_CHANNELS, ALERT_SEVERITIES, SLOT_NAMES } from "./schema";
export type { AlertChannel, AlertSeverity, SlotName } from "./schema";

export const PROJECT = "clinical-platform";
const REGION_KEY = "aws:region";
/** Namespaces that belong to the providers and the engine; their keys are theirs to check. */
const FOREIGN_NAMESPACES = ["aws", "pulumi", "kubernetes", "random"];

export interface Slot {
    /** Container image; absent for a slot that has never been staged. */
    readonly image?: string;
    /** Share of traffic, 0–100. */
    readonly weight: number;
    /** The release's migration breaks the other slot's release (allowed only while that slot carries nothing). */
    readonly breakingMigration: boolean;
}

export interface StackConfig {
    readonly project: string;
    /** The Pulumi stack name; physical names carry `<project>-<stack>`. */
    readonly stack: string;
    /** The environment whose profile the stack runs. */
    readonly environment: Environment;
    /** A DR stack (`<environment>-dr`): the environment's platform in its DR region, its database restored there. */
    readonly disasterRecovery: boolean;
    readonly region: string;
    /**
     * The account the stack deploys into (`aws:allowedAccountIds`), whether it owns the account-wide
     * resources (and its region's), and whether it owns only its region's (stacks/account.ts).
     */
    readonly account: { readonly id: string; readonly ownsAccountResources: boolean; readonly ownsRegionalResources: boolean };
    /** Tags every taggable resource carries. */
    readonly tags: Readonly<Record<string, string>>;
    readonly domain: string;
    readonly certificates: { readonly edgeArn: string; readonly regionalArn: string };
    /** Where alarms go: the configured channels and which of them each severity reaches. */
    readonly alerts: AlertRouting;
    readonly network: Readonly<NetworkProfile> & {
        readonly cidr: string;
        readonly peerCidrs: readonly string[];
        readonly subnets: Readonly<SubnetLayout>;
    };
    readonly cluster: {
        readonly version: string;
        readonly adminRoleArn: string;
        readonly publicAccessCidrs: readonly string[];
        readonly serviceCidr: string;
        readonly nodes: Readonly<NodesProfile>;
        /** The managed add-on builds pinned for this version (stacks/eks-versions.ts). */
        readonly addons: Readonly<Record<ManagedAddon, string>>;
    };
    /** The CI that deploys this stack: the repository, its connection, and the roles CI jobs assume. */
    readonly ci: {
        /** GitHub repository, owner/name, whose workflow jobs the runner takes. */
        readonly repository: string;
        /** CodeConnections connection to GitHub, approved once by hand. */
        readonly connectionArn: string;
        /** Role `pulumi up` runs as in CI; cluster admin through its own access entry. */
        readonly deployRoleArn: string;
        /** Role pull-request previews run as; read-only in the cluster. */
        readonly previewRoleArn: string;
    };
    /**
     * Disaster recovery: the region backups are replicated and copied to (absent: none of it is
     * built, as in dev) and the AWS Backup schedule, retention and vault lock of the profile.
     */
    readonly recovery: Readonly<RecoveryProfile> & {
        readonly drRegion?: string;
        /** What the platform uses when it runs in the DR region (home stacks): its network, domain and certificates. */
        readonly standby?: {
            readonly cidr: string;
            readonly domain: string;
            readonly certificates: { readonly edge: string; readonly regional: string };
        };
        /** The replicated backups a DR stack's database is restored from, and to when (`latest` or a UTC time). */
        readonly restore?: { readonly automatedBackupsArn: string; readonly kmsKeyArn: string; readonly time: string };
    };
    readonly app: Readonly<AppProfile> & {
        readonly stableSlot: SlotName;
        readonly slots: Readonly<Record<SlotName, Slot>>;
    };
    readonly database: Readonly<DatabaseProfile>;
    readonly logs: { readonly retentionDays: number };
    readonly alarms: Readonly<AlarmProfile>;
    readonly edge: Readonly<EdgeProfile>;
    /** Rotation and recovery window of the stack's secrets. */
    readonly secrets: Readonly<SecretsProfile>;
    /** What the API reads from its per-slot ConfigMap. */
    readonly application: Readonly<ApplicationProfile> & {
        /** Where users reach the application, `https://<domain>`. */
        readonly publicUrl: string;
        /** Where the API is served, `https://<domain>/api`. */
        readonly apiUrl: string;
    };
    /** What each release runs, and how traffic reaches it. */
    readonly release: Readonly<Omit<ReleaseProfile, "canarySteps">> & {
        readonly canarySteps: readonly number[];
        /** Exec-form command of the migration, run from the release's image. */
        readonly migrationCommand: readonly string[];
        /** Shell command the smoke tests run on the CI runner, after the health endpoints; none runs the health checks only. */
        readonly smokeCommand?: string;
    };
    /** Data-bearing resources are protected in AWS and in Pulumi. */
    readonly protectData: boolean;
}

/**
 * @param stack the Pulumi stack name; it selects the environment profile.
 * @param rawConfig every config value of the stack as Pulumi hands it over (`namespace:key` to a
 *   string; structured values are JSON), as from `pulumi.runtime.allConfig()`.
 * @throws StackConfigError listing every problem when anything is invalid.
 */
export function loadStackConfig(stack: string, rawConfig: Readonly<Record<string, string>>): StackConfig {
    const problems: ConfigProblem[] = [];
    const name = parseStackName(stack);
    const environment = name?.environment;
    if (!name) {
        problems.push({ key: "stack", expected: STACK_NAMES_TEXT, received: JSON.stringify(stack) });
    }
    const profile = environment ? PROFILES[environment] : undefined;
    const { project, region } = splitNamespaces(rawConfig, problems);
    const accountId = accountIdOf(rawConfig[ALLOWED_ACCOUNTS_KEY], problems);

    const regionResult = regionSchema.safeParse(region, { reportInput: true });
    if (!regionResult.success) {
        problems.push({ key: REGION_KEY, expected: regionResult.error.issues[0].message, received: describeValue(region) });
    }
    const keyOf = (path: string) => `${PROJECT}:${path}`;
    const parsed = projectConfigSchema.safeParse(project, { reportInput: true });
    if (!parsed.success) problems.push(...parsed.error.issues.flatMap((issue) => problemsOf(issue, keyOf)));
    problems.push(...crossKeyProblems(project, region, accountId, environment, profile, keyOf, name?.disasterRecovery ?? false));

    if (problems.length > 0 || !parsed.success || !regionResult.success || !name || !environment || !profile || !accountId) {
        throw new StackConfigError(stack, problems);
    }
    return deepFreeze(merge(name, profile, regionResult.data, accountId, parsed.data));
}

/** Decodes `namespace:key` strings into our project's object and the region, flagging strays. */
function splitNamespaces(rawConfig: Readonly<Record<string, string>>, problems: ConfigProblem[]) {
    const project: Record<string, unknown> = {};
    let region: string | undefined;
    for (const [fullKey, value] of Object.entries(rawConfig)) {
        const separator = fullKey.indexOf(":");
        const namespace = fullKey.slice(0, separator);
        const key = fullKey.slice(separator + 1);
        if (fullKey === REGION_KEY) {
            region = value;
        } else if (namespace === PROJECT) {
            project[key] = decode(fullKey, value, problems);
        } else if (!FOREIGN_NAMESPACES.includes(namespace)) {
            const suggestion = closestName(namespace, [PROJECT, ...FOREIGN_NAMESPACES]);
            problems.push({
                key: fullKey,
                expected: `a key under ${[PROJECT, ...FOREIGN_NAMESPACES].join(", ")}${suggestion ? ` (did you mean ${suggestion}:${key}?)` : ""}`,
                received: "an unknown namespace",
            });
        }
    }
    return { project, region };
}

function decode(key: string, value: string, problems: ConfigProblem[]): unknown {
    if (!/^\s*[[{]/.test(value)) return value;
    try {
        return JSON.parse(value);
    } catch {
        problems.push({ key, expected: "a well-formed structured value", received: describeValue(value) });
        return undefined;
    }
}

function problemsOf(issue: z.core.$ZodIssue, keyOf: (path: string) => string): ConfigProblem[] {
    const path = issue.path.map((part) => (typeof part === "number" ? `[${part}]` : `.${String(part)}`)).join("").replace(/^\./, "");
    if (issue.code === "unrecognized_keys") {
        const known = knownKeysAt(issue.path);
        return issue.keys.map((unknown) => {
            const suggestion = closestName(unknown, known);
            return {
                key: keyOf(path ? `${path}.${unknown}` : unknown),
                expected: `one of the known keys ${known.join(", ")}${suggestion ? ` (did you mean ${suggestion}?)` : ""}`,
                received: "an unknown key",
            };
        });
    }
    return [{ key: keyOf(path), expected: issue.message, received: describeValue(issue.input) }];
}

function knownKeysAt(path: readonly PropertyKey[]): string[] {
    let schema: z.ZodType = projectConfigSchema;
    for (const part of path) {
        schema = unwrap(schema);
        if (schema instanceof z.ZodObject) schema = schema.shape[String(part)];
        else if (schema instanceof z.ZodArray) schema = schema.element as z.ZodType;
    }
    schema = unwrap(schema);
    return schema instanceof z.ZodObject ? Object.keys(schema.shape) : [];
}

function unwrap(schema: z.ZodType): z.ZodType {
    let current = schema;
    while (current instanceof z.ZodDefault || current instanceof z.ZodOptional) {
        current = current.unwrap() as z.ZodType;
    }
    return current;
}

function merge(name: StackName, profile: EnvironmentProfile, region: string, accountId: string, config: ProjectConfig): StackConfig {
    const { environment } = name;
    const overrides = config.overrides;
    const network = { ...profile.network, ...overrides.network };
    return {
        project: PROJECT,
        stack: name.stack,
        environment,
        disasterRecovery: name.disasterRecovery,
        region,
        account: { id: accountId, ownsAccountResources: config.ownsAccountResources, ownsRegionalResources: config.ownsRegionalResources },
        tags: {
            // The account bootstrap scopes each deploy role to resources tagged with its stack's name.
            Environment: name.stack,
            Owner: config.owner,
            DataClassification: config.dataClassification ?? profile.dataClassification,
            CostCenter: config.costCenter,
            Project: PROJECT,
            ManagedBy: "pulumi",
        },
        domain: config.domain,
        certificates: { edgeArn: config.certificates.edge, regionalArn: config.certificates.regional },
        alerts: {
            email: config.alerts.channels.email ?? [],
            ...(config.alerts.channels.slack ? { slack: { ...config.alerts.channels.slack } } : {}),
            ...(config.alerts.channels.pagerduty ? { pagerduty: { ...config.alerts.channels.pagerduty } } : {}),
            routing: { warning: config.alerts.routing.warning, critical: config.alerts.routing.critical },
        },
        network: {
            ...network,
            cidr: config.network.cidr,
            peerCidrs: config.network.peerCidrs,
            subnets: planSubnets(parseCidr(config.network.cidr), network.azCount),
        },
        cluster: {
            version: config.cluster.version,
            adminRoleArn: config.cluster.adminRoleArn,
            publicAccessCidrs: config.cluster.publicAccessCidrs,
            serviceCidr: CLUSTER_SERVICE_CIDR,
            nodes: {
                instanceCategories: overrides.nodes?.instanceCategories ?? profile.nodes.instanceCategories,
                minInstanceCpu: overrides.nodes?.minInstanceCpu ?? profile.nodes.minInstanceCpu,
                diskSizeGiB: overrides.nodes?.diskSizeGiB ?? profile.nodes.diskSizeGiB,
            },
            addons: EKS_VERSIONS[config.cluster.version].addons,
        },
        ci: { ...config.ci },
        recovery: {
            ...profile.recovery,
            ...overrides.recovery,
            ...(config.recovery?.drRegion === undefined ? {} : { drRegion: config.recovery.drRegion }),
            ...(config.recovery?.standby === undefined ? {} : { standby: structuredClone(config.recovery.standby) }),
            ...(config.recovery?.restore === undefined ? {} : { restore: { ...config.recovery.restore } }),
        },
        app: {
            ...profile.app,
            ...overrides.app,
            stableSlot: config.app.stableSlot,
            slots: Object.fromEntries(Object.entries(config.app.slots).map(([name, { image, weight, breakingMigration }]) =>
                [name, { ...(image === undefined ? {} : { image }), weight, breakingMigration: breakingMigration ?? false }])) as Record<SlotName, Slot>,
        },
        database: { ...profile.database, ...overrides.database },
        logs: { ...profile.logs, ...overrides.logs },
        alarms: { ...profile.alarms, ...overrides.alarms },
        edge: { ...profile.edge, ...overrides.edge },
        secrets: { ...profile.secrets, ...overrides.secrets },
        application: {
            ...profile.application,
            ...overrides.application,
            publicUrl: `https://${config.domain}`,
            apiUrl: `https://${config.domain}/api`,
        },
        release: {
            ...profile.release,
            ...overrides.release,
            migrationCommand: config.release.migration.command,
            ...(config.release.smoke.command === undefined ? {} : { smokeCommand: config.release.smoke.command }),
        },
        protectData: profile.protectData,
    };
}

function deepFreeze<T>(value: T): T {
    if (typeof value === "object" && value !== null && !Object.isFrozen(value)) {
        Object.freeze(value);
        for (const child of Object.values(value)) deepFreeze(child);
    }
    return value;
}
