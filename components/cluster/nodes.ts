/**
 * Elastic node capacity: EKS Auto Mode with one NodeClass and one NodePool of our own.
 *
 * Why Auto Mode rather than Karpenter installed by us: AWS runs the autoscaler, picks and patches
 * the AMI (immutable, SELinux enforcing, read-only root, no SSH or SSM), replaces every node within
 * 21 days at most, and brings pod networking, kube-proxy, DNS, EBS storage and the Pod Identity agent
 * with the nodes, so there is no controller, node group or add-on of ours to size, upgrade or scale by
 * hand. Karpenter would give the same bin-packing but leave all of that to this program.
 *
 * NodeClass: private subnets, the cluster group and the database's client group, ephemeral storage
 * encrypted with the cluster key, the node role. NodePool: on-demand x86 nodes from the profile's
 * instance categories and no smaller than its minimum vCPU count, bounded by limits computed from the
 * slots' ceilings under the worst packing those requirements allow (./capacity.ts).
 * Field names checked 2026-12-01 in the EKS User Guide: "Create a Node Class for Amazon EKS"
 * (create-node-class: role, subnetSelectorTerms, securityGroupSelectorTerms, ephemeralStorage.kmsKeyID,
 * the EC2 access entry with AmazonEKSAutoNodePolicy) and "Create a Node Pool for EKS Auto Mode"
 * (create-node-pool: karpenter.sh/v1 NodePool, nodeClassRef, limits, and the supported labels
 * eks.amazonaws.com/instance-category and eks.amazonaws.com/instance-cpu, "Number of CPUs on the
 * instance"). Gt is among the requirement operators of the karpenter.sh/v1 NodePool schema the
 * kubernetes-schema deploy check holds (infra/checks/data/crds.json), as in Karpenter's large-instances
 * example (aws/karpenter-provider-aws: instance-cpu Gt "3"); Auto Mode itself launches nothing with 1 CPU
 * or of size nano, micro or small (EKS User Guide "Learn about Amazon EKS Auto Mode Managed instances").
 */
import * as aws from "../aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { eksAccessPolicyArn } from "../partition";
import { NodePoolLimits } from "./capacity";
import { ManagedRole } from "./roles";
import { PlatformContext } from "../context";

export const NODE_CLASS_NAME = "clinical-nodes";
export const NODE_POOL_NAME = "clinical-general";
/** The label every node of the pool carries, for workloads that select it. */
export const NODE_POOL_LABEL = { "clinical-platform/pool": "general" };

export interface NodeCapacityArgs {
    /** The cluster the nodes join. */
    clusterName: pulumi.Input<string>;
    /** The Kubernetes provider for the cluster. */
    provider: k8s.Provider;
    /** The node role (./roles.ts). */
    role: ManagedRole;
    /** Private (app) subnets, one per zone. */
    subnetIds: pulumi.Input<string>[];
    /** Groups every node (and so every pod) joins: the cluster group and the database's client group. */
    securityGroupIds: pulumi.Input<string>[];
    /** Key for the nodes' ephemeral storage. */
    clusterKeyArn: pulumi.Input<string>;
    /** Ephemeral storage per node. */
    diskSizeGiB: number;
    /** EC2 instance categories (c, m, r). */
    instanceCategories: readonly string[];
    /** The fewest vCPUs a node may have, so per-node reservations and DaemonSets stay a bounded share. */
    minInstanceCpu: number;
    /** The most CPU and memory all nodes together may have. */
    limits: NodePoolLimits;
    /** The stack's shared inputs: tags and protection, the logs key and retention (components/context.ts). */
    context: PlatformContext;
}

export class NodeCapacity extends pulumi.ComponentResource {
    /** The NodePool; pods can be scheduled once it exists. */
    readonly nodePool: k8s.apiextensions.CustomResource;

    constructor(name: string, args: NodeCapacityArgs, opts?: pulumi.ComponentResourceOptions) {
        super("clinical-platform:cluster:NodeCapacity", name, {}, opts);
        const partition = aws.getPartitionOutput({}, { parent: this }).partition;

        // EKS creates this entry only for built-in node pools; a custom NodeClass needs its own.
        const entry = new aws.eks.AccessEntry(`${name}-node`, {
            clusterName: args.clusterName,
            principalArn: args.role.arn,
            type: "EC2",
        }, { parent: this, dependsOn: args.role.ready });
        const access = new aws.eks.AccessPolicyAssociation(`${name}-node`, {
            clusterName: args.clusterName,
            principalArn: args.role.arn,
            policyArn: eksAccessPolicyArn(partition, "AmazonEKSAutoNodePolicy"),
            accessScope: { type: "cluster" },
        }, { parent: this, dependsOn: [entry] });

        const k8sOptions = { parent: this, provider: args.provider };
        const nodeClass = new k8s.apiextensions.CustomResource(`${name}-class`, {
            apiVersion: "eks.amazonaws.com/v1",
            kind: "NodeClass",
            metadata: { name: NODE_CLASS_NAME },
            spec: {
                role: args.role.name,
                subnetSelectorTerms: args.subnetIds.map((id) => ({ id })),
                securityGroupSelectorTerms: args.securityGroupIds.map((id) => ({ id })),
                ephemeralStorage: { size: `${args.diskSizeGiB}Gi`, kmsKeyID: args.clusterKeyArn },
            },
        }, { ...k8sOptions, dependsOn: [access, ...args.role.ready] });

        this.nodePool = new k8s.apiextensions.CustomResource(`${name}-pool`, {
            apiVersion: "karpenter.sh/v1",
            kind: "NodePool",
            metadata: { name: NODE_POOL_NAME },
            spec: {
                template: {
                    metadata: { labels: NODE_POOL_LABEL },
                    spec: {
                        nodeClassRef: { group: "eks.amazonaws.com", kind: "NodeClass", name: NODE_CLASS_NAME },
                        requirements: [
                            { key: "eks.amazonaws.com/instance-category", operator: "In", values: [...args.instanceCategories] },
                            // Gt is strict: at least minInstanceCpu vCPUs. The limits assume no smaller node.
                            { key: "eks.amazonaws.com/instance-cpu", operator: "Gt", values: [String(args.minInstanceCpu - 1)] },
                            // Spot could take a slot's capacity away mid-release; the API images are built for x86.
                            { key: "karpenter.sh/capacity-type", operator: "In", values: ["on-demand"] },
                            { key: "kubernetes.io/arch", operator: "In", values: ["amd64"] },
                        ],
                    },
                },
                limits: { cpu: args.limits.cpu, memory: args.limits.memory },
            },
        }, { ...k8sOptions, dependsOn: [nodeClass] });
        this.registerOutputs({});
    }
}
