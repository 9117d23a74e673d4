/**
 * The EKS cluster as one unit: control plane in EKS Auto Mode, its elastic node capacity, the
 * add-ons Auto Mode does not bring, the Kubernetes provider every Kubernetes object goes through,
 * network policy enforcement, the Secrets Store CSI driver, and an encrypted default storage class.
 * Built from `@pulumi/aws` resources only, so every setting is visible here. The cluster and node
 * roles come from ./roles.ts, created by the caller ahead of the cluster key.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { ManagedAddon } from "../../stacks/eks-versions";
import { ClusterAddons } from "./addons";
import { SlotCeiling, nodePoolLimits } from "./capacity";
import { ControlPlane } from "./control-plane";
import { kubeconfigFor } from "./kubeconfig";
import { NodeCapacity } from "./nodes";
import { ClusterRoles } from "./roles";
import { installSecretsStore } from "./secrets-store";
import { PlatformContext } from "../context";

export { nodePoolLimits } from "./capacity";
export type { NodePoolLimits, SlotCeiling } from "./capacity";
export { CONTROL_PLANE_LOG_TYPES } from "./control-plane";
export { NODE_CLASS_NAME, NODE_POOL_LABEL, NODE_POOL_NAME } from "./nodes";
export { ClusterRoles } from "./roles";
export { SECRETS_STORE_DRIVER } from "./secrets-store";

/** Auto Mode's block storage provisioner (EKS User Guide "Create a Storage Class", checked 2026-12-01). */
export const AUTO_MODE_EBS_PROVISIONER = "ebs.csi.eks.amazonaws.com";

export interface ClusterArgs {
    /** EKS cluster name, e.g. clinical-platform-production. */
    clusterName: string;
    /** Kubernetes minor version, e.g. 1.35. */
    version: string;
    /** The managed add-on builds pinned for that version. */
    addonBuilds: Readonly<Record<ManagedAddon, string>>;
    /** The stack's region; the kubeconfig asks for tokens there. */
    region: string;
    /** Cluster and node roles, created before the cluster key that names the cluster role. */
    roles: ClusterRoles;
    /** The private (app) subnets: control-plane interfaces and nodes. */
    privateSubnetIds: pulumi.Input<string>[];
    /** Ranges allowed to reach a public API endpoint; empty keeps it private. */
    publicAccessCidrs: readonly string[];
    /** Kubernetes service addresses; must not overlap the VPC or its peers. */
    serviceCidr: string;
    /** Role granted cluster-admin, for people; no CI job assumes it. */
    adminRoleArn: string;
    /** The roles CI jobs assume: deploy (cluster admin) and preview (read-only). */
    ci: { deployRoleArn: string; previewRoleArn: string };
    /** The CI runner's security group, the only source admitted to the API endpoint. */
    apiClientSecurityGroupId: pulumi.Input<string>;
    /** Groups nodes join besides the cluster group, such as the database's client group. */
    nodeSecurityGroupIds: pulumi.Input<string>[];
    /** How nodes are shaped; how many there are follows from the pods. */
    nodes: {
        /** EC2 instance categories: c, m, r. */
        instanceCategories: readonly string[];
        /** The fewest vCPUs a node may have; the NodePool limits assume no smaller node. */
        minInstanceCpu: number;
        /** Ephemeral storage per node. */
        diskSizeGiB: number;
    };
    /** The app's ceiling, which bounds the node capacity (./capacity.ts). */
    ceiling: SlotCeiling;
    /** Key for Kubernetes secrets and node and persistent volumes. */
    clusterKeyArn: pulumi.Input<string>;
    /** The stack's shared inputs: tags and protection, the logs key and retention (components/context.ts). */
    context: PlatformContext;
    /** Refuse deletion of the cluster in AWS. */
    deletionProtection: boolean;
}

export class Cluster extends pulumi.ComponentResource {
    readonly clusterName: pulumi.Output<string>;
    readonly clusterArn: pulumi.Output<string>;
    /** The group nodes and pods are in; the load balancer is let in on the app port through it. */
    readonly nodeSecurityGroupId: pulumi.Output<string>;
    /** Every Kubernetes object of the platform is created through this provider. */
    readonly provider: k8s.Provider;
    /** The Secrets Store CSI driver; SecretProviderClass objects need its definitions. */
    readonly secretsStore: k8s.helm.v3.Release;
    /** Node capacity, add-ons and network policy enforcement; workloads wait for them. */
    readonly workloadsReady: pulumi.Resource[];

