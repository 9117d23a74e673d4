/**
 * Policy documents of the CI roles, as plain data: the trust of each role, the deploy role's grants
 * per platform stack, the permissions boundary of the roles a stack creates, and the preview role's
 * grants. Pure functions of known names, so specs and the offline checks read them as IAM will.
 */
import { PLATFORM_PROJECT, PlatformStack } from "./config";

export interface Statement {
    Sid: string;
    Effect: "Allow" | "Deny";
    Action?: string[];
    NotAction?: string[];
    Resource: string | string[];
    Condition?: Record<string, Record<string, string | string[]>>;
}

export interface PolicyDocument {
    Version: "2012-10-17";
    Statement: Statement[];
}

/** GitHub's OIDC issuer (without scheme) and the audience aws-actions/configure-aws-credentials asks for. */
export const GITHUB_ISSUER = "token.actions.githubusercontent.com";
export const GITHUB_AUDIENCE = "sts.amazonaws.com";

/** What every grant of this module is computed from. */
export interface Names {
    partition: string;
    accountId: string;
    /** State bucket name. */
    stateBucket: string;
    /** Its access-log bucket's name. */
    accessLogBucket: string;
    /** Region of the state bucket and both keys. */
    stateRegion: string;
    /** ARN of the key that encrypts the state bucket. */
    stateKeyArn: string;
    /** ARN of the key behind Pulumi's `awskms://` secrets provider. */
    secretsKeyArn: string;
    /** ARN of the account's CodeConnections connection to GitHub, which the CI runners' webhooks use. */
    connectionArn: string;
}

/** Names of what the bootstrap itself owns; no CI role may change them. */
export const DEPLOY_ROLE_PREFIX = `${PLATFORM_PROJECT}-deploy-`;
export const PREVIEW_ROLE_NAME = `${PLATFORM_PROJECT}-preview`;
export const deployRoleName = (stack: string) => `${DEPLOY_ROLE_PREFIX}${stack}`;
export const boundaryName = (stack: string) => `${PLATFORM_PROJECT}-${stack}-boundary`;

/** The tag every platform resource carries with its stack's name (stacks/index.ts tags). */
export const ENVIRONMENT_TAG = "Environment";

/** A trust policy: who may assume the role, and on which claims. */
export interface TrustDocument {
    Version: "2012-10-17";
    Statement: Array<{ Sid: string; Effect: "Allow"; Principal: { Federated: string }; Action: string[]; Condition: Record<string, Record<string, string | string[]>> }>;
}

/**
 * A role that GitHub Actions jobs assume through the account's OIDC provider, for exactly the given
 * subjects, with the audience pinned. StringEquals, never StringLike: no wildcard can widen a subject.
 */
export function githubTrust(providerArn: string, subject: string | string[]): TrustDocument {
    return {
        Version: "2012-10-17",
        Statement: [{
            Sid: "GitHubActions",
            Effect: "Allow",
            Principal: { Federated: providerArn },
            Action: ["sts:AssumeRoleWithWebIdentity"],
            Condition: {
                StringEquals: {
                    [`${GITHUB_ISSUER}:aud`]: GITHUB_AUDIENCE,
                    [`${GITHUB_ISSUER}:sub`]: subject,
                },
            },
        }],
    };
}

/** Jobs of one GitHub environment of the repository (the `sub` claim GitHub sends for them). */
export const environmentSubject = (repository: string, environment: string) => `repo:${repository}:environment:${environment}`;
/** Pull-request jobs of the repository, whatever the branch. */
export const pullRequestSubject = (repository: string) => `repo:${repository}:pull_request`;

/**
 * Pulumi's DIY backend layout, from pulumi/pulumi pkg/backend/diy (store.go, lock.go; read
 * 2026-12-01): `.pulumi/stacks/<project>/<stack>.json[.gz|.zst][.bak]`, history, backups and journal
 * under `.pulumi/<dir>/<project>/<stack>/`, locks under `.pulumi/locks/organization/<project>/<stack>/`,
 * and `.pulumi/meta.yaml` with the layout version.
 */
export function stackStateKeys(project: string, stack: string): string[] {
    return [
        `.pulumi/stacks/${project}/${stack}.json*`,
        `.pulumi/history/${project}/${stack}/*`,
        `.pulumi/backups/${project}/${stack}/*`,
        `.pulumi/journal/${project}/${stack}/*`,
        `.pulumi/locks/organization/${project}/${stack}/*`,
    ];
}

/**
 * The preview role's grants beyond AWS's ViewOnlyAccess (which lists and describes resources but,
 * unlike ReadOnlyAccess, reads no object, log event, secret value or table item: PHI stays out of
 * reach of a pull request). `pulumi preview` needs the state of every platform stack of the account,
 * its lock, the secrets key to decrypt config, and the lookups the program makes.
 */
