/**
 * The EKS control plane: API endpoint private unless a stack lists source ranges, Kubernetes
 * secrets envelope-encrypted with the cluster key, every control-plane log type kept in an
 * encrypted group, and access granted through EKS access entries rather than the aws-auth map.
 *
 * Compute, block storage and load balancing run in EKS Auto Mode. The EKS API takes the three
 * switches together, all on or all off ("For EKS Auto Mode, please ensure that all required configs,
 * including computeConfig, kubernetesNetworkConfig, and blockStorage are all either fully enabled or
 * fully disabled", InvalidParameterException quoted in kubernetes-sigs/cluster-api-provider-aws#5278,
 * checked 2026-12-01), so Auto Mode's load balancing is on although nothing here uses it: it only
 * acts on Ingresses of its own IngressClass and Services of loadBalancerClass eks.amazonaws.com/nlb,
 * and the EKS User Guide ("Migrate to EKS Auto Mode") allows the AWS Load Balancer Controller beside it.
 * No built-in node pool is enabled: the cluster's own NodePool and NodeClass (./nodes.ts) are the only
 * capacity, so every node is in the private subnets, encrypted with the cluster key and bounded.
 */
import * as aws from "../aws";
import * as pulumi from "@pulumi/pulumi";
import { eksAccessPolicyArn } from "../partition";
import { required } from "../required";
import { ManagedRole } from "./roles";
import { PlatformContext } from "../context";

export const CONTROL_PLANE_LOG_TYPES = ["api", "audit", "authenticator", "controllerManager", "scheduler"];

export interface ControlPlaneArgs {
    /** EKS cluster name; also names the control-plane log group. */
    clusterName: string;
    /** Kubernetes minor version, e.g. 1.35. */
    version: string;
    /** The cluster role (./roles.ts), created ahead of the cluster key. */
    role: ManagedRole;
    /** Subnets the control plane places its network interfaces in; the private (app) tier. */
    subnetIds: pulumi.Input<string>[];
    /** Ranges allowed to reach a public API endpoint; empty keeps the endpoint private only. */
    publicAccessCidrs: readonly string[];
    /** Kubernetes service addresses; must not overlap the VPC. */
    serviceCidr: string;
    /** Key that envelope-encrypts Kubernetes secrets. */
    clusterKeyArn: pulumi.Input<string>;
    /** The stack's shared inputs: tags and protection, the logs key and retention (components/context.ts). */
    context: PlatformContext;
    /** Role mapped to cluster-admin through an access entry; for people, never assumed by CI. */
    adminRoleArn: string;
    /** The roles CI jobs assume through GitHub OIDC, each given its own access entry. */
    ci: {
        /** Role `pulumi up` runs as: cluster admin. */
        deployRoleArn: string;
        /** Role pull-request previews run as: read-only. */
        previewRoleArn: string;
    };
    /** The CI runner's security group: the only source admitted to the API endpoint (HTTPS). */
    apiClientSecurityGroupId: pulumi.Input<string>;
    /** Refuse deletion of the cluster in AWS. */
    deletionProtection: boolean;
}

export class ControlPlane extends pulumi.ComponentResource {
    readonly clusterName: pulumi.Output<string>;
    readonly clusterArn: pulumi.Output<string>;
    readonly endpoint: pulumi.Output<string>;
    readonly certificateAuthorityData: pulumi.Output<string>;
    /** The group EKS attaches to the control plane; nodes join it so the two can talk. */
    readonly clusterSecurityGroupId: pulumi.Output<string>;
    /** The cluster itself, for what must wait for it beyond its outputs. */
    readonly cluster: aws.eks.Cluster;
    /**
     * The access of those who run `pulumi up` (the admin role for people, the deploy role in CI); the
     * Kubernetes provider acts as whichever of them runs it, so it waits for both.
     */
    readonly deployerAccess: pulumi.Resource[];