    constructor(name: string, args: ClusterArgs, opts?: pulumi.ComponentResourceOptions) {
        super("clinical-platform:cluster:Cluster", name, {}, opts);

        const controlPlane = new ControlPlane(`${name}-control-plane`, {
            clusterName: args.clusterName,
            version: args.version,
            role: args.roles.cluster,
            subnetIds: args.privateSubnetIds,
            publicAccessCidrs: args.publicAccessCidrs,
            serviceCidr: args.serviceCidr,
            clusterKeyArn: args.clusterKeyArn,
            context: args.context,
            adminRoleArn: args.adminRoleArn,
            ci: args.ci,
            apiClientSecurityGroupId: args.apiClientSecurityGroupId,
            deletionProtection: args.deletionProtection,
        }, { parent: this });

        this.provider = new k8s.Provider(`${name}-kubernetes`, {
            kubeconfig: kubeconfigFor({
                clusterName: controlPlane.clusterName,
                endpoint: controlPlane.endpoint,
                certificateAuthorityData: controlPlane.certificateAuthorityData,
                region: args.region,
            }),
            enableServerSideApply: true,
            deleteUnreachable: false,
        }, { parent: this, dependsOn: controlPlane.deployerAccess });
        const inCluster = { parent: this, provider: this.provider };

        const nodes = new NodeCapacity(`${name}-nodes`, {
            clusterName: controlPlane.clusterName,
            provider: this.provider,
            role: args.roles.node,
            subnetIds: args.privateSubnetIds,
            securityGroupIds: [controlPlane.clusterSecurityGroupId, ...args.nodeSecurityGroupIds],
            clusterKeyArn: args.clusterKeyArn,
            diskSizeGiB: args.nodes.diskSizeGiB,
            instanceCategories: args.nodes.instanceCategories,
            minInstanceCpu: args.nodes.minInstanceCpu,
            limits: nodePoolLimits(args.ceiling, args.nodes),
            context: args.context,
        }, { parent: this });
        const addons = new ClusterAddons(`${name}-addons`, {
            clusterName: controlPlane.clusterName,
            clusterNameText: args.clusterName,
            kubernetesVersion: args.version,
            builds: args.addonBuilds,
            context: args.context,
            nodes: nodes.nodePool,
        }, { parent: this });

        // Auto Mode enforces NetworkPolicy only once this switch is on (EKS User Guide "Use Network
        // Policies with EKS Auto Mode", checked 2026-12-01); each slot namespace denies by default.
        const networkPolicies = new k8s.core.v1.ConfigMap(`${name}-network-policy`, {
            metadata: { name: "amazon-vpc-cni", namespace: "kube-system" },
            data: { "enable-network-policy-controller": "true" },
        }, inCluster);

        this.workloadsReady = [nodes.nodePool, networkPolicies, ...addons.addons];
        this.secretsStore = installSecretsStore(this, `${name}-secrets-store`, this.provider, this.workloadsReady);
        new k8s.storage.v1.StorageClass(`${name}-encrypted-gp3`, {
            metadata: { name: "encrypted-gp3", annotations: { "storageclass.kubernetes.io/is-default-class": "true" } },
            // Auto Mode's own EBS storage; the cluster role creates the volumes, which the key policy allows.
            provisioner: AUTO_MODE_EBS_PROVISIONER,
            parameters: { type: "gp3", encrypted: "true", kmsKeyId: args.clusterKeyArn },
            // A released claim keeps its volume: a deleted claim must not take patient data with it.
            reclaimPolicy: "Retain",
            volumeBindingMode: "WaitForFirstConsumer",
            allowVolumeExpansion: true,
        }, { ...inCluster, dependsOn: [controlPlane.cluster] });

        this.clusterName = controlPlane.clusterName;
        this.clusterArn = controlPlane.clusterArn;
        this.nodeSecurityGroupId = controlPlane.clusterSecurityGroupId;
        this.registerOutputs({ clusterName: this.clusterName });
    }
}
