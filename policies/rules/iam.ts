import { type Statement, hasPublicPrincipal, isAllow, statementsOf } from "../lib/documents";
import { type ClinicalPolicy, resourceRule, stackRule } from "../lib/policy";
import { refersTo } from "../lib/stack";
import { COVERAGE, IAM } from "../lib/types";
import { type Maybe, elements, isKnown, isPresent, isUnknown, knownStrings } from "../lib/values";

/** Inputs of `aws.iam.Policy`, `RolePolicy`, `UserPolicy` and `GroupPolicy` the rules read. */
export interface IamPolicyInputs {
    policy?: unknown;
}

/** Inputs of `aws.iam.Role` the rules read. */
export interface IamRoleInputs {
    assumeRolePolicy?: unknown;
    inlinePolicies?: Maybe<Maybe<{ name?: Maybe<string>; policy?: Maybe<string> }>[]>;
    managedPolicyArns?: Maybe<Maybe<string>[]>;
}

/** Inputs of the IAM attachment resources the rules read. */
export interface IamAttachmentInputs {
    policyArn?: Maybe<string>;
    role?: Maybe<string>;
    user?: Maybe<string>;
    users?: Maybe<Maybe<string>[]>;
}

/** Inputs of `aws.iam.UserGroupMembership` / `aws.iam.GroupMembership` the rules read. */
export interface IamMembershipInputs {
    user?: Maybe<string>;
    users?: Maybe<Maybe<string>[]>;
}

/** Inputs of `aws.iam.AccountPasswordPolicy` the rules read. */
export interface AccountPasswordPolicyInputs {
    minimumPasswordLength?: Maybe<number>;
    passwordReusePrevention?: Maybe<number>;
    maxPasswordAge?: Maybe<number>;
    requireLowercaseCharacters?: Maybe<boolean>;
    requireUppercaseCharacters?: Maybe<boolean>;
    requireNumbers?: Maybe<boolean>;
    requireSymbols?: Maybe<boolean>;
}

const IAM_HIPAA = [
    "164.308(a)(3)(i)",
    "164.308(a)(3)(ii)(A)",
    "164.308(a)(3)(ii)(B)",
    "164.308(a)(4)(i)",
    "164.308(a)(4)(ii)(A)",
    "164.308(a)(4)(ii)(B)",
    "164.308(a)(4)(ii)(C)",
    "164.312(a)(1)",
];
const POLICY_HOLDERS = [IAM.policy, IAM.rolePolicy, IAM.userPolicy, IAM.groupPolicy, IAM.role];
const INLINE_POLICY_TYPES = [IAM.rolePolicy, IAM.userPolicy, IAM.groupPolicy];
const ATTACHMENT_TYPES = [IAM.rolePolicyAttachment, IAM.userPolicyAttachment, IAM.groupPolicyAttachment, IAM.policyAttachment];

/** Every known statement of the permission documents a resource declares. */
function permissionStatements(inputs: IamPolicyInputs & IamRoleInputs, type: string): Statement[] {
    const documents = type === IAM.role ? elements(inputs.inlinePolicies).known.map((p) => p.policy) : [inputs.policy];
    return documents.flatMap((document) => {
        const statements = statementsOf(document);
        return Array.isArray(statements) ? statements : [];
    });
}

const matchesAll = (values: string[]) => values.includes("*");
/** Every action: "*" or "*:*". */
const isEveryAction = (action: string) => action === "*" || action === "*:*";
/** "*" or an ARN that ends in a wildcard, such as arn:aws:s3:::* (cdk-nag IAMPolicyNoStatementsWithAdminAccess reads it so). */
const isWildcardResource = (resource: string) => resource === "*" || resource.endsWith("*");

/**
 * KMS actions that must never be allowed on every key (the conformance pack's blockedActionsPatterns
 * for IAM_CUSTOMER_POLICY_BLOCKED_KMS_ACTIONS / IAM_INLINE_POLICY_BLOCKED_KMS_ACTIONS are
 * kms:Decrypt and kms:ReEncryptFrom; ReEncryptTo completes the pair). AWS KMS API reference, checked 2026-12-01.
 */
const BLOCKED_KMS_ACTIONS = ["kms:Decrypt", "kms:ReEncryptFrom", "kms:ReEncryptTo"];
/** "*", or an ARN naming every key: arn:aws:kms:*:*:key/*, arn:aws:kms:us-east-1:123456789012:*. */
const ALL_KEYS = /^(\*|arn:aws[a-z-]*:kms:[^:]*:[^:]*:(key\/)?\*)$/;

