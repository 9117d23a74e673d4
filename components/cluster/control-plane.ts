/**
 * The EKS control plane: API endpoint private unless a stack lists source ranges, Kubernetes
 * secrets envelope-encrypted with the cluster key, every control-plane log type kept in an
 * encrypted group, and access granted through EKS access entries rather than the aws-auth map.
 * The add-ons nodes need before they can become Ready (pod networking, kube-proxy, the Pod
 * Identity agent) are installed here, ahead of any node.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { assumableBy } from "../iam";
import { awsManagedPolicyArn } from "../partition";
import { installAddon } from "./addon";

export const CONTROL_PLANE_LOG_TYPES = ["api", "audit", "authenticator", "controllerManager", "scheduler"];
export const CLUSTER_ADMIN_POLICY_ARN = "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy";

export interface ControlPlaneArgs {
    /** EKS cluster name; also names the control-plane log group. */
    clusterName: string;
    /** Kubernetes minor version, e.g. 1.34. */
    version: string;
    /** Subnets the control plane places its network interfaces in; the private (app) tier. */
    subnetIds: pulumi.Input<string>[];
    /** Ranges allowed to reach a public API endpoint; empty keeps the endpoint private only. */
    publicAccessCidrs: readonly string[];
    /** Kubernetes service addresses; must not overlap the VPC. */
    serviceCidr: string;
    /** Key that envelope-encrypts Kubernetes secrets. */
    clusterKeyArn: pulumi.Input<string>;
    /** Key for the control-plane log group. */
    logsKeyArn: pulumi.Input<string>;
    /** Days control-plane logs are kept. */
    logRetentionDays: number;
    /** Role mapped to cluster-admin through an access entry. */
    adminRoleArn: string;
    /** Refuse deletion of the cluster in AWS. */
    deletionProtection: boolean;
    /** Tags for every taggable resource. */
    tags: Record<string, string>;
}

export class ControlPlane extends pulumi.ComponentResource {
    readonly clusterName: pulumi.Output<string>;
    readonly clusterArn: pulumi.Output<string>;
    readonly endpoint: pulumi.Output<string>;
    readonly certificateAuthorityData: pulumi.Output<string>;
    /** The group EKS attaches to the control plane; nodes join it so the two can talk. */
    readonly clusterSecurityGroupId: pulumi.Output<string>;
    /** Resources that must exist before a node can join. */
    readonly readyForNodes: pulumi.Resource[];
    /** The admin's access; the Kubernetes provider acts as that role, so it waits for this. */
    readonly adminAccess: pulumi.Resource;

    constructor(name: string, args: ControlPlaneArgs, opts?: pulumi.ComponentResourceOptions) {
        super("clinical-platform:cluster:ControlPlane", name, {}, opts);
        const parent = { parent: this };

        const role = new aws.iam.Role(`${name}-cluster`, {
            assumeRolePolicy: assumableBy("eks.amazonaws.com", ["sts:AssumeRole", "sts:TagSession"]),
            description: `Runs the ${args.clusterName} EKS control plane`,
            tags: args.tags,
        }, parent);
        const rolePolicy = new aws.iam.RolePolicyAttachment(`${name}-cluster`, {
            role: role.name,
            policyArn: awsManagedPolicyArn("AmazonEKSClusterPolicy", parent),
        }, parent);

        // EKS writes to this name; creating it first gives it retention and encryption.
        const logGroup = new aws.cloudwatch.LogGroup(`${name}-logs`, {
            name: `/aws/eks/${args.clusterName}/cluster`,
            retentionInDays: args.logRetentionDays,
            kmsKeyId: args.logsKeyArn,
            tags: args.tags,
        }, parent);

        const publicEndpoint = args.publicAccessCidrs.length > 0;
        const cluster = new aws.eks.Cluster(name, {
            name: args.clusterName,
            version: args.version,
            roleArn: role.arn,
            vpcConfig: {
                subnetIds: args.subnetIds,
                endpointPrivateAccess: true,
                endpointPublicAccess: publicEndpoint,
                publicAccessCidrs: publicEndpoint ? [...args.publicAccessCidrs] : undefined,
            },
            kubernetesNetworkConfig: { ipFamily: "ipv4", serviceIpv4Cidr: args.serviceCidr },
            encryptionConfig: { resources: ["secrets"], provider: { keyArn: args.clusterKeyArn } },
            enabledClusterLogTypes: CONTROL_PLANE_LOG_TYPES,
            accessConfig: {
                authenticationMode: "API",
                // The deploying identity gets no silent admin grant; every admin is an explicit entry.
                bootstrapClusterCreatorAdminPermissions: false,
            },
            // Networking, DNS and proxy come as managed add-ons below, versioned and visible in the program.
            bootstrapSelfManagedAddons: false,
            upgradePolicy: { supportType: "STANDARD" },
            deletionProtection: args.deletionProtection,
            tags: args.tags,
        }, { parent: this, dependsOn: [logGroup, rolePolicy] });

        const adminEntry = new aws.eks.AccessEntry(`${name}-admin`, {
            clusterName: cluster.name,
            principalArn: args.adminRoleArn,
            type: "STANDARD",
            tags: args.tags,
        }, parent);
        this.adminAccess = new aws.eks.AccessPolicyAssociation(`${name}-admin`, {
            clusterName: cluster.name,
            principalArn: args.adminRoleArn,
            policyArn: CLUSTER_ADMIN_POLICY_ARN,
            accessScope: { type: "cluster" },
        }, { parent: this, dependsOn: [adminEntry] });

        const addon = { clusterName: cluster.name, kubernetesVersion: args.version, tags: args.tags };
        this.readyForNodes = [
            // Network policy enforcement lets each slot namespace deny by default.
            installAddon(this, `${name}-vpc-cni`, { ...addon, addonName: "vpc-cni", configuration: { enableNetworkPolicy: "true" } }),
            installAddon(this, `${name}-kube-proxy`, { ...addon, addonName: "kube-proxy" }),
            installAddon(this, `${name}-pod-identity-agent`, { ...addon, addonName: "eks-pod-identity-agent" }),
        ];

        this.clusterName = cluster.name;
        this.clusterArn = cluster.arn;
        this.endpoint = cluster.endpoint;
        this.certificateAuthorityData = cluster.certificateAuthority.apply((authority) => authority?.data ?? "");
        this.clusterSecurityGroupId = cluster.vpcConfig.apply((config) => config.clusterSecurityGroupId ?? "");
        this.registerOutputs({ clusterName: this.clusterName });
    }
}
