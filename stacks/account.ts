/**
 * The AWS account a stack deploys into, and which stack of an account owns its security baseline:
 * what exists once per account, and what exists once per account and region. The account is the provider's own
 * `aws:allowedAccountIds`, so a deploy with credentials for any other account fails before it changes anything.
 */
import { ConfigProblem } from "./problems";

export const ALLOWED_ACCOUNTS_KEY = "aws:allowedAccountIds";
const ACCOUNT_ID = /^\d{12}$/;

/** The one account id in `aws:allowedAccountIds` (JSON-encoded list, as the CLI hands it over). */
export function accountIdOf(raw: string | undefined, problems: ConfigProblem[]): string | undefined {
    const expected = "a list of exactly one 12-digit AWS account id, such as [\"111122223333\"]";
    if (raw === undefined) {
        problems.push({ key: ALLOWED_ACCOUNTS_KEY, expected, received: "nothing (the key is missing)" });
        return undefined;
    }
    let value: unknown;
    try {
        value = JSON.parse(raw);
    } catch {
        value = raw;
    }
    if (!Array.isArray(value) || value.length !== 1 || typeof value[0] !== "string" || !ACCOUNT_ID.test(value[0])) {
        problems.push({ key: ALLOWED_ACCOUNTS_KEY, expected, received: JSON.stringify(value) });
        return undefined;
    }
    return value[0];
}

export interface StackAccount {
    stack: string;
    /** Undefined when the stack's own config is invalid; its own validation reports that. */
    accountId: string | undefined;
    /** `aws:region`; undefined when the file does not set it (its own validation reports that). */
    region?: string;
    ownsAccountResources: boolean;
    ownsRegionalResources?: boolean;
}

/** What the owner of the account creates once per account, and what an owner creates once per region. */
export const ACCOUNT_WIDE_SERVICES = "the CloudTrail trail, the IAM password policy and the account's S3 Block Public Access";
export const REGIONAL_SERVICES = "GuardDuty, Security Hub, AWS Config recording and EBS encryption by default";

/**
 * Exactly one stack of each account owns its account-wide resources: none would leave them
 * uncreated, two would both try to create them. The owner also owns its own region's services; in
 * every other region where the account has stacks, exactly one of them sets `ownsRegionalResources`
 * (GuardDuty allows one detector, AWS Config one recorder, per account and region).
 */
export function accountOwnershipProblems(stacks: readonly StackAccount[], keyOf: (path: string) => string): ConfigProblem[] {
    const byAccount = new Map<string, StackAccount[]>();
    for (const stack of stacks) {
        if (stack.accountId) byAccount.set(stack.accountId, [...(byAccount.get(stack.accountId) ?? []), stack]);
    }
    const problems: ConfigProblem[] = [];
    for (const [account, members] of byAccount) {
        const owners = members.filter((m) => m.ownsAccountResources).map((m) => m.stack);
        const names = members.map((m) => m.stack).join(", ");
        if (owners.length !== 1) {
            problems.push({
                key: keyOf("ownsAccountResources"),
                expected: `exactly one stack of account ${account} (${names}) set to true: it owns ${ACCOUNT_WIDE_SERVICES}, and ${REGIONAL_SERVICES} in its region`,
                received: owners.length === 0 ? "none" : `${owners.join(" and ")}`,
            });
        }
        for (const both of members.filter((m) => m.ownsAccountResources && m.ownsRegionalResources)) {
            problems.push({
                key: keyOf("ownsRegionalResources"),
                expected: `false in stack ${both.stack}: ownsAccountResources already makes it own ${REGIONAL_SERVICES} in its region`,
                received: "true",
            });
        }
        const byRegion = new Map<string, StackAccount[]>();
        for (const member of members) {
            if (member.region) byRegion.set(member.region, [...(byRegion.get(member.region) ?? []), member]);
        }
        for (const [region, local] of byRegion) {
            const regionalOwners = local.filter((m) => m.ownsAccountResources || m.ownsRegionalResources).map((m) => m.stack);
            if (regionalOwners.length === 1 || (regionalOwners.length === 0 && owners.length === 0)) continue;
            const localNames = local.map((m) => m.stack).join(", ");
            problems.push({
                key: keyOf(regionalOwners.length === 0 ? "ownsRegionalResources" : "ownsAccountResources"),
                expected: regionalOwners.length === 0
                    ? `one stack of account ${account} in region ${region} (${localNames}) with ownsRegionalResources: true, to own ${REGIONAL_SERVICES} there ` +
                      `(the account's owner, ${owners[0]}, owns them only in its own region)`
                    : `at most one stack of account ${account} in region ${region} (${localNames}) owning ${REGIONAL_SERVICES} ` +
                      "(ownsAccountResources or ownsRegionalResources): AWS allows one GuardDuty detector and one Config recorder per account and region",
                received: regionalOwners.length === 0 ? "none" : `${regionalOwners.join(" and ")}`,
            });
        }
    }
    return problems;
}
