/**
 * The add-ons that run as pods and so need nodes first: CoreDNS, the EBS CSI driver, the metrics
 * server the slots' autoscalers read, and the CloudWatch observability agent, which supplies the
 * Container Insights CPU and memory metrics the alarms watch and ships container logs. Each add-on that calls AWS gets its own role through EKS
 * Pod Identity; none borrows the node role.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { assumableThroughPodIdentity, grantToRole } from "../iam";
import { awsManagedPolicyArn } from "../partition";
import { installAddon } from "./addon";

/** Log groups the CloudWatch agent and Fluent Bit write to, per cluster. */
export const CONTAINER_INSIGHTS_LOG_GROUPS = ["application", "dataplane", "host", "performance"];
const EBS_CSI_SERVICE_ACCOUNT = "ebs-csi-controller-sa";
const CLOUDWATCH_SERVICE_ACCOUNT = "cloudwatch-agent";

export interface ClusterAddonsArgs {
    /** The cluster the add-ons run in. */
    clusterName: pulumi.Input<string>;
    /** The same name as a plain string, for the log group paths the agent writes to. */
    clusterNameText: string;
    /** Kubernetes minor version; picks each add-on's default version. */
    kubernetesVersion: string;
    /** Key the EBS CSI driver may use for volumes it creates. */
    clusterKeyArn: pulumi.Input<string>;
    /** Key for the container log groups. */
    logsKeyArn: pulumi.Input<string>;
    /** Days container logs are kept. */
    logRetentionDays: number;
    /** The node group; these add-ons stay degraded until nodes exist. */
    nodes: pulumi.Resource;
    /** Tags for every taggable resource. */
    tags: Record<string, string>;
}

export class ClusterAddons extends pulumi.ComponentResource {
    readonly addons: aws.eks.Addon[];

    constructor(name: string, args: ClusterAddonsArgs, opts?: pulumi.ComponentResourceOptions) {
        super("clinical-platform:cluster:Addons", name, {}, opts);
        const parent = { parent: this };
        const common = { clusterName: args.clusterName, kubernetesVersion: args.kubernetesVersion, tags: args.tags };
        const roleFor = (suffix: string, namespace: string, serviceAccount: string, description: string) => new aws.iam.Role(`${name}-${suffix}`, {
            assumeRolePolicy: assumableThroughPodIdentity({ clusterName: args.clusterName, namespaces: [namespace], serviceAccount }),
            description,
            tags: args.tags,
        }, parent);

        const ebsRole = roleFor("ebs-csi", "kube-system", EBS_CSI_SERVICE_ACCOUNT, "EBS CSI driver: creates and attaches encrypted volumes");
        new aws.iam.RolePolicyAttachment(`${name}-ebs-csi`, {
            role: ebsRole.name,
            policyArn: awsManagedPolicyArn("service-role/AmazonEBSCSIDriverPolicy", parent),
        }, parent);
        grantToRole(this, `${name}-ebs-csi-key`, ebsRole, [
                {
                    Sid: "EncryptVolumesWithClusterKey",
                    Effect: "Allow",
                    Action: ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"],
                    Resource: args.clusterKeyArn,
                },
                {
                    Sid: "GrantToEc2ForAttachedVolumes",
                    Effect: "Allow",
                    Action: "kms:CreateGrant",
                    Resource: args.clusterKeyArn,
                    Condition: { Bool: { "kms:GrantIsForAWSResource": "true" } },
                },
            ], args.tags);

        const cloudWatchRole = roleFor("cloudwatch", "amazon-cloudwatch", CLOUDWATCH_SERVICE_ACCOUNT, "CloudWatch agent: Container Insights metrics and container logs");
        new aws.iam.RolePolicyAttachment(`${name}-cloudwatch`, {
            role: cloudWatchRole.name,
            policyArn: awsManagedPolicyArn("CloudWatchAgentServerPolicy", parent),
        }, parent);
        // The agent would create these without retention or encryption; container logs may carry PHI.
        const logGroups = CONTAINER_INSIGHTS_LOG_GROUPS.map((kind) => new aws.cloudwatch.LogGroup(`${name}-insights-${kind}`, {
            name: `/aws/containerinsights/${args.clusterNameText}/${kind}`,
            retentionInDays: args.logRetentionDays,
            kmsKeyId: args.logsKeyArn,
            tags: args.tags,
        }, parent));

        const afterNodes = [args.nodes];
        this.addons = [
            installAddon(this, `${name}-coredns`, { ...common, addonName: "coredns" }, afterNodes),
            installAddon(this, `${name}-metrics-server`, { ...common, addonName: "metrics-server" }, afterNodes),
            installAddon(this, `${name}-ebs-csi`, {
                ...common,
                addonName: "aws-ebs-csi-driver",
                podIdentity: [{ serviceAccount: EBS_CSI_SERVICE_ACCOUNT, roleArn: ebsRole.arn }],
            }, afterNodes),
            installAddon(this, `${name}-cloudwatch-observability`, {
                ...common,
                addonName: "amazon-cloudwatch-observability",
                configuration: { containerLogs: { enabled: true } },
                podIdentity: [{ serviceAccount: CLOUDWATCH_SERVICE_ACCOUNT, roleArn: cloudWatchRole.arn }],
            }, [...afterNodes, ...logGroups]),
        ];
        this.registerOutputs({});
    }
}