/** Whether an IAM action pattern (with * and ? wildcards, case-insensitive) matches the action. */
function actionMatches(pattern: string, action: string): boolean {
    const regex = pattern.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".");
    return new RegExp(`^${regex}$`, "i").test(action);
}

export const iamNoAdminStatements = resourceRule<IamPolicyInputs & IamRoleInputs>({
    name: "iam-no-admin-statements",
    description: 'IAM policies never allow every action on every resource ("*" on "*" or on a wildcard ARN).',
    severity: "critical",
    category: "access-control",
    hipaa: IAM_HIPAA,
    soc2: ["CC6.3"],
    remediation: "Replace the statement with the specific actions and resource ARNs the principal needs.",
    anchors: { awsConfig: ["IAM_POLICY_NO_STATEMENTS_WITH_ADMIN_ACCESS"], cdkNag: ["IAMPolicyNoStatementsWithAdminAccess"] },
    resourceTypes: POLICY_HOLDERS,
    *check(inputs, { type }) {
        const admin = permissionStatements(inputs, type).some(
            (s) => isAllow(s) && s.actions.some(isEveryAction) && s.resources.some(isWildcardResource),
        );
        if (admin) {
            yield 'A statement allows Action "*" on Resource "*" (or a wildcard ARN), which is full administrator access.';
        }
    },
});

export const iamNoServiceWildcardActions = resourceRule<IamPolicyInputs & IamRoleInputs>({
    name: "iam-no-service-wildcard-actions",
    description: 'IAM policies name actions rather than granting full access to a service ("s3:*") or to everything ("*"), on any resource.',
    severity: "high",
    category: "access-control",
    hipaa: IAM_HIPAA,
    soc2: ["CC6.3"],
    remediation: "List the actions the principal needs (e.g. s3:GetObject) instead of <service>:* or *.",
    anchors: { awsConfig: ["IAM_POLICY_NO_STATEMENTS_WITH_FULL_ACCESS"], cdkNag: ["IAMPolicyNoStatementsWithFullAccess"] },
    resourceTypes: POLICY_HOLDERS,
    *check(inputs, { type }) {
        const wildcards = permissionStatements(inputs, type)
            .filter(isAllow)
            .flatMap((s) => s.actions.filter((action) => isEveryAction(action) || /^[a-z0-9-]+:\*$/i.test(action)));
        if (wildcards.length > 0) {
            yield `Statements allow every action of a service: ${[...new Set(wildcards)].join(", ")}.`;
        }
    },
});

export const iamNoPassroleWildcard = resourceRule<IamPolicyInputs & IamRoleInputs>({
    name: "iam-no-passrole-wildcard",
    description: "IAM policies grant iam:PassRole only for named roles.",
    severity: "high",
    category: "access-control",
    hipaa: IAM_HIPAA,
    soc2: ["CC6.3"],
    remediation: "Scope iam:PassRole to the ARNs of the roles that may be passed.",
    resourceTypes: POLICY_HOLDERS,
    *check(inputs, { type }) {
        const passAny = permissionStatements(inputs, type).some(
            (s) => isAllow(s) && s.actions.some((a) => /^iam:(PassRole|\*)$/i.test(a)) && matchesAll(s.resources),
        );
        if (passAny) {
            yield 'iam:PassRole is allowed on Resource "*", which lets the holder hand any role to a service and escalate.';
        }
    },
});

export const iamNoNotactionAllow = resourceRule<IamPolicyInputs & IamRoleInputs>({
    name: "iam-no-notaction-allow",
    description: "IAM policies never allow by exclusion (Allow with NotAction).",
    severity: "medium",
    category: "access-control",
    hipaa: IAM_HIPAA,
    soc2: ["CC6.3"],
    remediation: "Rewrite the statement as an Allow of the intended actions.",
    resourceTypes: POLICY_HOLDERS,
    *check(inputs, { type }) {
        if (permissionStatements(inputs, type).some((s) => isAllow(s) && s.notActions.length > 0)) {
            yield "A statement allows everything except a NotAction list, which silently grants every new action AWS adds.";
        }
    },
});

