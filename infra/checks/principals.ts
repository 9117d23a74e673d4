/**
 * Every principal in every resource policy exists on a fresh account. IAM validates a resource
 * policy's principals when it is written (KMS CreateKey answers MalformedPolicyDocumentException,
 * S3 "Invalid principal in policy"), so a principal the account does not have yet stops the deploy.
 * A principal passes when it is a service principal, `*`, this account's root or id, a role given
 * in the stack file, or a role, user or service-linked role the stack creates and is ordered after;
 * a service-linked role may also come from the stack of the account that owns the account-wide
 * resources.
 */
import type { RecordedResource } from "../offline/types";
import { DeployCheck, DeployCheckFailure, StackPlan, isUnknown, knownString } from "./types";

const ROLE = "aws:iam/role:Role";
const USER = "aws:iam/user:User";
const SERVICE_LINKED_ROLE = "aws:iam/serviceLinkedRole:ServiceLinkedRole";
const OIDC_PROVIDER = "aws:iam/openIdConnectProvider:OpenIdConnectProvider";
const PRINCIPAL_TYPES = new Set([ROLE, USER, SERVICE_LINKED_ROLE, OIDC_PROVIDER]);

/** Inputs that hold a resource policy (a JSON document with Principal), by resource type; identity policies have none. */
const POLICY_INPUTS: Record<string, string[]> = {
    "aws:iam/role:Role": ["assumeRolePolicy"],
    "aws:kms/key:Key": ["policy"],
    "aws:s3/bucketPolicy:BucketPolicy": ["policy"],
    "aws:sns/topicPolicy:TopicPolicy": ["policy"],
    "aws:sns/topic:Topic": ["policy"],
    "aws:sqs/queuePolicy:QueuePolicy": ["policy"],
    "aws:secretsmanager/secretPolicy:SecretPolicy": ["policy"],
    "aws:secretsmanager/secret:Secret": ["policy"],
    "aws:ecr/repositoryPolicy:RepositoryPolicy": ["policy"],
    "aws:cloudwatch/logResourcePolicy:LogResourcePolicy": ["policyDocument"],
    "aws:backup/vaultPolicy:VaultPolicy": ["policy"],
};

/**
 * AWS-owned accounts that exist in every customer's view: Elastic Load Balancing delivers access logs
 * from one per region (regions opened before August 2022). Source: Elastic Load Balancing user guide,
 * "Enable access logs for your Application Load Balancer", checked 2026-12-01.
 */
const AWS_SERVICE_ACCOUNTS = new Set([
    "127311923021", "033677994240", "027434742980", "797873946194", "098369216593", "754344448648", "718504428378",
    "582318560864", "600734575887", "383597477331", "114774131450", "783225319266", "589379963580", "985666609251",
    "054676820928", "156460612806", "652711504416", "009996457667", "635631232127", "897822967062", "076674570225",
    "507241528517", "048591011584", "190560391635",
]);

/** Pulumi's auto-name: the logical name, a dash and seven random characters. */
const AUTO_NAME_SUFFIX = /^-[0-9a-z]{7}$/;

interface Principal { kind: string; value: unknown }

function principalsIn(document: unknown): Principal[] {
    const statements = (document as { Statement?: unknown })?.Statement;
    const list = Array.isArray(statements) ? statements : statements ? [statements] : [];
    const found: Principal[] = [];
    for (const statement of list as Array<Record<string, unknown>>) {
        for (const field of ["Principal", "NotPrincipal"]) {
            const principal = statement[field];
            if (principal === undefined) continue;
            if (typeof principal === "string") {
                found.push({ kind: "AWS", value: principal });
                continue;
            }
            for (const [kind, values] of Object.entries(principal as Record<string, unknown>)) {
                for (const value of Array.isArray(values) ? values : [values]) found.push({ kind, value });
            }
        }
    }
    return found;
}

