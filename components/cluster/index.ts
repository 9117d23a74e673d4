/**
 * The EKS cluster as one unit: control plane, the node group, the add-ons, the Kubernetes provider
 * every Kubernetes object goes through, the Secrets Store CSI driver, and an encrypted default
 * storage class. Built from `@pulumi/aws` resources only, so every setting is visible here.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { ClusterAddons } from "./addons";
import { ControlPlane } from "./control-plane";
import { kubeconfigFor } from "./kubeconfig";
import { NodeGroup } from "./node-group";
import { installSecretsStore } from "./secrets-store";

export { CLUSTER_ADMIN_POLICY_ARN, CONTROL_PLANE_LOG_TYPES } from "./control-plane";
export { IMDS_HOP_LIMIT } from "./node-group";
export { SECRETS_STORE_DRIVER } from "./secrets-store";

export interface ClusterArgs {
    /** EKS cluster name, e.g. clinical-platform-production. */
    clusterName: string;
    /** Kubernetes minor version, e.g. 1.34. */
    version: string;
    /** The stack's region; the kubeconfig asks for tokens there. */
    region: string;
    /** The private (app) subnets: control-plane interfaces and nodes. */
    privateSubnetIds: pulumi.Input<string>[];
    /** Ranges allowed to reach a public API endpoint; empty keeps it private. */
    publicAccessCidrs: readonly string[];
    /** Kubernetes service addresses; must not overlap the VPC or its peers. */
    serviceCidr: string;
    /** Role granted cluster-admin; the Kubernetes provider acts as it. */
    adminRoleArn: string;
    /** Groups nodes join besides the cluster group, such as the database's client group. */
    nodeSecurityGroupIds: pulumi.Input<string>[];
    /** Node group sizes and instance types from the profile. */
    nodes: {
        /** EC2 instance types, e.g. m6i.large. */
        instanceTypes: readonly string[];
        minSize: number;
        desiredSize: number;
        maxSize: number;
        diskSizeGiB: number;
    };
    /** Key for Kubernetes secrets and node volumes. */
    clusterKeyArn: pulumi.Input<string>;
    /** Key for control-plane and container log groups. */
    logsKeyArn: pulumi.Input<string>;
    /** Days control-plane and container logs are kept. */
    logRetentionDays: number;
    /** Refuse deletion of the cluster in AWS. */
    deletionProtection: boolean;
    /** Tags for every taggable resource. */
    tags: Record<string, string>;
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
    /** Nodes and add-ons; workloads wait for them. */
    readonly workloadsReady: pulumi.Resource[];

    constructor(name: string, args: ClusterArgs, opts?: pulumi.ComponentResourceOptions) {
        super("clinical-platform:cluster:Cluster", name, {}, opts);
        const parent = { parent: this };

        const controlPlane = new ControlPlane(`${name}-control-plane`, {
            clusterName: args.clusterName,
            version: args.version,
            subnetIds: args.privateSubnetIds,
            publicAccessCidrs: args.publicAccessCidrs,
            serviceCidr: args.serviceCidr,
            clusterKeyArn: args.clusterKeyArn,
            logsKeyArn: args.logsKeyArn,
            logRetentionDays: args.logRetentionDays,
            adminRoleArn: args.adminRoleArn,
            deletionProtection: args.deletionProtection,
            tags: args.tags,
        }, parent);
        const nodeGroup = new NodeGroup(`${name}-nodes`, {
            clusterName: controlPlane.clusterName,
            subnetIds: args.privateSubnetIds,
            securityGroupIds: [controlPlane.clusterSecurityGroupId, ...args.nodeSecurityGroupIds],
            clusterKeyArn: args.clusterKeyArn,
            instanceTypes: [...args.nodes.instanceTypes],
            minSize: args.nodes.minSize,
            desiredSize: args.nodes.desiredSize,
            maxSize: args.nodes.maxSize,
            diskSizeGiB: args.nodes.diskSizeGiB,
            joinAfter: controlPlane.readyForNodes,
            tags: args.tags,
        }, parent);
        const addons = new ClusterAddons(`${name}-addons`, {
            clusterName: controlPlane.clusterName,
            clusterNameText: args.clusterName,
            kubernetesVersion: args.version,
            clusterKeyArn: args.clusterKeyArn,
            logsKeyArn: args.logsKeyArn,
            logRetentionDays: args.logRetentionDays,
            nodes: nodeGroup,
            tags: args.tags,
        }, parent);

        this.provider = new k8s.Provider(`${name}-kubernetes`, {
            kubeconfig: kubeconfigFor({
                clusterName: controlPlane.clusterName,
                endpoint: controlPlane.endpoint,
                certificateAuthorityData: controlPlane.certificateAuthorityData,
                region: args.region,
                roleArn: args.adminRoleArn,
            }),
            enableServerSideApply: true,
            deleteUnreachable: false,
        }, { parent: this, dependsOn: [controlPlane.adminAccess] });

        this.workloadsReady = [nodeGroup, ...addons.addons];
        this.secretsStore = installSecretsStore(this, `${name}-secrets-store`, this.provider, this.workloadsReady);
        new k8s.storage.v1.StorageClass(`${name}-encrypted-gp3`, {
            metadata: { name: "encrypted-gp3", annotations: { "storageclass.kubernetes.io/is-default-class": "true" } },
            provisioner: "ebs.csi.aws.com",
            parameters: { type: "gp3", encrypted: "true", kmsKeyId: args.clusterKeyArn },
            // A released claim keeps its volume: a deleted claim must not take patient data with it.
            reclaimPolicy: "Retain",
            volumeBindingMode: "WaitForFirstConsumer",
            allowVolumeExpansion: true,
        }, { parent: this, provider: this.provider, dependsOn: addons.addons });

        this.clusterName = controlPlane.clusterName;
        this.clusterArn = controlPlane.clusterArn;
        this.nodeSecurityGroupId = controlPlane.clusterSecurityGroupId;
        this.registerOutputs({ clusterName: this.clusterName });
    }
}