export const iamNoAdminManagedPolicyAttachments = resourceRule<IamAttachmentInputs & IamRoleInputs, { deniedManagedPolicies: string[] }>({
    name: "iam-no-admin-managed-policy-attachments",
    description: "No principal gets AWS's administrator-class managed policies.",
    severity: "critical",
    category: "access-control",
    hipaa: IAM_HIPAA,
    soc2: ["CC6.3"],
    remediation: "Attach a least-privilege customer-managed policy instead.",
    config: {
        deniedManagedPolicies: {
            type: "array",
            items: { type: "string" },
            uniqueItems: true,
            default: ["AdministratorAccess", "PowerUserAccess", "IAMFullAccess"],
            description: "Names of AWS-managed policies that may not be attached.",
        },
    },
    resourceTypes: [...ATTACHMENT_TYPES, IAM.role],
    *check(inputs, { type, config }) {
        const arns = type === IAM.role ? knownStrings(inputs.managedPolicyArns) : isKnown(inputs.policyArn) ? [inputs.policyArn] : [];
        const denied = arns.filter((arn) => config.deniedManagedPolicies.some((name) => arn.endsWith(`:policy/${name}`)));
        if (denied.length > 0) {
            yield `The AWS-managed policy ${denied.join(", ")} grants administrator-level access.`;
        }
    },
});

export const iamNoInlinePolicies = resourceRule<IamRoleInputs>({
    name: "iam-no-inline-policies",
    description: "Permissions live in managed policies that can be reviewed and reused, not inline policies.",
    severity: "low",
    category: "access-control",
    hipaa: IAM_HIPAA,
    soc2: ["CC6.3"],
    remediation: "Move the document into an iam.Policy and attach it with a RolePolicyAttachment.",
    anchors: { awsConfig: ["IAM_NO_INLINE_POLICY_CHECK"], cdkNag: ["IAMNoInlinePolicy"] },
    resourceTypes: [...INLINE_POLICY_TYPES, IAM.role],
    *check(inputs, { type }) {
        if (type !== IAM.role) {
            yield "The permissions are declared as an inline policy.";
        } else if (elements(inputs.inlinePolicies).known.some((p) => isPresent(p.policy))) {
            yield "The role declares inline policies.";
        }
    },
});

export const iamNoUserAttachedPolicies = resourceRule<IamAttachmentInputs>({
    name: "iam-no-user-attached-policies",
    description: "Users receive permissions only through groups or roles.",
    severity: "medium",
    category: "access-control",
    hipaa: IAM_HIPAA,
    soc2: ["CC6.3"],
    remediation: "Attach the policy to a group and add the user to it (or use roles and SSO).",
    anchors: { awsConfig: ["IAM_USER_NO_POLICIES_CHECK"], cdkNag: ["IAMUserNoPolicies"] },
    resourceTypes: [IAM.userPolicyAttachment, IAM.userPolicy, IAM.policyAttachment],
    *check(inputs, { type }) {
        if (type !== IAM.policyAttachment) {
            yield "A policy is attached directly to a user.";
        } else if (elements(inputs.users).known.length > 0 || isUnknown(inputs.users)) {
            yield "The policy attachment lists users directly.";
        }
    },
});

export const iamUserInGroup = stackRule({
    name: "iam-user-in-group",
    description: "Every IAM user belongs to a group.",
    severity: "medium",
    category: "access-control",
    hipaa: IAM_HIPAA,
    soc2: ["CC6.2"],
    remediation: "Add a UserGroupMembership (or GroupMembership) for the user.",
    anchors: { cdkNag: ["IAMUserGroupMembership"] },
    resourceTypes: [IAM.user],
    *check(stack) {
        const memberships = stack.ofType(IAM.userGroupMembership);
        const groupMemberships = stack.ofType(IAM.groupMembership);
        for (const user of stack.ofType(IAM.user)) {
            const member =
                memberships.some((m) => refersTo(m, "user", user, ["name", "id"])) ||
                groupMemberships.some((m) => refersTo(m, "users", user, ["name", "id"]));
            if (!member) {
                yield { resource: user, message: "The user belongs to no group, so its permissions are managed one by one." };
            }
        }
    },
});

export const iamPasswordPolicyStrength = resourceRule<AccountPasswordPolicyInputs>({
    name: "iam-password-policy-strength",
    description: "The account password policy demands long, complex, rotated and non-reused passwords.",
    severity: "medium",
    category: "access-control",
    hipaa: ["164.308(a)(5)(ii)(D)", "164.312(d)"],
    soc2: ["CC6.1"],
    remediation:
        "Set minimumPasswordLength ≥ 14, passwordReusePrevention ≥ 24, maxPasswordAge ≤ 90 and all four require* flags to true.",
    anchors: { awsConfig: ["IAM_PASSWORD_POLICY"] },
    resourceTypes: [IAM.accountPasswordPolicy],
    *check(policy) {
        const weak: string[] = [];
        const atLeast = (value: Maybe<number>, minimum: number) => isKnown(value) && value >= minimum;
        if (!atLeast(policy.minimumPasswordLength, 14)) weak.push("minimumPasswordLength < 14");
        if (!atLeast(policy.passwordReusePrevention, 24)) weak.push("passwordReusePrevention < 24");
        if (!(isKnown(policy.maxPasswordAge) && policy.maxPasswordAge > 0 && policy.maxPasswordAge <= 90)) {
            weak.push("maxPasswordAge not within 1–90");
        }
        for (const flag of ["requireLowercaseCharacters", "requireUppercaseCharacters", "requireNumbers", "requireSymbols"] as const) {
            if (policy[flag] !== true) weak.push(`${flag} not true`);
        }
        if (weak.length > 0) {
            yield `The password policy is weak: ${weak.join(", ")}.`;
        }
    },
});

