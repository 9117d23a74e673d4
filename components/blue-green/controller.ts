/**
 * The AWS Load Balancer Controller, installed only to keep each slot's pod addresses registered in
 * its target group (TargetGroupBinding). The load balancer itself belongs to this program, so the
 * controller may describe the network and register targets in these two groups, nothing more: it
 * creates no load balancers, security groups, WAF or Shield settings.
 */
import * as aws from "../aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { assumableThroughPodIdentity, grantToRole } from "../iam";
import { PlatformContext } from "../context";

/**
 * Checked 2026-12-01 against the repository's index (index.yaml on the gh-pages branch of
 * github.com/aws/eks-charts): 3.5.0 (controller v3.5.0) is the newest published version. Every value
 * set below exists in that version's values.yaml (stable/aws-load-balancer-controller/values.yaml,
 * chart 3.5.0), podMutatorWebhookConfig.failurePolicy included.
 */
export const LOAD_BALANCER_CONTROLLER_CHART = {
    chart: "aws-load-balancer-controller",
    version: "3.5.0",
    repo: "https://aws.github.io/eks-charts",
};
const NAMESPACE = "kube-system";
const SERVICE_ACCOUNT = "aws-load-balancer-controller";

export interface LoadBalancerControllerArgs {
    /** The cluster the controller runs in. */
    clusterName: pulumi.Input<string>;
    /** Given explicitly: with an IMDS hop limit of 1 the controller cannot look these up itself. */
    region: string;
    /** The VPC the target groups are in. */
    vpcId: pulumi.Input<string>;
    /** The only target groups the controller may register pods in. */
    targetGroupArns: pulumi.Input<string>[];
    /** Kubernetes provider of the cluster. */
    provider: k8s.Provider;
    /** Nodes and add-ons the controller's pods need. */
    runAfter: pulumi.Resource[];
    /** The stack's shared inputs: tags and protection, the logs key and retention (components/context.ts). */
    context: PlatformContext;
}

export class LoadBalancerController extends pulumi.ComponentResource {
    /** The Helm release; TargetGroupBinding objects need the definitions it installs. */
    readonly release: k8s.helm.v3.Release;

    constructor(name: string, args: LoadBalancerControllerArgs, opts?: pulumi.ComponentResourceOptions) {
        super("clinical-platform:blue-green:LoadBalancerController", name, {}, opts);
        const parent = { parent: this };

        const role = new aws.iam.Role(name, {
            assumeRolePolicy: assumableThroughPodIdentity({ clusterName: args.clusterName, namespaces: [NAMESPACE], serviceAccount: SERVICE_ACCOUNT }),
            description: "AWS Load Balancer Controller: registers slot pods in their target groups",
        }, parent);
        const permissions = grantToRole(this, name, role, [
                {
                    Sid: "ReadNetworkAndLoadBalancers",
                    Effect: "Allow",
                    Action: [
                        "ec2:DescribeAvailabilityZones", "ec2:DescribeInstances", "ec2:DescribeNetworkInterfaces",
                        "ec2:DescribeSecurityGroups", "ec2:DescribeSubnets", "ec2:DescribeVpcs",
                        "elasticloadbalancing:DescribeListeners", "elasticloadbalancing:DescribeLoadBalancers",
                        "elasticloadbalancing:DescribeTags", "elasticloadbalancing:DescribeTargetGroupAttributes",
                        "elasticloadbalancing:DescribeTargetGroups", "elasticloadbalancing:DescribeTargetHealth",
                    ],
                    Resource: "*",
                },
                {
                    Sid: "RegisterPodsInSlotTargetGroups",
                    Effect: "Allow",
                    Action: ["elasticloadbalancing:RegisterTargets", "elasticloadbalancing:DeregisterTargets"],
                    Resource: args.targetGroupArns,
                },
            ]);
        const identity = new aws.eks.PodIdentityAssociation(name, {
            clusterName: args.clusterName,
            namespace: NAMESPACE,
            serviceAccount: SERVICE_ACCOUNT,
            roleArn: role.arn,
        }, parent);

        // The release waits for the role's permissions: until they are attached the controller's first
        // calls fail, and with them the webhooks every slot pod and binding goes through.
        this.release = new k8s.helm.v3.Release(name, {
            name: "aws-load-balancer-controller",
            namespace: NAMESPACE,
            chart: LOAD_BALANCER_CONTROLLER_CHART.chart,
            version: LOAD_BALANCER_CONTROLLER_CHART.version,
            repositoryOpts: { repo: LOAD_BALANCER_CONTROLLER_CHART.repo },
            values: {
                clusterName: args.clusterName,
                region: args.region,
                vpcId: args.vpcId,
                serviceAccount: { create: true, name: SERVICE_ACCOUNT },
                replicaCount: 2,
                podDisruptionBudget: { maxUnavailable: 1 },
                // Bindings only: no Service of type LoadBalancer or Ingress may make it build load balancers.
                enableServiceMutatorWebhook: false,
                createIngressClassResource: false,
                enableShield: false,
                enableWaf: false,
                enableWafv2: false,
                // The chart's default (Ignore) lets a pod start without its target-health readiness
                // gate when the webhook is down, and such a pod counts as ready before the load balancer
                // sees it healthy. Fail refuses the pod instead; the webhook only sees namespaces
                // labelled elbv2.k8s.aws/pod-readiness-gate-inject=enabled (the slots), never the
                // controller's own pods, so the controller can always start.
                podMutatorWebhookConfig: { failurePolicy: "Fail" },
            },
            atomic: true,
            cleanupOnFail: true,
            maxHistory: 5,
            timeout: 600,
        }, { parent: this, provider: args.provider, dependsOn: [identity, permissions, ...args.runAfter] });
        this.registerOutputs({});
    }
}
