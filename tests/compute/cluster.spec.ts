import { strict as assert } from "assert";
import { CLUSTER_ADMIN_POLICY_ARN, CONTROL_PLANE_LOG_TYPES } from "../../components/cluster";
import { STACKS, ofType, policyOf, previewOf, previewWithEdit, single } from "../harness/stacks";
import { K8S, inputs, inputsOf, urnOf } from "./support";

const CLUSTER = "aws:eks/cluster:Cluster";
const ADDON = "aws:eks/addon:Addon";
const LAUNCH_TEMPLATE = "aws:ec2/launchTemplate:LaunchTemplate";
const NODE_GROUP = "aws:eks/nodeGroup:NodeGroup";
const KEY = "aws:kms/key:Key";

describe("the EKS cluster", () => {
    for (const stack of STACKS) {
        describe(`in ${stack}`, () => {
            it("keeps the API endpoint private when the stack lists no public ranges", async () => {
                const { resources, config } = await previewOf(stack);
                assert.deepEqual(config.cluster.publicAccessCidrs, []);
                const vpc = inputsOf(resources, CLUSTER).vpcConfig;
                assert.equal(vpc.endpointPrivateAccess, true);
                assert.equal(vpc.endpointPublicAccess, false);
                assert.equal(vpc.publicAccessCidrs, undefined);
            });

            it("places the control plane in the private subnets and encrypts Kubernetes secrets with the cluster key", async () => {
                const { resources, config } = await previewOf(stack);
                const cluster = single(resources, CLUSTER);
                const subnets = ofType(resources, "aws:ec2/subnet:Subnet").filter((s) => s.name.startsWith("network-private-")).map((s) => s.urn).sort();
                assert.deepEqual(cluster.propertyDependencies.vpcConfig, subnets);
                assert.deepEqual(inputs(cluster).encryptionConfig.resources, ["secrets"]);
                assert.deepEqual(cluster.propertyDependencies.encryptionConfig, [urnOf(resources, KEY, "keys-cluster")]);
                assert.equal(inputs(cluster).name, `clinical-platform-${stack}`);
                assert.equal(inputs(cluster).version, config.cluster.version);
                assert.equal(inputs(cluster).kubernetesNetworkConfig.serviceIpv4Cidr, config.cluster.serviceCidr);
            });

            it("sends all five control-plane log types to an encrypted group that exists before the cluster", async () => {
                const { resources, config } = await previewOf(stack);
                const cluster = single(resources, CLUSTER);
                assert.deepEqual([...inputs(cluster).enabledClusterLogTypes].sort(), [...CONTROL_PLANE_LOG_TYPES].sort());
                assert.equal(CONTROL_PLANE_LOG_TYPES.length, 5);
                const logGroup = single(resources, "aws:cloudwatch/logGroup:LogGroup", "cluster-control-plane-logs");
                assert.equal(inputs(logGroup).name, `/aws/eks/clinical-platform-${stack}/cluster`);
                assert.equal(inputs(logGroup).retentionInDays, config.logs.retentionDays);
                assert.deepEqual(logGroup.propertyDependencies.kmsKeyId, [urnOf(resources, KEY, "keys-logs")]);
                assert.ok(cluster.dependencies.includes(logGroup.urn), "the cluster waits for its log group");
            });

            it("grants cluster-admin to the configured role through an access entry, and to no one implicitly", async () => {
                const { resources, config } = await previewOf(stack);
                const access = inputsOf(resources, CLUSTER).accessConfig;
                assert.deepEqual(access, { authenticationMode: "API", bootstrapClusterCreatorAdminPermissions: false });
                const entry = inputsOf(resources, "aws:eks/accessEntry:AccessEntry");
                assert.equal(entry.principalArn, config.cluster.adminRoleArn);
                assert.equal(entry.type, "STANDARD");
                const association = single(resources, "aws:eks/accessPolicyAssociation:AccessPolicyAssociation");
                assert.equal(inputs(association).principalArn, config.cluster.adminRoleArn);
                assert.equal(inputs(association).policyArn, CLUSTER_ADMIN_POLICY_ARN);
                assert.deepEqual(inputs(association).accessScope, { type: "cluster" });
                assert.ok(association.dependencies.includes(urnOf(resources, "aws:eks/accessEntry:AccessEntry", "cluster-control-plane-admin")));
            });

            it("launches nodes from a template that requires IMDSv2 with a hop limit of 1 and an encrypted gp3 volume", async () => {
                const { resources, config } = await previewOf(stack);
                const template = single(resources, LAUNCH_TEMPLATE);
                assert.deepEqual(inputs(template).metadataOptions, {
                    httpEndpoint: "enabled",
                    httpTokens: "required",
                    httpPutResponseHopLimit: 1,
                    instanceMetadataTags: "disabled",
                });
                const [volume] = inputs(template).blockDeviceMappings;
                assert.equal(volume.ebs.volumeType, "gp3");
                assert.equal(volume.ebs.encrypted, "true");
                assert.equal(volume.ebs.volumeSize, config.cluster.nodes.diskSizeGiB);
                assert.deepEqual(template.propertyDependencies.blockDeviceMappings, [urnOf(resources, KEY, "keys-cluster")]);
                const nodeGroup = single(resources, NODE_GROUP);
                assert.deepEqual(nodeGroup.propertyDependencies.launchTemplate, [template.urn]);
                assert.equal(inputs(nodeGroup).diskSize, undefined, "the size comes from the template, not the node group");
            });

            it("sizes the managed node group from the profile and keeps it in the private subnets", async () => {
                const { resources, config } = await previewOf(stack);
                const nodeGroup = single(resources, NODE_GROUP);
                const { minSize, desiredSize, maxSize, instanceTypes } = config.cluster.nodes;
                assert.deepEqual(inputs(nodeGroup).scalingConfig, { minSize, desiredSize, maxSize });
                assert.deepEqual(inputs(nodeGroup).instanceTypes, instanceTypes);
                const subnets = ofType(resources, "aws:ec2/subnet:Subnet").filter((s) => s.name.startsWith("network-private-")).map((s) => s.urn).sort();
                assert.deepEqual(nodeGroup.propertyDependencies.subnetIds, subnets);
            });

            it("puts nodes in the database's client group, which no other resource joins", async () => {
                const { resources } = await previewOf(stack);
                const clients = urnOf(resources, "aws:ec2/securityGroup:SecurityGroup", "database-clients");
                const template = single(resources, LAUNCH_TEMPLATE);
                assert.deepEqual(template.propertyDependencies.vpcSecurityGroupIds, [urnOf(resources, CLUSTER, "cluster-control-plane"), clients].sort());
                const joiners = resources.filter((r) => Object.entries(r.propertyDependencies).some(([property, urns]) => urns.includes(clients)
                    && ["vpcSecurityGroupIds", "securityGroups", "securityGroupIds", "referencedSecurityGroupId"].includes(property)));
                assert.deepEqual(joiners.map((r) => r.name).sort(), ["cluster-nodes", "database-from-clients"]);
            });

            it("installs the core add-ons before the nodes and the rest after them", async () => {
                const { resources } = await previewOf(stack);
                const addons = ofType(resources, ADDON);
                assert.deepEqual(addons.map((a) => inputs(a).addonName).sort(), [
                    "amazon-cloudwatch-observability", "aws-ebs-csi-driver", "coredns", "eks-pod-identity-agent", "kube-proxy", "metrics-server", "vpc-cni",
                ]);
                const nodeGroup = single(resources, NODE_GROUP);
                const named = (addonName: string) => addons.find((a) => inputs(a).addonName === addonName)!;
                for (const early of ["vpc-cni", "kube-proxy", "eks-pod-identity-agent"]) {
                    assert.ok(nodeGroup.dependencies.includes(named(early).urn), `nodes wait for ${early}`);
                }
                for (const late of ["coredns", "aws-ebs-csi-driver", "amazon-cloudwatch-observability"]) {
                    assert.ok(named(late).dependencies.includes(nodeGroup.urn), `${late} waits for nodes`);
                }
                for (const addon of addons) {
                    assert.equal(inputs(addon).addonVersion, "v1.0.0-eksbuild.1", `${inputs(addon).addonName} is pinned to the EKS default`);
                }
            });

            it("gives the EBS CSI driver and the CloudWatch agent their own Pod Identity roles", async () => {
                const { resources } = await previewOf(stack);
                const cases = [
                    { addon: "cluster-addons-ebs-csi", serviceAccount: "ebs-csi-controller-sa", namespace: "kube-system", policy: "AmazonEBSCSIDriverPolicy" },
                    { addon: "cluster-addons-cloudwatch-observability", serviceAccount: "cloudwatch-agent", namespace: "amazon-cloudwatch", policy: "CloudWatchAgentServerPolicy" },
                ];
                for (const { addon, serviceAccount, namespace, policy } of cases) {
                    const installed = single(resources, ADDON, addon);
                    const [association] = inputs(installed).podIdentityAssociations;
                    assert.equal(association.serviceAccount, serviceAccount);
                    const [role] = ofType(resources, "aws:iam/role:Role").filter((r) => installed.propertyDependencies.podIdentityAssociations.includes(r.urn));
                    const [trust] = policyOf(role, "assumeRolePolicy").Statement;
                    assert.deepEqual(trust.Principal, { Service: "pods.eks.amazonaws.com" });
                    assert.deepEqual(trust.Action, ["sts:AssumeRole", "sts:TagSession"]);
                    const tags = (trust.Condition as Record<string, Record<string, unknown>>).StringEquals;
                    assert.deepEqual(tags["aws:RequestTag/kubernetes-service-account"], serviceAccount);
                    assert.deepEqual(tags["aws:RequestTag/kubernetes-namespace"], [namespace]);
                    const attached = ofType(resources, "aws:iam/rolePolicyAttachment:RolePolicyAttachment").filter((a) => a.propertyDependencies.role?.includes(role.urn));
                    assert.ok(attached.some((a) => String(inputs(a).policyArn).endsWith(`/${policy}`)), `${addon} role has ${policy}`);
                }
            });

            it("creates the container log groups with retention and the logs key before the agent writes to them", async () => {
                const { resources, config } = await previewOf(stack);
                const groups = ofType(resources, "aws:cloudwatch/logGroup:LogGroup").filter((g) => g.name.startsWith("cluster-addons-insights-"));
                assert.deepEqual(groups.map((g) => inputs(g).name).sort(), ["application", "dataplane", "host", "performance"]
                    .map((kind) => `/aws/containerinsights/clinical-platform-${stack}/${kind}`));
                const agent = single(resources, ADDON, "cluster-addons-cloudwatch-observability");
                for (const group of groups) {
                    assert.equal(inputs(group).retentionInDays, config.logs.retentionDays);
                    assert.deepEqual(group.propertyDependencies.kmsKeyId, [urnOf(resources, KEY, "keys-logs")]);
                    assert.ok(agent.dependencies.includes(group.urn));
                }
            });

            it("builds one Kubernetes provider from the cluster's outputs, authenticating with aws eks get-token as the admin role", async () => {
                const { resources, config } = await previewOf(stack);
                const provider = single(resources, "pulumi:providers:kubernetes");
                const kubeconfig = JSON.parse(inputs(provider).kubeconfig);
                const [user] = kubeconfig.users;
                assert.equal(user.user.exec.command, "aws");
                assert.deepEqual(user.user.exec.args, [
                    "eks", "get-token", "--cluster-name", `clinical-platform-${stack}`, "--region", config.region, "--role-arn", config.cluster.adminRoleArn, "--output", "json",
                ]);
                assert.equal(user.user.token, undefined, "no stored token");
                assert.match(kubeconfig.clusters[0].cluster.server, /^https:\/\/.+\.eks\.amazonaws\.com$/);
                assert.ok(provider.propertyDependencies.kubeconfig.includes(urnOf(resources, CLUSTER, "cluster-control-plane")));
                assert.ok(provider.dependencies.includes(urnOf(resources, "aws:eks/accessPolicyAssociation:AccessPolicyAssociation", "cluster-control-plane-admin")));
            });

            it("creates every Kubernetes object through that provider", async () => {
                const { resources } = await previewOf(stack);
                const provider = single(resources, "pulumi:providers:kubernetes");
                const objects = resources.filter((r) => r.type.startsWith("kubernetes:"));
                assert.ok(objects.length >= 10);
                for (const object of objects) {
                    assert.ok(object.options.provider?.startsWith(`${provider.urn}::`), `${object.type} ${object.name}`);
                }
            });

            it("installs controllers as Helm releases at pinned chart versions, never as charts rendered at program time", async () => {
                const { resources } = await previewOf(stack);
                assert.deepEqual(resources.filter((r) => r.type.includes("helm.sh") && r.type !== K8S.release).map((r) => r.type), []);
                const releases = ofType(resources, K8S.release).map(inputs);
                assert.deepEqual(releases.map((r) => r.chart).sort(), ["aws-load-balancer-controller", "secrets-store-csi-driver-provider-aws"]);
                for (const release of releases) {
                    assert.match(release.version, /^\d+\.\d+\.\d+$/);
                    assert.match(release.repositoryOpts.repo, /^https:\/\//);
                    assert.equal(release.namespace, "kube-system");
                }
                const secretsStore = releases.find((r) => r.chart === "secrets-store-csi-driver-provider-aws");
                assert.equal(secretsStore.values["secrets-store-csi-driver"].syncSecret.enabled, true);
            });

            it("makes encrypted gp3 with the cluster key the default storage class", async () => {
                const { resources } = await previewOf(stack);
                const storageClass = single(resources, "kubernetes:storage.k8s.io/v1:StorageClass");
                assert.equal(inputs(storageClass).metadata.annotations["storageclass.kubernetes.io/is-default-class"], "true");
                assert.equal(inputs(storageClass).parameters.encrypted, "true");
                assert.equal(inputs(storageClass).parameters.type, "gp3");
                assert.deepEqual(storageClass.propertyDependencies.parameters, [urnOf(resources, KEY, "keys-cluster")]);
            });

            it("protects the cluster from deletion where data is protected", async () => {
                const { resources, config } = await previewOf(stack);
                assert.equal(inputsOf(resources, CLUSTER).deletionProtection, config.protectData);
            });
        });
    }

    it("opens a public endpoint only to the ranges a stack lists", async () => {
        const { resources } = await previewWithEdit("dev", (doc) => doc.setIn(["config", "clinical-platform:cluster", "publicAccessCidrs"], ["203.0.113.0/24"]));
        const vpc = inputsOf(resources, CLUSTER).vpcConfig;
        assert.equal(vpc.endpointPublicAccess, true);
        assert.equal(vpc.endpointPrivateAccess, true);
        assert.deepEqual(vpc.publicAccessCidrs, ["203.0.113.0/24"]);
    });
});