/** The role or user a principal ARN names: kind, path and name. */
function parseIamArn(arn: string): { account: string; kind: "role" | "user" | "root" | "other"; path: string; name: string } | undefined {
    const match = /^arn:[a-z-]+:iam::(\d{12}):(.+)$/.exec(arn);
    if (!match) return undefined;
    const resource = match[2];
    if (resource === "root") return { account: match[1], kind: "root", path: "", name: "root" };
    const [kind, ...rest] = resource.split("/");
    const name = rest.pop() ?? "";
    return { account: match[1], kind: kind === "role" || kind === "user" ? kind : "other", path: rest.join("/"), name };
}

/** The principal resources of a plan that an ARN names, judged by the name the program gave or Pulumi generates. */
function creatorsOf(arn: ReturnType<typeof parseIamArn>, plan: StackPlan): RecordedResource[] {
    if (!arn || (arn.kind !== "role" && arn.kind !== "user")) return [];
    return plan.resources.filter((r) => {
        if (r.type === SERVICE_LINKED_ROLE) {
            // arn:…:role/aws-service-role/<service principal>/AWSServiceRoleFor…[_suffix]
            const suffix = knownString(r.inputs.customSuffix);
            return arn.kind === "role" && arn.path === `aws-service-role/${r.inputs.awsServiceName}` && (!suffix || arn.name.endsWith(`_${suffix}`));
        }
        if (r.type !== (arn.kind === "role" ? ROLE : USER)) return false;
        const name = knownString(r.inputs.name);
        if (name) return name === arn.name;
        return arn.name.startsWith(r.name) && AUTO_NAME_SUFFIX.test(arn.name.slice(r.name.length));
    });
}