export function previewDocument(names: Names): PolicyDocument {
    const bucket = `arn:${names.partition}:s3:::${names.stateBucket}`;
    return {
        Version: "2012-10-17",
        Statement: [
            { Sid: "StateList", Effect: "Allow", Action: ["s3:ListBucket", "s3:GetBucketLocation"], Resource: bucket },
            {
                Sid: "StateRead",
                Effect: "Allow",
                Action: ["s3:GetObject"],
                Resource: [`${bucket}/.pulumi/meta.yaml`, `${bucket}/.pulumi/stacks/${PLATFORM_PROJECT}/*`],
            },
            { Sid: "StateLocks", Effect: "Allow", Action: ["s3:PutObject", "s3:DeleteObject"], Resource: `${bucket}/.pulumi/locks/organization/${PLATFORM_PROJECT}/*` },
            // Reading state decrypts; writing a lock object under the bucket's SSE-KMS generates a data key.
            { Sid: "StateKey", Effect: "Allow", Action: ["kms:Decrypt", "kms:GenerateDataKey"], Resource: names.stateKeyArn },
            { Sid: "SecretsProvider", Effect: "Allow", Action: ["kms:Decrypt"], Resource: names.secretsKeyArn },
            {
                Sid: "ProgramLookups",
                Effect: "Allow",
                // The program's data sources (getAvailabilityZones, getManagedPrefixList, getSecurityGroups,
                // getAddonVersion) and the cluster endpoint for the Kubernetes provider.
                Action: ["ec2:DescribeAvailabilityZones", "ec2:DescribeManagedPrefixLists", "ec2:DescribeSecurityGroups", "eks:DescribeAddonVersions", "eks:DescribeCluster"],
                Resource: "*",
            },
        ],
    };
}

/**
 * What the roles the platform creates may ever do, whatever policies the stack attaches to them
 * (IAM grants the intersection of a role's policies and its boundary). It covers the needs of the
 * platform's roles: the EKS cluster role in Auto Mode (EC2, ELB, instance profiles), the nodes
 * (ECR pulls, pod identity), the load-balancer controller, the CloudWatch agent, flow logs, RDS
 * monitoring, the rotation function, the CI runner (CodeBuild reports, the GitHub connection) and
 * the pods (their secrets, IAM database login). It withholds
 * creating or widening IAM principals, the bootstrap's keys and state, and other regions.
 */
