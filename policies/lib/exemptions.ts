/**
 * Exemptions: a pack-config entry that takes one resource out of one policy, with the reason
 * (and, optionally, the last day it holds).
 *
 * How an exemption reaches the report. A violation's enforcement level is the policy's, not the
 * finding's (the @pulumi/policy 1.21 server stamps every reportViolation with the level from the
 * pack config), so an exempted finding cannot be reported as a milder violation. What the
 * analyzer protocol does carry per policy and resource is a "not applicable" entry with a reason
 * (AnalyzeResponse.not_applicable, filled from notApplicable() by the server; checked in
 * node_modules/@pulumi/policy/server.js on 2026-12-01). So the policy still evaluates an exempted
 * resource and declares itself not applicable with a reason that records the exemption and
 * the messages it silences; the offline preview decodes that entry and prints it next to the
 * violations. The verdict is the pack's own, not a re-reading of the config by the preview.
 */
import type { PolicyConfigJSONSchema } from "@pulumi/policy/schema";

export interface Exemption {
    /** Logical name or URN of the resource. */
    resource: string;
    /** Why the resource may break the policy (a ticket, a compensating control). */
    reason: string;
    /** Last day (YYYY-MM-DD, UTC) the exemption holds; from the next day the policy judges the resource again. */
    expires?: string;
}

/** An exemption in effect, with what the policy would have reported without it. */
export interface ExemptedFinding extends Exemption {
    policy: string;
    urn: string;
    silenced: string[];
}

export const EXEMPTIONS_SCHEMA: PolicyConfigJSONSchema = {
    type: "array",
    items: {
        type: "object",
        properties: {
            resource: { type: "string", minLength: 1, description: "Logical name or URN of the resource." },
            reason: { type: "string", minLength: 1, pattern: "\\S", description: "Why the resource may break this policy." },
            expires: {
                type: "string",
                pattern: "^\\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\\d|3[01])$",
                description: "Last day the exemption holds (YYYY-MM-DD, UTC).",
            },
        },
        required: ["resource", "reason"],
        additionalProperties: false,
    },
    default: [],
    description: "Resources this policy does not judge, each with the reason and an optional expiry date.",
};

/** The exemption naming this resource (by logical name or URN), if any. */
export function exemptionFor(exemptions: unknown, name: string, urn: string): Exemption | undefined {
    if (!Array.isArray(exemptions)) {
        return undefined;
    }
    return (exemptions as Exemption[]).find((entry) => entry !== null && typeof entry === "object" && (entry.resource === name || entry.resource === urn));
}

/** Today as YYYY-MM-DD in UTC, the calendar the expiry dates are written in. */
export function today(): string {
    return new Date().toISOString().slice(0, 10);
}

export function hasExpired(exemption: Exemption, on: string = today()): boolean {
    return exemption.expires !== undefined && exemption.expires < on;
}

/** The sentence added to each message of a resource whose exemption has lapsed. */
export function expiredNote(exemption: Exemption): string {
    return `(Its exemption expired after ${exemption.expires}: "${exemption.reason}". Renew it in the pack config or fix the resource.)`;
}

/** Marks the not-applicable reasons that record exemptions; the preview looks for it before decoding them. */
export const EXEMPTED_MARKER = "Exempted by the pack config: ";

type Recorded = Omit<ExemptedFinding, "policy">;

export function exemptionNotice(findings: readonly Recorded[]): string {
    return `${EXEMPTED_MARKER}${JSON.stringify(findings)}`;
}

/** The exemptions a not-applicable reason records, or undefined if it records none. */
export function parseExemptionNotice(policy: string, reason: string): ExemptedFinding[] | undefined {
    if (!reason.startsWith(EXEMPTED_MARKER)) {
        return undefined;
    }
    try {
        const parsed = JSON.parse(reason.slice(EXEMPTED_MARKER.length)) as Recorded[];
        return Array.isArray(parsed) ? parsed.map((entry) => ({ ...entry, policy })) : undefined;
    } catch {
        return undefined;
    }
}
