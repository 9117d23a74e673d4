import { UNKNOWN, type Unknown, isUnknown } from "./values";

/**
 * IAM-style policy documents (IAM, KMS key, S3 bucket, SNS topic and secret policies),
 * given either as a JSON string or as an object.
 */
export interface Statement {
    effect: string;
    principal: unknown;
    actions: string[];
    notActions: string[];
    resources: string[];
    condition: Record<string, unknown> | undefined;
    /** True when some part of the statement is only known after the update. */
    incomplete: boolean;
}

/**
 * The statements of a policy document; `UNKNOWN` when the document as a whole is not known
 * yet (typical for documents built from other resources' ARNs on a first deployment), and
 * `undefined` when there is no document or it is not valid JSON.
 */
export function statementsOf(document: unknown): Statement[] | Unknown | undefined {
    if (isUnknown(document)) {
        return UNKNOWN;
    }
    const parsed = typeof document === "string" ? parseJson(document) : document;
    if (parsed === null || typeof parsed !== "object") {
        return undefined;
    }
    const raw = (parsed as Record<string, unknown>)["Statement"] ?? (parsed as Record<string, unknown>)["statement"];
    const list = Array.isArray(raw) ? raw : raw === undefined ? [] : [raw];
    return list.filter(isRecord).map(toStatement);
}

function toStatement(raw: Record<string, unknown>): Statement {
    const read = (key: string) => raw[key] ?? raw[key.toLowerCase()];
    const condition = read("Condition");
    return {
        effect: typeof read("Effect") === "string" ? (read("Effect") as string) : "",
        principal: read("Principal"),
        actions: strings(read("Action")),
        notActions: strings(read("NotAction")),
        resources: strings(read("Resource")),
        condition: isRecord(condition) ? condition : undefined,
        incomplete: containsUnknown(raw),
    };
}

export function isAllow(statement: Statement): boolean {
    return statement.effect === "Allow";
}

function isDeny(statement: Statement): boolean {
    return statement.effect === "Deny";
}

/** Principal "*" or {"AWS": "*"} (alone or in a list): anyone, in any account. */
export function hasPublicPrincipal(statement: Statement): boolean {
    const principal = statement.principal;
    if (principal === "*") {
        return true;
    }
    if (isRecord(principal)) {
        return strings(principal["AWS"]).includes("*");
    }
    return false;
}

/** An Allow open to everyone with no condition narrowing it (source ARN, org id, VPC…). */
export function isPublicAllow(statement: Statement): boolean {
    return isAllow(statement) && hasPublicPrincipal(statement) && statement.condition === undefined;
}

/**
 * A Deny for every principal whenever the request is not sent over TLS
 * (`"Condition": {"Bool": {"aws:SecureTransport": "false"}}`).
 */
export function deniesInsecureTransport(statement: Statement): boolean {
    if (!isDeny(statement) || !hasPublicPrincipal(statement) || statement.condition === undefined) {
        return false;
    }
    const bool = statement.condition["Bool"];
    if (!isRecord(bool)) {
        return false;
    }
    const secureTransport = bool["aws:SecureTransport"];
    return strings(secureTransport).includes("false") || secureTransport === false;
}

function strings(value: unknown): string[] {
    if (typeof value === "string") {
        return [value];
    }
    if (Array.isArray(value)) {
        return value.filter((item): item is string => typeof item === "string");
    }
    return [];
}

function isRecord(value: unknown): value is Record<string, unknown> {
    return value !== null && typeof value === "object" && !Array.isArray(value);
}

function containsUnknown(value: unknown): boolean {
    if (isUnknown(value)) {
        return true;
    }
    if (Array.isArray(value)) {
        return value.some(containsUnknown);
    }
    if (isRecord(value)) {
        return Object.values(value).some(containsUnknown);
    }
    return false;
}

function parseJson(text: string): unknown {
    try {
        return JSON.parse(text);
    } catch {
        return undefined;
    }
}