export function boundaryDocument(names: Names, stack: PlatformStack): PolicyDocument {
    const { partition: p, accountId: a } = names;
    return {
        Version: "2012-10-17",
        Statement: [
            {
                Sid: "PlatformWorkloads",
                Effect: "Allow",
                // A ceiling, not a grant: broad verb families here give nothing by themselves, and no
                // service is allowed whole (the policy pack refuses <service>:* in any policy).
                Action: [
                    ...["Describe*", "Get*", "Create*", "Delete*", "Modify*", "Attach*", "Detach*", "Associate*", "Disassociate*",
                        "Authorize*", "Revoke*", "Assign*", "Unassign*", "RunInstances", "TerminateInstances"].map((verb) => `ec2:${verb}`),
                    ...["Describe*", "Create*", "Delete*", "Modify*", "Register*", "Deregister*", "Set*", "AddTags", "RemoveTags",
                        "AddListenerCertificates", "RemoveListenerCertificates"].map((verb) => `elasticloadbalancing:${verb}`),
                    "eks:Describe*", "eks:List*", "eks-auth:AssumeRoleForPodIdentity",
                    "ecr:GetAuthorizationToken", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer", "ecr:BatchCheckLayerAvailability",
                    "kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey*", "kms:ReEncrypt*", "kms:DescribeKey", "kms:CreateGrant", "kms:ListGrants", "kms:RevokeGrant",
                    "secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret", "secretsmanager:PutSecretValue", "secretsmanager:UpdateSecretVersionStage",
                    "secretsmanager:GetRandomPassword", "secretsmanager:ListSecretVersionIds",
                    "rds-db:connect", "rds:Describe*", "logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents", "logs:Describe*", "logs:PutRetentionPolicy",
                    "cloudwatch:PutMetricData", "cloudwatch:Get*", "cloudwatch:List*", "cloudwatch:Describe*", "xray:PutTraceSegments", "xray:PutTelemetryRecords",
                    // The automatic rollback tells the alarm topic, and Lambda keeps its failures in a queue with its role.
                    "sns:Publish", "sqs:SendMessage",
                    "s3:GetObject", "s3:PutObject", "s3:ListBucket", "s3:GetBucketLocation", "ssm:GetParameter", "ssm:GetParameters",
                    "acm:DescribeCertificate", "acm:ListCertificates", "tag:GetResources",
                    "wafv2:GetWebACL", "wafv2:GetWebACLForResource", "shield:GetSubscriptionState", "sts:TagSession",
                    "codebuild:CreateReport", "codebuild:UpdateReport", "codebuild:BatchPutTestCases", "codeconnections:UseConnection", "codeconnections:GetConnectionToken",
                    "iam:GetRole", "iam:CreateServiceLinkedRole", "iam:ListInstanceProfiles",
                    "iam:CreateInstanceProfile", "iam:DeleteInstanceProfile", "iam:GetInstanceProfile", "iam:TagInstanceProfile",
                    "iam:AddRoleToInstanceProfile", "iam:RemoveRoleFromInstanceProfile",
                ],
                Resource: "*",
            },
            // The release snapshot expiry function (components/release-snapshots.ts): this stack's release snapshots only.
            {
                Sid: "ExpireReleaseSnapshots",
                Effect: "Allow",
                Action: ["rds:ListTagsForResource", "rds:DeleteDBSnapshot"],
                Resource: `arn:${p}:rds:*:${a}:snapshot:${PLATFORM_PROJECT}-${stack.name}-release-*`,
            },
            // Disaster recovery (components/recovery): the role S3 replicates the backups bucket as, and
            // the role AWS Backup acts as under its managed policies (AWSBackupServiceRolePolicyForBackup,
            // ForRestores, ForS3Backup, ForS3Restore: RDS snapshots and their copies, S3 object versions,
            // the EventBridge rules S3 backups use). Action names from the Service Authorization Reference
            // and the AWS Managed Policy Reference, checked 2026-12-01; a ceiling, as above.
            ...(stack.drRegion ? [{
                Sid: "RecoveryRoles",
                Effect: "Allow" as const,
                Action: [
                    "s3:GetReplicationConfiguration", "s3:GetObjectVersionForReplication", "s3:GetObjectVersionAcl", "s3:GetObjectVersionTagging",
                    "s3:ReplicateObject", "s3:ReplicateTags",
                    "s3:GetBucket*", "s3:GetObject*", "s3:ListBucketVersions", "s3:GetInventoryConfiguration", "s3:PutInventoryConfiguration",
                    "s3:PutObject*", "s3:ListAllMyBuckets",
                    "backup:Describe*", "backup:Get*", "backup:List*", "backup:CopyIntoBackupVault", "backup:CopyFromBackupVault", "backup:TagResource",
                    "backup-storage:MountCapsule",
                    "rds:CreateDBSnapshot", "rds:CopyDBSnapshot", "rds:DeleteDBSnapshot", "rds:AddTagsToResource", "rds:ListTagsForResource",
                    "rds:ModifyDBSnapshotAttribute",
                    "events:DescribeRule", "events:PutRule", "events:PutTargets", "events:DeleteRule", "events:RemoveTargets", "events:ListRules",
                    "events:ListTargetsByRule", "events:EnableRule", "events:DisableRule",
                ],
                Resource: "*",
            }] : []),
            // EKS Auto Mode hands the stack's node role to EC2; no other role can be passed.
            {
                Sid: "PassOnlyTheStacksRoles",
                Effect: "Allow",
                Action: ["iam:PassRole"],
                Resource: `arn:${p}:iam::${a}:role/*`,
                Condition: { StringEquals: { [`aws:ResourceTag/${ENVIRONMENT_TAG}`]: stack.name } },
            },
            {
                Sid: "NoPrivilegeEscalation",
                Effect: "Deny",
                Action: [
                    "iam:CreateRole", "iam:DeleteRole", "iam:UpdateAssumeRolePolicy", "iam:PutRolePolicy", "iam:AttachRolePolicy",
                    "iam:PutRolePermissionsBoundary", "iam:DeleteRolePermissionsBoundary", "iam:CreateUser", "iam:CreateAccessKey",
                    "iam:CreatePolicy", "iam:CreatePolicyVersion", "iam:SetDefaultPolicyVersion", "iam:CreateOpenIDConnectProvider",
                ],
                Resource: "*",
            },
            {
                Sid: "NoPulumiStateOrKeys",
                Effect: "Deny",
                Action: ["s3:*", "kms:*"],
                Resource: [
                    `arn:${p}:s3:::${names.stateBucket}`, `arn:${p}:s3:::${names.stateBucket}/*`,
                    `arn:${p}:s3:::${names.accessLogBucket}`, `arn:${p}:s3:::${names.accessLogBucket}/*`, names.stateKeyArn, names.secretsKeyArn,
                ],
            },
            {
                Sid: "OnlyTheStackRegions",
                Effect: "Deny",
                NotAction: ["iam:*", "sts:*", "cloudfront:*", "route53:*", "support:*"],
                Resource: "*",
                Condition: { StringNotEquals: { "aws:RequestedRegion": [...stack.regions] } },
            },
            // The boundary itself is the bootstrap's: a role under it cannot loosen it.
            { Sid: "BoundaryIsFixed", Effect: "Deny", Action: ["iam:CreatePolicyVersion", "iam:DeletePolicy", "iam:DeletePolicyVersion", "iam:SetDefaultPolicyVersion"], Resource: `arn:${p}:iam::${a}:policy/${boundaryName(stack.name)}` },
        ],
    };
}
