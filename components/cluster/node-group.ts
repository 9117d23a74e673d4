/**
 * The managed node group: EKS-optimised Amazon Linux 2023 nodes in the private subnets, launched
 * from a template that requires IMDSv2 with a hop limit of 1 and encrypts the root volume with the
 * cluster key.
 *
 * Hop limit 1: a pod sits one network hop further from the instance than the host, so with a limit
 * of 1 no pod can reach the instance metadata service or take the node role's credentials. Every
 * workload that calls AWS gets its own role through EKS Pod Identity instead; the daemons that do
 * need metadata (VPC CNI, kube-proxy, the Pod Identity agent, the CloudWatch agent) run on the host
 * network, and the load balancer controller is told its region and VPC rather than looking them up.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { assumableBy } from "../iam";

export const IMDS_HOP_LIMIT = 1;
const NODE_POLICIES = [
    "arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy",
    "arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryPullOnly",
    // The VPC CNI assigns pod addresses as the node; it must work before any Pod Identity credential can.
    "arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy",
];

export interface NodeGroupArgs {
    /** The cluster the nodes join. */
    clusterName: pulumi.Input<string>;
    /** Private (app) subnets, one per zone. */
    subnetIds: pulumi.Input<string>[];
    /**
     * Groups every node (and so every pod) joins: the cluster group, and the database's client
     * group, which is the only way onto the database port.
     */
    securityGroupIds: pulumi.Input<string>[];
    /** Key for the root volumes. */
    clusterKeyArn: pulumi.Input<string>;
    /** EC2 instance types, e.g. m6i.large. */
    instanceTypes: string[];
    /** Fewest nodes. */
    minSize: number;
    /** Nodes at creation and after each update. */
    desiredSize: number;
    /** Most nodes. */
    maxSize: number;
    /** Root volume size. */
    diskSizeGiB: number;
    /** What must run before a node can become Ready: pod networking, kube-proxy, the Pod Identity agent. */
    joinAfter: pulumi.Resource[];
    /** Tags for the node group, template, instances, volumes and interfaces. */
    tags: Record<string, string>;
}

export class NodeGroup extends pulumi.ComponentResource {
    readonly nodeGroupName: pulumi.Output<string>;
    readonly nodeRoleArn: pulumi.Output<string>;

    constructor(name: string, args: NodeGroupArgs, opts?: pulumi.ComponentResourceOptions) {
        super("clinical-platform:cluster:NodeGroup", name, {}, opts);
        const parent = { parent: this };

        const role = new aws.iam.Role(`${name}-node`, {
            assumeRolePolicy: assumableBy("ec2.amazonaws.com"),
            description: "Identity of the cluster's worker nodes",
            tags: args.tags,
        }, parent);
        const attachments = NODE_POLICIES.map((policyArn) => new aws.iam.RolePolicyAttachment(`${name}-${policyArn.split("/").pop()}`, {
            role: role.name,
            policyArn,
        }, parent));

        const launchTemplate = new aws.ec2.LaunchTemplate(name, {
            description: "Clinical cluster nodes: IMDSv2 only, encrypted gp3 root volume",
            metadataOptions: {
                httpEndpoint: "enabled",
                httpTokens: "required",
                httpPutResponseHopLimit: IMDS_HOP_LIMIT,
                instanceMetadataTags: "disabled",
            },
            blockDeviceMappings: [{
                deviceName: "/dev/xvda",
                ebs: {
                    volumeType: "gp3",
                    volumeSize: args.diskSizeGiB,
                    encrypted: "true",
                    kmsKeyId: args.clusterKeyArn,
                    deleteOnTermination: "true",
                },
            }],
            // With groups in the template EKS adds none of its own, so the cluster group is listed here too.
            vpcSecurityGroupIds: args.securityGroupIds,
            tagSpecifications: ["instance", "volume", "network-interface"].map((resourceType) => ({ resourceType, tags: args.tags })),
            updateDefaultVersion: true,
            tags: args.tags,
        }, parent);

        const nodeGroup = new aws.eks.NodeGroup(name, {
            clusterName: args.clusterName,
            nodeRoleArn: role.arn,
            subnetIds: args.subnetIds,
            amiType: "AL2023_x86_64_STANDARD",
            capacityType: "ON_DEMAND",
            instanceTypes: args.instanceTypes,
            scalingConfig: { minSize: args.minSize, desiredSize: args.desiredSize, maxSize: args.maxSize },
            launchTemplate: { id: launchTemplate.id, version: launchTemplate.latestVersion.apply(String) },
            updateConfig: { maxUnavailable: 1 },
            nodeRepairConfig: { enabled: true },
            labels: { "clinical-platform/pool": "general" },
            tags: args.tags,
        }, { parent: this, dependsOn: [...attachments, ...args.joinAfter] });

        this.nodeGroupName = nodeGroup.nodeGroupName;
        this.nodeRoleArn = role.arn;
        this.registerOutputs({ nodeGroupName: this.nodeGroupName });
    }
}
