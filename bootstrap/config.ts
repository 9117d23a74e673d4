/**
 * The bootstrap stack's settings: one stack per AWS account, read and validated once before any
 * resource is registered. Every problem is listed at once, each naming its key, what was expected
 * and what was given (the platform's own StackConfigError).
 */
import { ALLOWED_ACCOUNTS_KEY, accountIdOf } from "../stacks/account";
import { ConfigProblem, StackConfigError, closestName, describeValue } from "../stacks/problems";
import { AWS_REGIONS, CLOUDFRONT_CERTIFICATE_REGION } from "../stacks/regions";

export const BOOTSTRAP_PROJECT = "clinical-platform-bootstrap";
/** The platform project the CI roles deploy; its resources and state keys carry this name. */
export const PLATFORM_PROJECT = "clinical-platform";

/** One platform stack that deploys into this account. */
export interface PlatformStack {
    /** The Pulumi stack name, e.g. `production`; it names the deploy role and scopes its grants. */
    readonly name: string;
    /** The GitHub environment whose jobs, and only those, may assume the stack's deploy role. */
    readonly environment: string;
    /**
     * A second environment, without required reviewers, whose jobs may also assume the deploy role:
     * the traffic workflow's break-glass rollback (`production-break-glass`). Absent: none.
     */
    readonly breakGlassEnvironment?: string;
    /** The region the stack deploys to (`aws:region` of its stack file). */
    readonly region: string;
    /** The region its backups are replicated and copied to (`clinical-platform:recovery.drRegion`); absent: none. */
    readonly drRegion?: string;
    /**
     * Every region the stack's deploy role may act in: its own, its DR region, and us-east-1, where
     * CloudFront's certificate, WAF and log delivery live whatever the stack's region.
     */
    readonly regions: readonly string[];
    /** The stack owns the account-wide resources (account S3 Block Public Access); one per account. */
    readonly ownsAccountResources: boolean;
    /**
     * A DR stack (`production-dr`): the stack whose replicated backups its database is restored from,
     * in that stack's DR region, under that stack's DR key. Absent: none.
     */
    readonly restoresFrom?: string;
}

export interface BootstrapConfig {
    readonly stack: string;
    readonly accountId: string;
    /** Region of the state bucket and the Pulumi secrets key. */
    readonly region: string;
    /** `owner/name` on GitHub. */
    readonly repository: string;
    readonly stateBucketName: string;
    readonly stacks: readonly PlatformStack[];
}

const KEY = (name: string) => `${BOOTSTRAP_PROJECT}:${name}`;
const KNOWN_KEYS = ["aws:region", ALLOWED_ACCOUNTS_KEY, KEY("repository"), KEY("stacks"), KEY("stateBucketName")];
const STACK_FIELDS = ["environment", "breakGlassEnvironment", "region", "drRegion", "ownsAccountResources", "restoresFrom"];
/** GitHub's owner and repository names: letters, digits, `-`, `_` and `.` (owners without `.` or `_`). */
const REPOSITORY = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})\/[A-Za-z0-9._-]{1,100}$/;
/** Pulumi stack names; short enough that `clinical-platform-deploy-<stack>` stays within IAM's 64 characters. */
const STACK_NAME = /^[a-z][a-z0-9-]{0,30}$/;
/** GitHub environment names go into the OIDC subject claim verbatim; no wildcard or separator may slip in. */
const ENVIRONMENT = /^[A-Za-z0-9_.-]{1,255}$/;
/**
 * S3 bucket naming rules (general purpose buckets), without dots so virtual-hosted TLS works, and
 * short enough that its access-log bucket, `<name>-access-logs`, is a valid name too.
 */
const BUCKET = /^[a-z0-9][a-z0-9-]{1,49}[a-z0-9]$/;

function parseJson(raw: string | undefined): unknown {
    if (raw === undefined) return undefined;
    try {
        return JSON.parse(raw);
    } catch {
        return raw;
    }
}

/** @throws StackConfigError listing every problem. */
export function loadBootstrapConfig(stack: string, raw: Record<string, string>): BootstrapConfig {
    const problems: ConfigProblem[] = [];
    const problem = (key: string, expected: string, received: unknown) => problems.push({ key, expected, received: describeValue(received) });

    for (const key of Object.keys(raw)) {
        if (!key.startsWith(`${BOOTSTRAP_PROJECT}:`) || KNOWN_KEYS.includes(key)) continue;
        const guess = closestName(key, KNOWN_KEYS);
        problem(key, `a known key (${KNOWN_KEYS.join(", ")})${guess ? `; did you mean ${guess}?` : ""}`, raw[key]);
    }

    const accountId = accountIdOf(raw[ALLOWED_ACCOUNTS_KEY], problems);
    const region = raw["aws:region"];
    if (region === undefined || !AWS_REGIONS.includes(region)) problem("aws:region", `a commercial AWS region (${AWS_REGIONS.join(", ")})`, region);

    const repository = raw[KEY("repository")];
    if (repository === undefined || !REPOSITORY.test(repository)) problem(KEY("repository"), "the GitHub repository as owner/name, such as example-org/clinical-platform", repository);

    const stacks = platformStacks(parseJson(raw[KEY("stacks")]), problem);

    const defaultBucket = accountId && region ? `${PLATFORM_PROJECT}-state-${accountId}-${region}` : "";
    const stateBucketName = raw[KEY("stateBucketName")] ?? defaultBucket;
    if (raw[KEY("stateBucketName")] !== undefined && !BUCKET.test(stateBucketName)) {
        problem(KEY("stateBucketName"), "an S3 bucket name of 3 to 51 lowercase letters, digits and hyphens (its access-log bucket adds -access-logs), starting and ending with a letter or digit", stateBucketName);
    }

    if (problems.length > 0) throw new StackConfigError(stack, problems);
    return Object.freeze({ stack, accountId: accountId as string, region: region as string, repository: repository as string, stateBucketName, stacks });
}

