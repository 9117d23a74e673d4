/**
 * The two IAM roles of an EKS Auto Mode cluster, created ahead of everything else in the cluster
 * because the cluster key's policy names the cluster role: KMS refuses a key policy whose principal
 * does not exist yet.
 *
 * Cluster role: EKS runs the control plane and, in Auto Mode, launches nodes, volumes, interfaces
 * and load balancers with it. Node role: what an Auto Mode node is, nothing more (join, pull images).
 * Policies checked 2026-12-01 in the EKS User Guide: "Amazon EKS Auto Mode cluster IAM role"
 * (auto-cluster-iam-role) and "Amazon EKS Auto Mode node IAM role" (auto-create-node-role).
 */
import * as aws from "../aws";
import * as pulumi from "@pulumi/pulumi";
import { assumableBy } from "../iam";
import { iamManagedPolicyArn } from "../partition";
import { ResourceContext } from "../context";

export const CLUSTER_ROLE_POLICIES = [
    "AmazonEKSClusterPolicy",
    "AmazonEKSComputePolicy",
    "AmazonEKSBlockStoragePolicy",
    "AmazonEKSLoadBalancingPolicy",
    "AmazonEKSNetworkingPolicy",
];
export const NODE_ROLE_POLICIES = ["AmazonEKSWorkerNodeMinimalPolicy", "AmazonEC2ContainerRegistryPullOnly"];

export interface ClusterRolesArgs {
    /** The cluster these roles serve; named in their descriptions. */
    clusterName: string;
    /** The stack's shared inputs: tags and protection (components/context.ts). */
    context: ResourceContext;
    /**
     * Where the cluster role and its AmazonEKSClusterPolicy attachment were registered before (both
     * under one logical name), so a stack that already has a cluster keeps its role: EKS cannot change
     * a cluster's role, and the provider would replace the cluster for a new one.
     */
    formerClusterRole?: { name: string; parent: pulumi.Input<string> };
}

export interface ManagedRole {
    arn: pulumi.Output<string>;
    name: pulumi.Output<string>;
    /** The role with every policy attached; what uses the role waits for these. */
    ready: pulumi.Resource[];
}

export class ClusterRoles extends pulumi.ComponentResource {
    readonly cluster: ManagedRole;
    readonly node: ManagedRole;

    constructor(name: string, args: ClusterRolesArgs, opts?: pulumi.ComponentResourceOptions) {
        super("clinical-platform:cluster:Roles", name, {}, opts);
        const partition = aws.getPartitionOutput({}, { parent: this }).partition;
        const former = args.formerClusterRole;
        const role = (suffix: string, trust: pulumi.Output<string>, description: string, policies: string[]): ManagedRole => {
            const aliases = suffix === "cluster" && former ? [{ name: former.name, parent: former.parent }] : [];
            const created = new aws.iam.Role(`${name}-${suffix}`, { assumeRolePolicy: trust, description }, { parent: this, aliases });
            const ready = policies.map((policy) => new aws.iam.RolePolicyAttachment(`${name}-${suffix}-${policy}`, {
                role: created.name,
                policyArn: iamManagedPolicyArn(partition, policy),
            }, { parent: this, aliases: policy === "AmazonEKSClusterPolicy" ? aliases : [] }));
            return { arn: created.arn, name: created.name, ready };
        };

        // Auto Mode tags the sessions it opens as this role, hence sts:TagSession.
        this.cluster = role("cluster", assumableBy("eks.amazonaws.com", ["sts:AssumeRole", "sts:TagSession"]),
            `Runs the ${args.clusterName} EKS control plane and its Auto Mode capacity`, CLUSTER_ROLE_POLICIES);
        this.node = role("node", assumableBy("ec2.amazonaws.com"), `Identity of the ${args.clusterName} Auto Mode nodes`, NODE_ROLE_POLICIES);
        this.registerOutputs({});
    }
}