    constructor(name: string, args: ControlPlaneArgs, opts?: pulumi.ComponentResourceOptions) {
        super("clinical-platform:cluster:ControlPlane", name, {}, opts);
        const parent = { parent: this };

        // EKS writes to this name; creating it first gives it retention and encryption.
        const logGroup = new aws.cloudwatch.LogGroup(`${name}-logs`, {
            name: `/aws/eks/${args.clusterName}/cluster`,
            retentionInDays: args.context.logs.retentionDays,
            kmsKeyId: args.context.logs.keyArn,
        }, parent);

        const publicEndpoint = args.publicAccessCidrs.length > 0;
        const cluster = new aws.eks.Cluster(name, {
            name: args.clusterName,
            version: args.version,
            roleArn: args.role.arn,
            vpcConfig: {
                subnetIds: args.subnetIds,
                endpointPrivateAccess: true,
                endpointPublicAccess: publicEndpoint,
                publicAccessCidrs: publicEndpoint ? [...args.publicAccessCidrs] : undefined,
            },
            kubernetesNetworkConfig: { ipFamily: "ipv4", serviceIpv4Cidr: args.serviceCidr, elasticLoadBalancing: { enabled: true } },
            // nodePools empty: no built-in pool; EKS then takes no nodeRoleArn either (the NodeClass names the role).
            computeConfig: { enabled: true, nodePools: [] },
            storageConfig: { blockStorage: { enabled: true } },
            encryptionConfig: { resources: ["secrets"], provider: { keyArn: args.clusterKeyArn } },
            enabledClusterLogTypes: CONTROL_PLANE_LOG_TYPES,
            accessConfig: {
                authenticationMode: "API",
                // The deploying identity gets no silent admin grant; every admin is an explicit entry.
                bootstrapClusterCreatorAdminPermissions: false,
            },
            // Auto Mode brings pod networking, kube-proxy, DNS and the Pod Identity agent; no self-managed copies.
            bootstrapSelfManagedAddons: false,
            // At the end of standard support EKS upgrades the cluster instead of billing extended support;
            // stacks/eks-versions.ts refuses such a version before it gets that far.
            upgradePolicy: { supportType: "STANDARD" },
            deletionProtection: args.deletionProtection,
        }, { parent: this, dependsOn: [logGroup, ...args.role.ready] });

        // One entry per principal. `up` installs Helm releases that bring CustomResourceDefinitions and
        // creates cluster-scoped objects (NodePool, NodeClass, StorageClass, namespaces): only the
        // cluster-admin access policy at cluster scope covers those; AmazonEKSAdminPolicy, like the
        // Kubernetes `admin` role it mirrors, is for namespaced objects ("Review access policy
        // permissions", EKS User Guide, checked 2026-12-01). Previews only read: AmazonEKSViewPolicy.
        // A server-side-apply preview asks for a dry-run patch, which read-only access is refused; the
        // provider then falls back to a client-side diff (pulumi/pulumi-kubernetes#2213 and #2419,
        // checked 2026-12-01), less exact but without granting a preview any write verb.
        const partition = aws.getPartitionOutput({}, parent).partition;
        const grant = (label: string, principalArn: string, policy: string) => {
            const entry = new aws.eks.AccessEntry(`${name}-${label}`, {
                clusterName: cluster.name,
                principalArn,
                type: "STANDARD",
            }, parent);
            return new aws.eks.AccessPolicyAssociation(`${name}-${label}`, {
                clusterName: cluster.name,
                principalArn,
                policyArn: eksAccessPolicyArn(partition, policy),
                accessScope: { type: "cluster" },
            }, { parent: this, dependsOn: [entry] });
        };
        this.deployerAccess = [
            grant("admin", args.adminRoleArn, "AmazonEKSClusterAdminPolicy"),
            grant("ci-deploy", args.ci.deployRoleArn, "AmazonEKSClusterAdminPolicy"),
        ];
        grant("ci-preview", args.ci.previewRoleArn, "AmazonEKSViewPolicy");

        // The private endpoint's interfaces carry the cluster security group. Its API port admits the
        // CI runner's group and nothing else; people reach the API through that runner's workflows.
        new aws.vpc.SecurityGroupIngressRule(`${name}-api-from-ci-runner`, {
            securityGroupId: cluster.vpcConfig.apply((config) => required(config.clusterSecurityGroupId, "The EKS cluster security group id (vpcConfig.clusterSecurityGroupId)")),
            referencedSecurityGroupId: args.apiClientSecurityGroupId,
            ipProtocol: "tcp",
            fromPort: 443,
            toPort: 443,
            description: "Kubernetes API from the CI runner",
        }, parent);

        this.cluster = cluster;
        this.clusterName = cluster.name;
        this.clusterArn = cluster.arn;
        this.endpoint = cluster.endpoint;
        this.certificateAuthorityData = cluster.certificateAuthority.apply((authority) => required(authority?.data, "The EKS cluster's certificate authority data"));
        this.clusterSecurityGroupId = cluster.vpcConfig.apply((config) => required(config.clusterSecurityGroupId, "The EKS cluster security group id (vpcConfig.clusterSecurityGroupId)"));
        this.registerOutputs({ clusterName: this.clusterName });
    }
}
