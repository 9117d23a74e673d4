/**
 * The add-ons EKS Auto Mode does not bring, which run as pods and so need nodes first: the metrics
 * server the slots' autoscalers read, and the CloudWatch observability agent, which supplies the
 * Container Insights CPU and memory metrics the alarms watch and ships container logs. The CloudWatch
 * add-on lists Auto Mode among its compute types (`computeTypes: ["ec2", "hybrid", "auto"]` in the
 * describe-addon-versions output the EKS User Guide "Verify Amazon EKS add-on version compatibility"
 * shows, and in aws-samples/one-observability-demo#392; checked 2026-12-01). The metrics server is a
 * plain Deployment reading the kubelets, with nothing node-specific; the docs checked say nothing
 * against it on Auto Mode. DNS, pod networking, kube-proxy, EBS storage and the Pod Identity agent are
 * Auto Mode's own. An add-on that calls AWS gets its own role through EKS Pod Identity; none borrows the node role.
 */
import * as aws from "../aws";
import * as pulumi from "@pulumi/pulumi";
import type { ManagedAddon } from "../../stacks/eks-versions";
import { assumableThroughPodIdentity } from "../iam";
import { awsManagedPolicyArn } from "../partition";
import { installAddon } from "./addon";
import { PlatformContext } from "../context";

/** Log groups the CloudWatch agent and Fluent Bit write to, per cluster. */
export const CONTAINER_INSIGHTS_LOG_GROUPS = ["application", "dataplane", "host", "performance"];
const CLOUDWATCH_SERVICE_ACCOUNT = "cloudwatch-agent";

export interface ClusterAddonsArgs {
    /** The cluster the add-ons run in. */
    clusterName: pulumi.Input<string>;
    /** The same name as a plain string, for the log group paths the agent writes to. */
    clusterNameText: string;
    /** Kubernetes minor version. */
    kubernetesVersion: string;
    /** The build pinned for each add-on at this version (stacks/eks-versions.ts). */
    builds: Readonly<Record<ManagedAddon, string>>;
    /** The stack's shared inputs: tags and protection, the logs key and retention (components/context.ts). */
    context: PlatformContext;
    /** The node capacity; these add-ons stay degraded until nodes can be launched. */
    nodes: pulumi.Resource;
}

export class ClusterAddons extends pulumi.ComponentResource {
    readonly addons: aws.eks.Addon[];

    constructor(name: string, args: ClusterAddonsArgs, opts?: pulumi.ComponentResourceOptions) {
        super("clinical-platform:cluster:Addons", name, {}, opts);
        const parent = { parent: this };
        const common = { clusterName: args.clusterName, kubernetesVersion: args.kubernetesVersion };
        const roleFor = (suffix: string, namespace: string, serviceAccount: string, description: string) => new aws.iam.Role(`${name}-${suffix}`, {
            assumeRolePolicy: assumableThroughPodIdentity({ clusterName: args.clusterName, namespaces: [namespace], serviceAccount }),
            description,
        }, parent);

        const cloudWatchRole = roleFor("cloudwatch", "amazon-cloudwatch", CLOUDWATCH_SERVICE_ACCOUNT, "CloudWatch agent: Container Insights metrics and container logs");
        const cloudWatchPolicy = new aws.iam.RolePolicyAttachment(`${name}-cloudwatch`, {
            role: cloudWatchRole.name,
            policyArn: awsManagedPolicyArn("CloudWatchAgentServerPolicy", parent),
        }, parent);
        // The agent would create these without retention or encryption; container logs may carry PHI.
        const logGroups = CONTAINER_INSIGHTS_LOG_GROUPS.map((kind) => new aws.cloudwatch.LogGroup(`${name}-insights-${kind}`, {
            name: `/aws/containerinsights/${args.clusterNameText}/${kind}`,
            retentionInDays: args.context.logs.retentionDays,
            kmsKeyId: args.context.logs.keyArn,
        }, parent));

        const afterNodes = [args.nodes];
        this.addons = [
            installAddon(this, `${name}-metrics-server`, { ...common, addonName: "metrics-server", build: args.builds["metrics-server"] }, afterNodes),
            installAddon(this, `${name}-cloudwatch-observability`, {
                ...common,
                addonName: "amazon-cloudwatch-observability",
                build: args.builds["amazon-cloudwatch-observability"],
                configuration: { containerLogs: { enabled: true } },
                podIdentity: [{ serviceAccount: CLOUDWATCH_SERVICE_ACCOUNT, roleArn: cloudWatchRole.arn }],
            }, [...afterNodes, ...logGroups, cloudWatchPolicy]),
        ];
        this.registerOutputs({});
    }
}
