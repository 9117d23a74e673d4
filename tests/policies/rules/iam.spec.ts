import { IAM } from "../../../policies/lib/types";
import * as rules from "../../../policies/rules/iam";
import { describeResourcePolicy, describeStackPolicy } from "../harness/cases";
import { UNKNOWN_VALUE as UNKNOWN, resource } from "../harness/server";

const document = (...statements: Record<string, unknown>[]) => JSON.stringify({ Version: "2012-10-17", Statement: statements });
const allow = (Action: unknown, Resource: unknown = "arn:aws:s3:::clinical-assets/*") => ({ Effect: "Allow", Action, Resource });
const policy = (...statements: Record<string, unknown>[]) => resource(IAM.policy, "app-policy", { policy: document(...statements) });
const readAssets = allow(["s3:GetObject", "s3:ListBucket"], ["arn:aws:s3:::clinical-assets", "arn:aws:s3:::clinical-assets/*"]);
const irsaTrust = {
    Version: "2012-10-17",
    Statement: [
        {
            Effect: "Allow",
            Principal: { Federated: UNKNOWN },
            Action: "sts:AssumeRoleWithWebIdentity",
            Condition: { StringEquals: { "oidc.eks.eu-west-1.amazonaws.com/id/X:sub": "system:serviceaccount:app:api" } },
        },
    ],
};
const role = (inputs: Record<string, unknown> = {}) => resource(IAM.role, "api-role", { assumeRolePolicy: JSON.stringify(irsaTrust), ...inputs });

