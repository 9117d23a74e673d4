/**
 * The AWS account a stack deploys into, and which stack of an account owns what exists once per
 * account (today the account's S3 Block Public Access). The account is the provider's own
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
    ownsAccountResources: boolean;
}

/**
 * Exactly one stack of each account owns its account-wide resources: none would leave them
 * uncreated, two would both try to create them.
 */
export function accountOwnershipProblems(stacks: readonly StackAccount[], keyOf: (path: string) => string): ConfigProblem[] {
    const byAccount = new Map<string, StackAccount[]>();
    for (const stack of stacks) {
        if (stack.accountId) byAccount.set(stack.accountId, [...(byAccount.get(stack.accountId) ?? []), stack]);
    }
    const problems: ConfigProblem[] = [];
    for (const [account, members] of byAccount) {
        const owners = members.filter((m) => m.ownsAccountResources).map((m) => m.stack);
        if (owners.length === 1) continue;
        const names = members.map((m) => m.stack).join(", ");
        problems.push({
            key: keyOf("ownsAccountResources"),
            expected: `exactly one stack of account ${account} (${names}) set to true`,
            received: owners.length === 0 ? "none" : `${owners.join(" and ")}`,
        });
    }
    return problems;
}
