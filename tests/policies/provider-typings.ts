/**
 * Compile-time proof that every input the rules read exists, at the same path, in the
 * `@pulumi/aws` 7 and `@pulumi/kubernetes` 4 typings. The pack itself cannot import those
 * SDKs (its start-up type check would parse them), so the rules declare narrow input
 * interfaces and `npm run typecheck` holds them against the real Args types here: a
 * misspelt or removed property fails the build, naming its path.
 */
import type * as aws from "@pulumi/aws";
import type * as k8s from "@pulumi/kubernetes";
import type { Unwrap } from "@pulumi/pulumi";
import type { SecurityGroupInputs, SecurityGroupRuleInputs, VpcSecurityGroupRuleInputs } from "../../policies/lib/network";
import type { Unknown } from "../../policies/lib/values";
import type * as alb from "../../policies/rules/alb";
import type * as backup from "../../policies/rules/backup";
import type * as cloudtrail from "../../policies/rules/cloudtrail";
import type * as cloudfront from "../../policies/rules/cloudfront";
import type * as cloudwatch from "../../policies/rules/cloudwatch";
import type { LaunchTemplateInputs } from "../../policies/rules/ec2";
import type * as eks from "../../policies/rules/eks";
import type * as iam from "../../policies/rules/iam";
import type { KmsKeyInputs } from "../../policies/rules/kms";
import type * as kubernetes from "../../policies/rules/kubernetes";
import type * as lambda from "../../policies/rules/lambda";
import type * as rds from "../../policies/rules/rds";
import type * as s3 from "../../policies/rules/s3";
import type * as secrets from "../../policies/rules/secretsmanager";
import type * as sns from "../../policies/rules/sns";
import type * as vpc from "../../policies/rules/vpc";
import type * as waf from "../../policies/rules/waf";

type Known<T> = Exclude<T, Unknown | null | undefined>;
type Element<T> = T extends readonly (infer E)[] ? E : T;
/** A property's value with unknowns, nulls and one level of list stripped. */
type Inner<T> = Known<Element<Known<T>>>;

/** Dotted paths of `Mine` that do not exist in `Theirs`; `never` when all do. */
type MissingPaths<Mine, Theirs, Prefix extends string = ""> = {
    [K in keyof Mine & string]-?: K extends keyof Known<Theirs>
        ? Descend<Inner<Mine[K]>, Inner<Known<Theirs>[K]>, `${Prefix}${K}.`>
        : `${Prefix}${K}`;
}[keyof Mine & string];

/** Stops at scalars, `unknown` (documents) and maps (tags, annotations, dimensions). */
type Descend<Mine, Theirs, Prefix extends string> = unknown extends Mine
    ? never
    : Mine extends string | number | boolean
      ? never
      : string extends keyof Mine
        ? never
        : MissingPaths<Mine, Theirs, Prefix>;

type AllExist<Missing extends never> = Missing;
type Args<T> = Unwrap<T>;