describe("IAM policies", () => {
    describeResourcePolicy(rules.iamNoAdminStatements, {
        accepts: {
            "a policy scoped to the assets bucket": policy(readAssets),
            "a policy whose document is still unknown": resource(IAM.policy, "p", { policy: UNKNOWN }),
        },
        rejects: {
            "a policy allowing * on *": [policy(allow("*", "*")), /full administrator access/],
            "a role with an inline admin policy": [role({ inlinePolicies: [{ name: "admin", policy: document(allow(["*"], ["*"])) }] }), /Action "\*" on Resource "\*"/],
        },
    });

    describeResourcePolicy(rules.iamNoServiceWildcardActions, {
        accepts: { "named actions": policy(readAssets) },
        rejects: { "a whole-service grant": [resource(IAM.rolePolicy, "rp", { role: UNKNOWN, policy: document(allow("s3:*")) }), /s3:\*/] },
    });

    describeResourcePolicy(rules.iamNoPassroleWildcard, {
        accepts: { "PassRole for one role": policy(allow("iam:PassRole", "arn:aws:iam::123456789012:role/eks-nodes")) },
        rejects: { "PassRole on every role": [policy(allow("iam:PassRole", "*")), /escalate/] },
    });

    describeResourcePolicy(rules.iamNoNotactionAllow, {
        accepts: { "a Deny with NotAction": policy({ Effect: "Deny", NotAction: "s3:GetObject", Resource: "*" }) },
        rejects: { "an Allow with NotAction": [policy({ Effect: "Allow", NotAction: "iam:*", Resource: "*" }), /everything except a NotAction list/] },
    });

    describeResourcePolicy(rules.iamNoAdminManagedPolicyAttachments, {
        accepts: {
            "a customer-managed policy attachment": resource(IAM.rolePolicyAttachment, "a", { role: UNKNOWN, policyArn: UNKNOWN }),
            "the EKS worker node policy": resource(IAM.rolePolicyAttachment, "a", { role: UNKNOWN, policyArn: "arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy" }),
        },
        rejects: {
            "AdministratorAccess on a role": [
                resource(IAM.rolePolicyAttachment, "a", { role: UNKNOWN, policyArn: "arn:aws:iam::aws:policy/AdministratorAccess" }),
                /AdministratorAccess grants administrator-level access/,
            ],
            "PowerUserAccess in a role's managed policy list": [role({ managedPolicyArns: ["arn:aws:iam::aws:policy/PowerUserAccess"] }), /PowerUserAccess/],
        },
    });

    describeResourcePolicy(rules.iamNoInlinePolicies, {
        accepts: { "a role with no inline policies": role() },
        rejects: {
            "a role policy resource": [resource(IAM.rolePolicy, "rp", { role: UNKNOWN, policy: document(readAssets) }), /inline policy/],
            "a role declaring inline policies": [role({ inlinePolicies: [{ name: "read", policy: document(readAssets) }] }), /declares inline policies/],
        },
    });

    describeResourcePolicy(rules.iamNoUserAttachedPolicies, {
        accepts: { "an attachment to roles only": resource(IAM.policyAttachment, "pa", { policyArn: UNKNOWN, roles: [UNKNOWN] }) },
        rejects: {
            "a user policy attachment": [resource(IAM.userPolicyAttachment, "upa", { user: "alice", policyArn: UNKNOWN }), /attached directly to a user/],
            "an attachment listing users": [resource(IAM.policyAttachment, "pa", { policyArn: UNKNOWN, users: ["alice"] }), /lists users/],
        },
    });

    const alice = resource(IAM.user, "alice", { name: "alice" });
    describeStackPolicy(rules.iamUserInGroup, {
        accepts: {
            "a user with a group membership": [alice, resource(IAM.userGroupMembership, "alice-groups", { user: UNKNOWN, groups: ["ops"] }, { user: alice })],
            "a user listed in a group membership by name": [alice, resource(IAM.groupMembership, "ops-members", { group: "ops", users: ["alice"] })],
        },
        rejects: { "a user in no group": { resources: [alice], offenders: ["alice"], message: /belongs to no group/ } },
    });

    const strong = {
        minimumPasswordLength: 14,
        passwordReusePrevention: 24,
        maxPasswordAge: 90,
        requireLowercaseCharacters: true,
        requireUppercaseCharacters: true,
        requireNumbers: true,
        requireSymbols: true,
    };
    describeResourcePolicy(rules.iamPasswordPolicyStrength, {
        accepts: { "a policy meeting every threshold": resource(IAM.accountPasswordPolicy, "pp", strong) },
        rejects: {
            "short passwords without symbols": [
                resource(IAM.accountPasswordPolicy, "pp", { ...strong, minimumPasswordLength: 8, requireSymbols: false }),
                /minimumPasswordLength < 14, requireSymbols not true/,
            ],
            "a policy whose symbol requirement is unknown in preview": [
                resource(IAM.accountPasswordPolicy, "pp", { ...strong, requireSymbols: UNKNOWN }),
                /requireSymbols not true/,
            ],
            "passwords that never expire": [resource(IAM.accountPasswordPolicy, "pp", { ...strong, maxPasswordAge: undefined }), /maxPasswordAge not within 1–90/],
            "a length and an expiry unknown in preview": [
                resource(IAM.accountPasswordPolicy, "pp", { ...strong, minimumPasswordLength: UNKNOWN, maxPasswordAge: UNKNOWN }),
                /minimumPasswordLength < 14, maxPasswordAge not within 1–90/,
            ],
        },
    });

    describeResourcePolicy(rules.iamRoleTrustNoWildcardPrincipal, {
        accepts: {
            "an IRSA trust with an OIDC subject condition": role(),
            "a cross-account trust with an external id": role({
                assumeRolePolicy: {
                    Statement: [{ Effect: "Allow", Principal: { AWS: "*" }, Action: "sts:AssumeRole", Condition: { StringEquals: { "sts:ExternalId": "x" } } }],
                },
            }),
        },
        rejects: {
            "a trust anyone can assume": [
                role({ assumeRolePolicy: document({ Effect: "Allow", Principal: { AWS: ["*"] }, Action: "sts:AssumeRole" }) }),
                /Principal "\*" assume the role/,
            ],
        },
    });

    describeResourcePolicy(rules.iamNoLongLivedAccessKeys, {
        // Every access key breaks the rule: there is no compliant key to accept.
        accepts: {},
        notApplicable: { "a role, which carries no static key": role() },
        rejects: { "an access key": [resource(IAM.accessKey, "ci-key", { user: "ci" }), /static credential/] },
    });

    const managed = role({ managedPolicyArns: [UNKNOWN] });
    describeStackPolicy(rules.iamRoleNoPolicyManagementConflicts, {
        accepts: {
            "a role whose policies are all attachments": [role(), resource(IAM.rolePolicyAttachment, "a", { role: UNKNOWN, policyArn: UNKNOWN }, { role: role() })],
        },
        rejects: {
            "a role with managedPolicyArns and an attachment": {
                resources: [managed, resource(IAM.rolePolicyAttachment, "a", { role: UNKNOWN, policyArn: UNKNOWN }, { role: managed })],
                offenders: ["api-role"],
                message: /managedPolicyArns and also has RolePolicyAttachment/,
            },
        },
    });
});
