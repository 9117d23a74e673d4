/**
 * What this project's policy pack encodes in the analyzer protocol's free-form fields, decoded for
 * the preview. The analyzer client (infra/analyzer/) is generic: it hands back each policy's tags
 * and the not-applicable reasons as the protocol carries them. Here the tags become HIPAA and
 * SOC 2 citations (policies/lib/metadata.ts) and the marked reasons become exemptions
 * (policies/lib/exemptions.ts).
 */
import { EXEMPTED_MARKER, type ExemptedFinding, parseExemptionNotice } from "../../policies/lib/exemptions";
import { type TaggedMapping, mappingFromTags } from "../../policies/lib/metadata";
import type { NotApplicableEntry, PackPolicyInfo, PolicyPackStartOptions, PolicyViolation } from "../analyzer/types";

/** Start options that keep the not-applicable entries recording exemptions, for `exemptionsIn`. */
export const PACK_SESSION_OPTIONS: Pick<PolicyPackStartOptions, "notApplicablePrefix"> = { notApplicablePrefix: EXEMPTED_MARKER };

export type DecodedPolicyInfo = PackPolicyInfo & TaggedMapping;

/** A policy's description with its compliance mapping read from its tags. */
export function decodePolicy(policy: PackPolicyInfo): DecodedPolicyInfo {
    return { ...policy, ...mappingFromTags(policy.tags) };
}

/** A violation with the HIPAA citations and SOC 2 criteria of the policy it breaks. */
export type CitedViolation = Pick<PolicyViolation, "policy" | "level" | "urn" | "message"> & { hipaa: string[]; soc2: string[] } & Omit<PolicyViolation, "policy" | "level" | "urn" | "message">;

/** Cites each violation with its policy's mapping, in the field order the preview document has always had. */
export function citeViolations(violations: readonly PolicyViolation[], policies: readonly PackPolicyInfo[]): CitedViolation[] {
    const tagsOf = new Map(policies.map((policy) => [policy.name, policy.tags]));
    return violations.map(({ policy, level, urn, message, ...rest }) => {
        const { hipaa, soc2 } = mappingFromTags(tagsOf.get(policy) ?? []);
        return { policy, level, urn, message, hipaa, soc2, ...rest };
    });
}

/** The exemptions recorded in not-applicable entries, each with the findings it silenced. */
export function exemptionsIn(entries: readonly NotApplicableEntry[]): ExemptedFinding[] {
    return entries.flatMap((entry) => parseExemptionNotice(entry.policy, entry.reason) ?? []);
}