export type Checked = [
    AllExist<MissingPaths<rds.RdsInstanceInputs, Args<aws.rds.InstanceArgs>>>,
    AllExist<MissingPaths<rds.RdsClusterInputs, Args<aws.rds.ClusterArgs>>>,
    AllExist<MissingPaths<rds.RdsClusterInstanceInputs, Args<aws.rds.ClusterInstanceArgs>>>,
    AllExist<MissingPaths<rds.RdsParameterGroupInputs, Args<aws.rds.ParameterGroupArgs>>>,
    AllExist<MissingPaths<rds.RdsParameterGroupInputs, Args<aws.rds.ClusterParameterGroupArgs>>>,

    AllExist<MissingPaths<s3.BucketInputs, Args<aws.s3.BucketArgs>>>,
    AllExist<MissingPaths<s3.BucketV2Inputs, Args<aws.s3.BucketV2Args>>>,
    AllExist<MissingPaths<s3.BucketEncryptionInputs, Args<aws.s3.BucketServerSideEncryptionConfigurationArgs>>>,
    AllExist<MissingPaths<s3.BucketEncryptionInputs, Args<aws.s3.BucketServerSideEncryptionConfigurationV2Args>>>,
    AllExist<MissingPaths<s3.BucketPublicAccessBlockInputs, Args<aws.s3.BucketPublicAccessBlockArgs>>>,
    AllExist<MissingPaths<s3.BucketVersioningInputs, Args<aws.s3.BucketVersioningArgs>>>,
    AllExist<MissingPaths<s3.BucketVersioningInputs, Args<aws.s3.BucketVersioningV2Args>>>,
    AllExist<MissingPaths<s3.BucketLoggingInputs, Args<aws.s3.BucketLoggingArgs>>>,
    AllExist<MissingPaths<s3.BucketLoggingInputs, Args<aws.s3.BucketLoggingV2Args>>>,
    AllExist<MissingPaths<s3.BucketAclInputs, Args<aws.s3.BucketAclArgs>>>,
    AllExist<MissingPaths<s3.BucketAclInputs, Args<aws.s3.BucketAclV2Args>>>,
    AllExist<MissingPaths<s3.BucketPolicyInputs, Args<aws.s3.BucketPolicyArgs>>>,
    AllExist<MissingPaths<s3.BucketOwnershipControlsInputs, Args<aws.s3.BucketOwnershipControlsArgs>>>,
    AllExist<MissingPaths<s3.BucketReplicationInputs, Args<aws.s3.BucketReplicationConfigArgs>>>,

    AllExist<MissingPaths<cloudfront.DistributionInputs, Args<aws.cloudfront.DistributionArgs>>>,
    AllExist<MissingPaths<cloudfront.LogDeliverySourceInputs, Args<aws.cloudwatch.LogDeliverySourceArgs>>>,

    AllExist<MissingPaths<eks.EksClusterInputs, Args<aws.eks.ClusterArgs>>>,
    AllExist<MissingPaths<eks.EksNodeGroupInputs, Args<aws.eks.NodeGroupArgs>>>,
    AllExist<MissingPaths<LaunchTemplateInputs, Args<aws.ec2.LaunchTemplateArgs>>>,

    AllExist<MissingPaths<secrets.SecretInputs, Args<aws.secretsmanager.SecretArgs>>>,
    AllExist<MissingPaths<secrets.SecretRotationInputs, Args<aws.secretsmanager.SecretRotationArgs>>>,
    AllExist<MissingPaths<secrets.SecretPolicyInputs, Args<aws.secretsmanager.SecretPolicyArgs>>>,

    AllExist<MissingPaths<KmsKeyInputs, Args<aws.kms.KeyArgs>>>,
    AllExist<MissingPaths<Pick<KmsKeyInputs, "policy" | "bypassPolicyLockoutSafetyCheck">, Args<aws.kms.KeyPolicyArgs>>>,

    AllExist<MissingPaths<cloudwatch.MetricAlarmInputs, Args<aws.cloudwatch.MetricAlarmArgs>>>,
    AllExist<MissingPaths<cloudwatch.LogGroupInputs, Args<aws.cloudwatch.LogGroupArgs>>>,

    AllExist<MissingPaths<sns.TopicInputs, Args<aws.sns.TopicArgs>>>,
    AllExist<MissingPaths<sns.TopicPolicyInputs, Args<aws.sns.TopicPolicyArgs>>>,
    AllExist<MissingPaths<sns.TopicSubscriptionInputs, Args<aws.sns.TopicSubscriptionArgs>>>,
    AllExist<MissingPaths<lambda.FunctionInputs, Args<aws.lambda.FunctionArgs>>>,
    AllExist<MissingPaths<lambda.PermissionInputs, Args<aws.lambda.PermissionArgs>>>,
    AllExist<MissingPaths<lambda.EventInvokeConfigInputs, Args<aws.lambda.FunctionEventInvokeConfigArgs>>>,

    AllExist<MissingPaths<alb.LoadBalancerInputs, Args<aws.lb.LoadBalancerArgs>>>,
    AllExist<MissingPaths<alb.LoadBalancerInputs, Args<aws.alb.LoadBalancerArgs>>>,
    AllExist<MissingPaths<alb.ListenerInputs, Args<aws.lb.ListenerArgs>>>,
    AllExist<MissingPaths<alb.ListenerInputs, Args<aws.alb.ListenerArgs>>>,
    AllExist<MissingPaths<Pick<alb.ListenerInputs, "certificateArn">, Args<aws.lb.ListenerCertificateArgs>>>,
    AllExist<MissingPaths<Pick<alb.ListenerInputs, "certificateArn">, Args<aws.alb.ListenerCertificateArgs>>>,
    AllExist<MissingPaths<alb.TargetGroupInputs, Args<aws.lb.TargetGroupArgs>>>,
    AllExist<MissingPaths<alb.TargetGroupInputs, Args<aws.alb.TargetGroupArgs>>>,
    AllExist<MissingPaths<alb.WebAclAssociationInputs, Args<aws.wafv2.WebAclAssociationArgs>>>,

    AllExist<MissingPaths<waf.WebAclInputs, Args<aws.wafv2.WebAclArgs>>>,
    AllExist<MissingPaths<waf.WebAclLoggingInputs, Args<aws.wafv2.WebAclLoggingConfigurationArgs>>>,

    AllExist<MissingPaths<vpc.FlowLogInputs, Args<aws.ec2.FlowLogArgs>>>,
    AllExist<MissingPaths<vpc.SubnetInputs, Args<aws.ec2.SubnetArgs>>>,
    AllExist<MissingPaths<vpc.DefaultSecurityGroupInputs, Args<aws.ec2.DefaultSecurityGroupArgs>>>,
    AllExist<MissingPaths<vpc.RouteInputs, Args<aws.ec2.RouteArgs>>>,
    AllExist<MissingPaths<vpc.RouteTableInputs, Args<aws.ec2.RouteTableArgs>>>,
    AllExist<MissingPaths<SecurityGroupInputs, Args<aws.ec2.SecurityGroupArgs>>>,
    AllExist<MissingPaths<SecurityGroupRuleInputs, Args<aws.ec2.SecurityGroupRuleArgs>>>,
    AllExist<MissingPaths<VpcSecurityGroupRuleInputs, Args<aws.vpc.SecurityGroupIngressRuleArgs>>>,
    AllExist<MissingPaths<VpcSecurityGroupRuleInputs, Args<aws.vpc.SecurityGroupEgressRuleArgs>>>,

    AllExist<MissingPaths<iam.IamPolicyInputs, Args<aws.iam.PolicyArgs>>>,
    AllExist<MissingPaths<iam.IamPolicyInputs, Args<aws.iam.RolePolicyArgs>>>,
    AllExist<MissingPaths<iam.IamPolicyInputs, Args<aws.iam.UserPolicyArgs>>>,
    AllExist<MissingPaths<iam.IamPolicyInputs, Args<aws.iam.GroupPolicyArgs>>>,
    AllExist<MissingPaths<iam.IamRoleInputs, Args<aws.iam.RoleArgs>>>,
    AllExist<MissingPaths<Pick<iam.IamAttachmentInputs, "policyArn" | "role">, Args<aws.iam.RolePolicyAttachmentArgs>>>,
    AllExist<MissingPaths<Pick<iam.IamAttachmentInputs, "policyArn" | "user">, Args<aws.iam.UserPolicyAttachmentArgs>>>,
    AllExist<MissingPaths<Pick<iam.IamAttachmentInputs, "policyArn">, Args<aws.iam.GroupPolicyAttachmentArgs>>>,
    AllExist<MissingPaths<Pick<iam.IamAttachmentInputs, "policyArn" | "users">, Args<aws.iam.PolicyAttachmentArgs>>>,
    AllExist<MissingPaths<Pick<iam.IamMembershipInputs, "user">, Args<aws.iam.UserGroupMembershipArgs>>>,
    AllExist<MissingPaths<Pick<iam.IamMembershipInputs, "users">, Args<aws.iam.GroupMembershipArgs>>>,
    AllExist<MissingPaths<iam.AccountPasswordPolicyInputs, Args<aws.iam.AccountPasswordPolicyArgs>>>,

    AllExist<MissingPaths<kubernetes.DeploymentInputs, Args<k8s.apps.v1.DeploymentArgs>>>,
    AllExist<MissingPaths<kubernetes.ServiceInputs, Args<k8s.core.v1.ServiceArgs>>>,

    AllExist<MissingPaths<backup.BackupPlanInputs, Args<aws.backup.PlanArgs>>>,
    AllExist<MissingPaths<backup.BackupSelectionInputs, Args<aws.backup.SelectionArgs>>>,
    AllExist<MissingPaths<backup.BackupVaultInputs, Args<aws.backup.VaultArgs>>>,
    AllExist<MissingPaths<cloudtrail.TrailInputs, Args<aws.cloudtrail.TrailArgs>>>,
];