export const iamRoleTrustNoWildcardPrincipal = resourceRule<IamRoleInputs>({
    name: "iam-role-trust-no-wildcard-principal",
    description: "Role trust policies never let every AWS principal assume the role without a condition.",
    severity: "critical",
    category: "access-control",
    hipaa: ["164.312(a)(1)"],
    soc2: ["CC6.3"],
    remediation: "Name the trusted service, account or OIDC provider, and add conditions (e.g. sts:ExternalId, oidc sub).",
    resourceTypes: [IAM.role],
    *check(role) {
        const statements = statementsOf(role.assumeRolePolicy);
        if (Array.isArray(statements) && statements.some((s) => isAllow(s) && hasPublicPrincipal(s) && s.condition === undefined)) {
            yield 'The trust policy lets Principal "*" assume the role with no condition.';
        }
    },
});

export const iamNoLongLivedAccessKeys = resourceRule<Record<string, unknown>>({
    name: "iam-no-long-lived-access-keys",
    description: "The platform creates no long-lived IAM access keys.",
    severity: "high",
    category: "access-control",
    hipaa: ["164.308(a)(4)(ii)(B)", "164.308(a)(5)(ii)(D)"],
    soc2: ["CC6.1"],
    remediation: "Use roles (IRSA / EKS Pod Identity for workloads, SSO for people) instead of access keys.",
    resourceTypes: [IAM.accessKey],
    *check() {
        yield "An IAM access key is a static credential that does not expire; use a role instead.";
    },
});

export const iamRoleNoPolicyManagementConflicts = stackRule({
    name: "iam-role-no-policy-management-conflicts",
    description: "A role's policies are managed in one place only, so updates do not silently revert each other.",
    severity: "low",
    category: "change-management",
    hipaa: ["164.308(a)(4)(ii)(C)"],
    soc2: ["CC8.1"],
    remediation: "Use either the role's managedPolicyArns / inlinePolicies or separate attachment resources, not both.",
    resourceTypes: [IAM.role],
    *check(stack) {
        const attachments = stack.ofType(IAM.rolePolicyAttachment);
        const inline = stack.ofType(IAM.rolePolicy);
        for (const role of stack.ofType(IAM.role)) {
            const inputs = role.props<IamRoleInputs>();
            const refersToRole = (resource: (typeof attachments)[number]) => refersTo(resource, "role", role, ["name", "id"]);
            if (isPresent(inputs.managedPolicyArns) && attachments.some(refersToRole)) {
                yield { resource: role, message: "The role sets managedPolicyArns and also has RolePolicyAttachment resources." };
            }
            if (elements(inputs.inlinePolicies).known.length > 0 && inline.some(refersToRole)) {
                yield { resource: role, message: "The role sets inlinePolicies and also has RolePolicy resources." };
            }
        }
    },
});

/**
 * Condition keys that narrow a statement to some keys: their tags (ABAC), the service calling on the
 * principal's behalf, or the encryption context (AWS KMS Developer Guide, "Condition keys for AWS KMS",
 * checked 2026-12-01). AWS Config's rule ignores conditions; a tag-scoped grant is not one on every key.
 */
const KEY_NARROWING_CONDITIONS = /^(aws:ResourceTag\/|kms:ViaService$|kms:EncryptionContext)/i;

function narrowsKeys(statement: Statement): boolean {
    return Object.values(statement.condition ?? {}).some((operands) =>
        operands !== null && typeof operands === "object" && Object.keys(operands).some((key) => KEY_NARROWING_CONDITIONS.test(key)));
}

/** The blocked KMS actions a policy document allows on every key. */
function blockedKmsActions(statements: Statement[]): string[] {
    const blocked = new Set<string>();
    for (const statement of statements.filter(isAllow)) {
        if (!statement.resources.some((resource) => ALL_KEYS.test(resource)) || narrowsKeys(statement)) continue;
        for (const action of BLOCKED_KMS_ACTIONS) {
            if (statement.actions.some((pattern) => actionMatches(pattern, action))) blocked.add(action);
        }
    }
    return [...blocked];
}