/** Every IAM role ARN the stack file gives (cluster.adminRoleArn today): roles that exist before the stack. */
function rolesGivenIn(config: unknown, found = new Set<string>()): Set<string> {
    if (typeof config === "string" && /^arn:[a-z-]+:iam::\d{12}:role\//.test(config)) found.add(config);
    else if (typeof config === "object" && config !== null) for (const value of Object.values(config)) rolesGivenIn(value, found);
    return found;
}

export const principalsCheck: DeployCheck = {
    name: "principals",
    description: "Every principal in every resource policy exists on a fresh account (service principal, this account's root, a role from the stack file, or a role or OIDC provider the stack creates and is ordered after).",
    source: "IAM policy reference, Principal element (AWS JSON policy elements), checked 2026-12-01",
    needsNeighbours: true,
    run({ plan, neighbours }) {
        const failures: DeployCheckFailure[] = [];
        const account = plan.config.account.id;
        const givenRoles = rolesGivenIn(plan.config);
        const owners = neighbours.filter((n) => n.stack !== plan.stack && n.config.account.id === account && n.config.account.ownsAccountResources);
        for (const resource of plan.resources) {
            const inputs = resource.type === "aws:lambda/permission:Permission" ? ["principal"] : POLICY_INPUTS[resource.type] ?? [];
            for (const input of inputs) {
                const raw = resource.inputs[input];
                // A wholly unknown document (first deployment) shows no principals to judge.
                if (raw === undefined || isUnknown(raw)) continue;
                let principals: Principal[];
                if (input === "principal") {
                    principals = [{ kind: typeof raw === "string" && /^\d{12}$|^arn:/.test(raw) ? "AWS" : "Service", value: raw }];
                } else {
                    try {
                        principals = principalsIn(typeof raw === "string" ? JSON.parse(raw) : raw);
                    } catch {
                        failures.push({ check: this.name, urn: resource.urn, message: `${resource.name} sets ${input} to text that is not a JSON policy document` });
                        continue;
                    }
                }
                const fail = (message: string) => failures.push({ check: this.name, urn: resource.urn, message: `${resource.type.split(":").pop()} ${resource.name} ${input} names ${message}` });
                const dependencies = resource.propertyDependencies[input] ?? [];
                for (const { kind, value } of principals) {
                    if (isUnknown(value)) {
                        // Unknown until the update: acceptable only when it comes from a principal the stack creates.
                        const from = plan.resources.filter((r) => dependencies.includes(r.urn) && PRINCIPAL_TYPES.has(r.type));
                        if (from.length === 0) fail(`a ${kind} principal that is unknown until the update and comes from no role or user this stack creates (its ${input} depends on ${dependencies.length ? dependencies.map((d) => d.split("::").pop()).join(", ") : "nothing"})`);
                        continue;
                    }
                    if (typeof value !== "string") {
                        fail(`a ${kind} principal that is not a string: ${JSON.stringify(value)}`);
                        continue;
                    }
                    if (kind === "Service") {
                        if (!/^[a-z0-9.-]+\.amazonaws\.com(\.cn)?$/.test(value)) fail(`Service principal "${value}", which is not a service principal (<service>.amazonaws.com)`);
                        continue;
                    }
                    if (kind === "Federated") {
                        // An OIDC provider exists once created: by this stack, before the policy that names it.
                        const issuer = /^arn:[a-z-]+:iam::(\d{12}):oidc-provider\/(.+)$/.exec(value);
                        const creators = issuer ? plan.resources.filter((r) => r.type === OIDC_PROVIDER && String(r.inputs.url).replace(/^https:\/\//, "") === issuer[2]) : [];
                        if (!issuer || issuer[1] !== account) fail(`Federated principal "${value}", which is not an OIDC provider of this stack's account ${account}`);
                        else if (creators.length === 0) fail(`Federated principal "${value}", an OIDC provider this stack does not create; it does not exist on a fresh account`);
                        else if (!creators.some((c) => resource.dependencies.includes(c.urn))) fail(`"${value}", which this stack creates (${creators.map((c) => c.name).join(", ")}), but ${resource.name} does not depend on it; make it depend on the provider`);
                        continue;
                    }
                    if (kind !== "AWS") {
                        fail(`${kind} principal "${value}", which this check cannot show exists on a fresh account`);
                        continue;
                    }
                    if (value === "*" || value === account) continue;
                    if (givenRoles.has(value)) continue;
                    const arn = parseIamArn(value);
                    if (!arn) {
                        fail(`AWS principal "${value}", which is neither an IAM ARN nor this account's id ${account}`);
                        continue;
                    }
                    if (arn.kind === "root" && AWS_SERVICE_ACCOUNTS.has(arn.account)) continue;
                    if (arn.account !== account) {
                        fail(`AWS principal "${value}" of account ${arn.account}, not this stack's account ${account}; another account's principals cannot be shown to exist`);
                        continue;
                    }
                    if (arn.kind === "root") continue;
                    const creators = creatorsOf(arn, plan);
                    if (creators.length > 0) {
                        const unordered = creators.filter((c) => !resource.dependencies.includes(c.urn));
                        if (unordered.length === creators.length) {
                            fail(`"${value}", which this stack creates (${creators.map((c) => c.name).join(", ")}), but ${resource.name} does not depend on it, so it may be created first; make it depend on the role`);
                        }
                        continue;
                    }
                    if (arn.path.startsWith("aws-service-role/")) {
                        const owner = owners.find((n) => creatorsOf(arn, n).length > 0);
                        if (owner) continue;
                        const creator = neighbours.find((n) => n.stack !== plan.stack && n.config.account.id === account && creatorsOf(arn, n).length > 0);
                        fail(`service-linked role "${value}", which exists in an account only once created; ` +
                            (creator
                                ? `stack ${creator.stack} creates it but does not own the account's resources (ownsAccountResources: false)`
                                : `neither this stack nor the stack that owns the account's resources creates it (aws:iam/serviceLinkedRole:ServiceLinkedRole with awsServiceName "${arn.path.split("/")[1]}")`));
                        continue;
                    }
                    fail(`${arn.kind} "${value}", which this stack does not create and the stack file does not give; it does not exist on a fresh account`);
                }
            }
        }
        return failures;
    },
};
