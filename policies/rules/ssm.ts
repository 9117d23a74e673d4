/**
 * Systems Manager documents: never shared with every AWS account. A public document exposes its
 * commands, parameters and whatever they reveal of the platform to anyone.
 */
import { type ClinicalPolicy, resourceRule } from "../lib/policy";
import { SSM } from "../lib/types";
import { type Maybe, isKnown, isUnknown } from "../lib/values";

/** Inputs of `aws.ssm.Document` the rules read. */
export interface DocumentInputs {
    permissions?: Maybe<Record<string, Maybe<string>>>;
}

export const ssmDocumentNotPublic = resourceRule<DocumentInputs>({
    name: "ssm-document-not-public",
    description: "SSM documents are shared with named accounts at most, never with All.",
    severity: "critical",
    category: "public-access",
    hipaa: ["164.312(a)(1)", "164.308(a)(4)(ii)(A)"],
    soc2: ["CC6.1"],
    remediation: "Remove the permissions block, or list the account ids the document is shared with instead of All.",
    anchors: { awsConfig: ["SSM_DOCUMENT_NOT_PUBLIC"] },
    resourceTypes: [SSM.document],
    *check(document) {
        const permissions = document.permissions;
        if (!isKnown(permissions)) return;
        // `permissions` is a free-form map in @pulumi/aws 7.48.0 (its `.d.ts` types it as string to
        // string), so every account-list entry is read whatever its key's spelling. The
        // ModifyDocumentPermission API takes "All" (any case) for public sharing (SSM API Reference,
        // read 2026-12-01).
        for (const [key, value] of Object.entries(permissions)) {
            if (!/account/i.test(key)) continue;
            if (isUnknown(value)) {
                yield `permissions.${key} is unknown in preview, so the document cannot be shown not to be shared with All.`;
            } else if (isKnown(value) && value.split(",").some((account) => account.trim().toLowerCase() === "all")) {
                yield `permissions.${key} shares the document with All, so every AWS account can read and run it.`;
            }
        }
    },
});

export const ssmPolicies: ClinicalPolicy[] = [ssmDocumentNotPublic];