export const iamNoKmsDecryptOnAllKeys = stackRule({
    name: "iam-no-kms-decrypt-on-all-keys",
    description: "IAM policies (managed and inline) never allow kms:Decrypt or kms:ReEncrypt* on every KMS key.",
    severity: "high",
    category: "encryption",
    hipaa: [...IAM_HIPAA, "164.312(a)(2)(iv)"],
    soc2: ["CC6.1", "CC6.3"],
    remediation:
        "Name the ARNs of the keys the principal must decrypt with in Resource (the key of each secret, bucket or queue it reads), or narrow the statement by aws:ResourceTag, kms:ViaService or the encryption context.",
    anchors: { awsConfig: ["IAM_CUSTOMER_POLICY_BLOCKED_KMS_ACTIONS", "IAM_INLINE_POLICY_BLOCKED_KMS_ACTIONS"] },
    resourceTypes: POLICY_HOLDERS,
    *check(stack) {
        // Key policies are not read: inside a key policy, Resource "*" means that one key. Nor are
        // permissions boundaries, which grant nothing (Config's excludePermissionBoundaryPolicy option).
        const principals = stack.ofType(IAM.role, IAM.user);
        const holders = stack.ofType(...POLICY_HOLDERS);
        // A boundary is attached to a principal, or required of the roles another policy lets its holder create.
        const namesBoundary = (document: unknown) => {
            const statements = statementsOf(document);
            return isUnknown(statements) || (Array.isArray(statements) && statements.some((statement) =>
                Object.values(statement.condition ?? {}).some((operands) => operands !== null && typeof operands === "object" && "iam:PermissionsBoundary" in operands)));
        };
        const isBoundary = (policy: (typeof holders)[number]) =>
            principals.some((principal) => refersTo(principal, "permissionsBoundary", policy, ["arn", "id"]))
            || holders.some((other) => other !== policy && refersTo(other, "policy", policy, ["arn"]) && namesBoundary(other.props<IamPolicyInputs>().policy));
        for (const holder of holders) {
            if (holder.type === IAM.policy && isBoundary(holder)) continue;
            const blocked = blockedKmsActions(permissionStatements(holder.props<IamPolicyInputs & IamRoleInputs>(), holder.type));
            if (blocked.length > 0) {
                yield {
                    resource: holder,
                    message: `A statement allows ${blocked.join(", ")} on every KMS key (Resource "*"), so the holder can decrypt any data the account encrypts.`,
                };
            }
        }
    },
});

export const iamGroupHasUsers = stackRule({
    name: "iam-group-has-users",
    description: "Every IAM group has at least one member, so no group holds permissions nobody is accountable for.",
    severity: "low",
    category: "access-control",
    hipaa: IAM_HIPAA,
    soc2: ["CC6.2"],
    remediation: "Add the group's users with a GroupMembership or UserGroupMembership, or remove the group.",
    anchors: { cdkNag: ["IAMGroupHasUsers"] },
    resourceTypes: [COVERAGE.iamGroup],
    *check(stack) {
        const memberships = stack.ofType(IAM.userGroupMembership);
        const groupMemberships = stack.ofType(IAM.groupMembership).filter((m) => {
            const users = m.props<IamMembershipInputs>().users;
            return isUnknown(users) || elements(users).known.length > 0 || elements(users).hasUnknown;
        });
        for (const group of stack.ofType(COVERAGE.iamGroup)) {
            const hasMember =
                memberships.some((m) => refersTo(m, "groups", group, ["name", "id"])) ||
                groupMemberships.some((m) => refersTo(m, "group", group, ["name", "id"]));
            if (!hasMember) {
                yield { resource: group, message: "The group has no members (no GroupMembership or UserGroupMembership names it)." };
            }
        }
    },
});

export const iamPolicies: ClinicalPolicy[] = [
    iamNoAdminStatements,
    iamNoServiceWildcardActions,
    iamNoKmsDecryptOnAllKeys,
    iamNoPassroleWildcard,
    iamNoNotactionAllow,
    iamNoAdminManagedPolicyAttachments,
    iamNoInlinePolicies,
    iamNoUserAttachedPolicies,
    iamUserInGroup,
    iamGroupHasUsers,
    iamPasswordPolicyStrength,
    iamRoleTrustNoWildcardPrincipal,
    iamNoLongLivedAccessKeys,
    iamRoleNoPolicyManagementConflicts,
];