function platformStacks(value: unknown, problem: (key: string, expected: string, received: unknown) => void): PlatformStack[] {
    const key = KEY("stacks");
    if (typeof value !== "object" || value === null || Array.isArray(value) || Object.keys(value).length === 0) {
        problem(key, "a mapping of at least one platform stack name to { environment, region, ownsAccountResources }", value);
        return [];
    }
    const stacks: PlatformStack[] = [];
    const environments = new Map<string, string>();
    for (const [name, entry] of Object.entries(value as Record<string, unknown>)) {
        const at = `${key}.${name}`;
        if (!STACK_NAME.test(name)) problem(at, "a stack name of lowercase letters, digits and hyphens, starting with a letter, at most 31 characters", name);
        if (typeof entry !== "object" || entry === null || Array.isArray(entry)) {
            problem(at, "{ environment, region, ownsAccountResources }", entry);
            continue;
        }
        const fields = entry as Record<string, unknown>;
        for (const field of Object.keys(fields).filter((f) => !STACK_FIELDS.includes(f))) {
            const guess = closestName(field, STACK_FIELDS);
            problem(`${at}.${field}`, `one of ${STACK_FIELDS.join(", ")}${guess ? `; did you mean ${guess}?` : ""}`, fields[field]);
        }
        const environment = fields.environment;
        if (typeof environment !== "string" || !ENVIRONMENT.test(environment)) {
            problem(`${at}.environment`, "the GitHub environment name: letters, digits, '.', '_' or '-'", environment);
        } else if (environments.has(environment)) {
            problem(`${at}.environment`, `an environment no other stack uses (stack ${environments.get(environment)} already does)`, environment);
        } else {
            environments.set(environment, name);
        }
        const breakGlass = fields.breakGlassEnvironment;
        if (breakGlass !== undefined) {
            if (typeof breakGlass !== "string" || !ENVIRONMENT.test(breakGlass)) {
                problem(`${at}.breakGlassEnvironment`, "the GitHub environment name: letters, digits, '.', '_' or '-'", breakGlass);
            } else if (environments.has(breakGlass) || breakGlass === environment) {
                problem(`${at}.breakGlassEnvironment`, "an environment no stack uses as its own", breakGlass);
            } else {
                environments.set(breakGlass, name);
            }
        }
        const region = fields.region;
        if (typeof region !== "string" || !AWS_REGIONS.includes(region)) problem(`${at}.region`, "the stack's aws:region, a commercial AWS region", region);
        const drRegion = fields.drRegion;
        if (drRegion !== undefined && (typeof drRegion !== "string" || !AWS_REGIONS.includes(drRegion) || drRegion === region)) {
            problem(`${at}.drRegion`, "the stack's clinical-platform:recovery.drRegion, a commercial AWS region other than its own", drRegion);
        }
        const owns = fields.ownsAccountResources ?? false;
        if (typeof owns !== "boolean") problem(`${at}.ownsAccountResources`, "true or false", owns);
        const restoresFrom = fields.restoresFrom;
        if (restoresFrom !== undefined && typeof restoresFrom !== "string") problem(`${at}.restoresFrom`, "the name of the stack this DR stack restores from", restoresFrom);
        stacks.push({
            name,
            environment: String(environment),
            ...(typeof breakGlass === "string" ? { breakGlassEnvironment: breakGlass } : {}),
            region: String(region),
            ...(typeof drRegion === "string" ? { drRegion } : {}),
            regions: [...new Set([String(region), ...(typeof drRegion === "string" ? [drRegion] : []), CLOUDFRONT_CERTIFICATE_REGION])],
            ownsAccountResources: owns === true,
            ...(typeof restoresFrom === "string" ? { restoresFrom } : {}),
        });
    }
    for (const dr of stacks.filter((s) => s.restoresFrom !== undefined)) {
        const home = stacks.find((s) => s.name === dr.restoresFrom);
        if (!home || home.drRegion !== dr.region) {
            problem(`${key}.${dr.name}.restoresFrom`, `a stack of this list whose drRegion is ${dr.name}'s region ${dr.region}`, dr.restoresFrom);
        }
        if (dr.ownsAccountResources) problem(`${key}.${dr.name}.ownsAccountResources`, "false in a DR stack: the account's resources stay with their owner", true);
    }
    const owners = stacks.filter((s) => s.ownsAccountResources).map((s) => s.name);
    if (owners.length > 1) problem(key, "at most one stack with ownsAccountResources: true", owners);
    return stacks;
}
