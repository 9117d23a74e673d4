import { strict as assert } from "assert";
import { nodePoolLimits } from "../../components/cluster";
import { cpuMillicores, memoryMiB } from "../../components/cluster/capacity";
import { RecordedResource } from "../../infra/offline/types";
import { EKS_DEFAULT_BUILD } from "../../stacks/eks-versions";
import { STACKS, ofType, policyOf, previewOf, previewWithEdit, single } from "../harness/stacks";
import { Json, K8S, dependencyClosure, inputs, inputsOf, urnOf } from "./support";

const CLUSTER = "aws:eks/cluster:Cluster";
const ADDON = "aws:eks/addon:Addon";
const LAUNCH_TEMPLATE = "aws:ec2/launchTemplate:LaunchTemplate";
const NODE_GROUP = "aws:eks/nodeGroup:NodeGroup";
const KEY = "aws:kms/key:Key";
const ROLE = "aws:iam/role:Role";
const SG = "aws:ec2/securityGroup:SecurityGroup";
const NODE_CLASS = "kubernetes:eks.amazonaws.com/v1:NodeClass";
const NODE_POOL = "kubernetes:karpenter.sh/v1:NodePool";

const attachmentsOf = (resources: RecordedResource[], role: RecordedResource) => ofType(resources, "aws:iam/rolePolicyAttachment:RolePolicyAttachment")
    .filter((a) => a.propertyDependencies.role?.includes(role.urn));

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
                assert.equal(config.cluster.version, "1.35", "1.34 leaves standard support on 2026-12-02");
                assert.deepEqual(inputs(cluster).upgradePolicy, { supportType: "STANDARD" }, "never slides into paid extended support");
                assert.equal(inputs(cluster).kubernetesNetworkConfig.serviceIpv4Cidr, config.cluster.serviceCidr);
            });

            it("sends all five control-plane log types to an encrypted group that exists before the cluster", async () => {
                const { resources, config } = await previewOf(stack);
                const cluster = single(resources, CLUSTER);
                assert.deepEqual([...inputs(cluster).enabledClusterLogTypes].sort(), ["api", "audit", "authenticator", "controllerManager", "scheduler"]);
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
                const entry = inputsOf(resources, "aws:eks/accessEntry:AccessEntry", "cluster-control-plane-admin");
                assert.equal(entry.principalArn, config.cluster.adminRoleArn);
                assert.equal(entry.type, "STANDARD");
                const association = single(resources, "aws:eks/accessPolicyAssociation:AccessPolicyAssociation", "cluster-control-plane-admin");
                assert.equal(inputs(association).principalArn, config.cluster.adminRoleArn);
                assert.equal(inputs(association).policyArn, "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy");
                assert.deepEqual(inputs(association).accessScope, { type: "cluster" });
                assert.ok(association.dependencies.includes(urnOf(resources, "aws:eks/accessEntry:AccessEntry", "cluster-control-plane-admin")));
            });

            it("runs in EKS Auto Mode with compute, block storage and load balancing switched on together and no built-in node pool", async () => {
                const { resources } = await previewOf(stack);
                const cluster = inputsOf(resources, CLUSTER);
                assert.deepEqual(cluster.computeConfig, { enabled: true, nodePools: [] });
                assert.equal(cluster.computeConfig.nodeRoleArn, undefined, "EKS takes no node role without a built-in pool");
                assert.deepEqual(cluster.storageConfig, { blockStorage: { enabled: true } });
                assert.deepEqual(cluster.kubernetesNetworkConfig.elasticLoadBalancing, { enabled: true });
                assert.equal(cluster.bootstrapSelfManagedAddons, false);
                assert.deepEqual(ofType(resources, NODE_GROUP), [], "no fixed-size node group");
                assert.deepEqual(ofType(resources, LAUNCH_TEMPLATE), []);
            });

            it("gives the cluster role the five Auto Mode policies and session tagging, all attached before the cluster", async () => {
                const { resources } = await previewOf(stack);
                const cluster = single(resources, CLUSTER);
                const role = single(resources, ROLE, "cluster-roles-cluster");
                assert.deepEqual(cluster.propertyDependencies.roleArn, [role.urn]);
                const [trust] = policyOf(role, "assumeRolePolicy").Statement;
                assert.deepEqual(trust.Principal, { Service: "eks.amazonaws.com" });
                assert.deepEqual(trust.Action, ["sts:AssumeRole", "sts:TagSession"]);
                const attached = attachmentsOf(resources, role);
                assert.deepEqual(attached.map((a) => String(inputs(a).policyArn)).sort(), [
                    "AmazonEKSBlockStoragePolicy", "AmazonEKSClusterPolicy", "AmazonEKSComputePolicy", "AmazonEKSLoadBalancingPolicy", "AmazonEKSNetworkingPolicy",
                ].map((policy) => `arn:aws:iam::aws:policy/${policy}`));
                for (const attachment of attached) assert.ok(cluster.dependencies.includes(attachment.urn), `the cluster waits for ${attachment.name}`);
            });

            it("lets Auto Mode nodes join through an EC2 access entry with the Auto Mode node policy, before the NodeClass names their role", async () => {
                const { resources } = await previewOf(stack);
                const role = single(resources, ROLE, "cluster-roles-node");
                const [trust] = policyOf(role, "assumeRolePolicy").Statement;
                assert.deepEqual(trust.Principal, { Service: "ec2.amazonaws.com" });
                const attached = attachmentsOf(resources, role);
                assert.deepEqual(attached.map((a) => String(inputs(a).policyArn)).sort(), [
                    "arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryPullOnly", "arn:aws:iam::aws:policy/AmazonEKSWorkerNodeMinimalPolicy",
                ]);
                const entry = single(resources, "aws:eks/accessEntry:AccessEntry", "cluster-nodes-node");
                assert.equal(inputs(entry).type, "EC2");
                assert.deepEqual(entry.propertyDependencies.principalArn, [role.urn]);
                const association = single(resources, "aws:eks/accessPolicyAssociation:AccessPolicyAssociation", "cluster-nodes-node");
                assert.equal(inputs(association).policyArn, "arn:aws:eks::aws:cluster-access-policy/AmazonEKSAutoNodePolicy");
                assert.deepEqual(inputs(association).accessScope, { type: "cluster" });
                const nodeClass = single(resources, NODE_CLASS);
                const before = dependencyClosure(resources, nodeClass);
                for (const needed of [entry, association, ...attached]) assert.ok(before.has(needed.urn), `the NodeClass waits for ${needed.name}`);
            });

            it("launches nodes only from its own NodeClass: private subnets, the cluster and database client groups, storage under the cluster key", async () => {
                const { resources, config } = await previewOf(stack);
                const nodeClass = single(resources, NODE_CLASS);
                const spec = inputs(nodeClass).spec;
                assert.notEqual(inputs(nodeClass).metadata.name, "default", "EKS reserves the name default");
                const subnets = ofType(resources, "aws:ec2/subnet:Subnet").filter((s) => s.name.startsWith("network-private-"));
                assert.equal(spec.subnetSelectorTerms.length, subnets.length);
                for (const subnet of subnets) assert.ok(nodeClass.propertyDependencies.spec.includes(subnet.urn), subnet.name);
                assert.equal(spec.securityGroupSelectorTerms.length, 2, "the cluster group and the database's client group");
                assert.ok(nodeClass.propertyDependencies.spec.includes(urnOf(resources, SG, "database-clients")));
                assert.ok(nodeClass.propertyDependencies.spec.includes(urnOf(resources, CLUSTER, "cluster-control-plane")), "the cluster group");
                assert.match(spec.ephemeralStorage.kmsKeyID, /^arn:aws:kms:/);
                assert.ok(nodeClass.propertyDependencies.spec.includes(urnOf(resources, KEY, "keys-cluster")));
                assert.equal(spec.ephemeralStorage.size, `${config.cluster.nodes.diskSizeGiB}Gi`);
                assert.ok(nodeClass.propertyDependencies.spec.includes(urnOf(resources, ROLE, "cluster-roles-node")));
                const pool = inputsOf(resources, NODE_POOL);
                assert.deepEqual(pool.spec.template.spec.nodeClassRef, { group: "eks.amazonaws.com", kind: "NodeClass", name: inputs(nodeClass).metadata.name });
                assert.ok(pool.spec.template.spec.requirements.some((r: Json) => r.key === "karpenter.sh/capacity-type" && r.values.join() === "on-demand"));
            });

            it("puts nodes in the database's client group, which no other resource joins", async () => {
                const { resources } = await previewOf(stack);
                const clients = urnOf(resources, SG, "database-clients");
                const joiners = resources.filter((r) => Object.entries(r.propertyDependencies).some(([property, urns]) => urns.includes(clients)
                    && ["vpcSecurityGroupIds", "securityGroups", "securityGroupIds", "referencedSecurityGroupId", "spec"].includes(property)));
                assert.deepEqual(joiners.map((r) => r.name).sort(), ["cluster-nodes-class", "database-from-clients"]);
            });

            it("asks for m nodes of at least 4 vCPU and bounds the NodePool so both slots at their ceilings fit the worst packing", async () => {
                const { resources, config } = await previewOf(stack);
                const pool = inputsOf(resources, NODE_POOL).spec;
                const requirement = (key: string) => pool.template.spec.requirements.find((r: Json) => r.key === key);
                // Every profile requests 4 GiB per vCPU, which is what m nodes have: nothing is stranded.
                assert.deepEqual(requirement("eks.amazonaws.com/instance-category"), { key: "eks.amazonaws.com/instance-category", operator: "In", values: ["m"] });
                assert.deepEqual(requirement("eks.amazonaws.com/instance-cpu"), { key: "eks.amazonaws.com/instance-cpu", operator: "Gt", values: ["3"] });
                assert.deepEqual(config.cluster.nodes.minInstanceCpu, 4);
                const { maxReplicas, cpuRequest, memoryLimit } = config.app;
                const limits = nodePoolLimits({ slots: 2, maxReplicas, surgePercent: 25, cpuRequest, memoryRequest: memoryLimit }, config.cluster.nodes);
                assert.deepEqual(pool.limits, { cpu: limits.cpu, memory: limits.memory });
                // Whatever the packing, the limits hold at least every pod at its requests plus the controllers.
                const pods = limits.breakdown.podsAtCeiling;
                assert.ok(Number(pool.limits.cpu) * 1000 >= pods * cpuMillicores(cpuRequest) + 2000);
                assert.ok(memoryMiB(pool.limits.memory) >= pods * memoryMiB(memoryLimit) + 4096);
            });

            it("installs only the add-ons Auto Mode does not bring, after the node pool, each build resolved once and then kept", async () => {
                const { resources, config } = await previewOf(stack);
                const addons = ofType(resources, ADDON);
                assert.deepEqual(addons.map((a) => inputs(a).addonName).sort(), ["amazon-cloudwatch-observability", "metrics-server"]);
                const pool = single(resources, NODE_POOL);
                for (const addon of addons) {
                    const name = inputs(addon).addonName as "metrics-server" | "amazon-cloudwatch-observability";
                    assert.ok(dependencyClosure(resources, addon).has(pool.urn), `${name} waits for the node pool`);
                    assert.equal(config.cluster.addons[name], EKS_DEFAULT_BUILD);
                    assert.equal(inputs(addon).addonVersion, "v1.0.0-eksbuild.1", `${name} takes the EKS default build`);
                    assert.deepEqual(addon.options.ignoreChanges, ["addonVersion"], `${name}: a later up does not move the build`);
                }
            });

            it("gives the CloudWatch agent its own Pod Identity role, attached before the add-on", async () => {
                const { resources } = await previewOf(stack);
                const installed = single(resources, ADDON, "cluster-addons-cloudwatch-observability");
                const [association] = inputs(installed).podIdentityAssociations;
                assert.equal(association.serviceAccount, "cloudwatch-agent");
                const [role] = ofType(resources, ROLE).filter((r) => installed.propertyDependencies.podIdentityAssociations.includes(r.urn));
                const [trust] = policyOf(role, "assumeRolePolicy").Statement;
                assert.deepEqual(trust.Principal, { Service: "pods.eks.amazonaws.com" });
                assert.deepEqual(trust.Action, ["sts:AssumeRole", "sts:TagSession"]);
                const tags = (trust.Condition as Record<string, Record<string, unknown>>).StringEquals;
                assert.deepEqual(tags["aws:RequestTag/kubernetes-service-account"], "cloudwatch-agent");
                assert.deepEqual(tags["aws:RequestTag/kubernetes-namespace"], ["amazon-cloudwatch"]);
                const attached = attachmentsOf(resources, role);
                assert.ok(attached.some((a) => String(inputs(a).policyArn).endsWith("/CloudWatchAgentServerPolicy")));
                for (const attachment of attached) assert.ok(installed.dependencies.includes(attachment.urn), "the add-on waits for its role's policy");
            });

            it("switches on network policy enforcement before workloads start", async () => {
                const { resources } = await previewOf(stack);
                const switchMap = single(resources, "kubernetes:core/v1:ConfigMap", "cluster-network-policy");
                assert.deepEqual(inputs(switchMap).metadata, { name: "amazon-vpc-cni", namespace: "kube-system" });
                assert.deepEqual(inputs(switchMap).data, { "enable-network-policy-controller": "true" });
                const deployments = ofType(resources, K8S.deployment);
                assert.ok(deployments.length > 0);
                for (const deployment of deployments) assert.ok(dependencyClosure(resources, deployment).has(switchMap.urn), deployment.name);
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

            it("builds one Kubernetes provider from the cluster's outputs, authenticating with aws eks get-token as whoever runs up, never as the admin role", async () => {
                const { resources, config } = await previewOf(stack);
                const provider = single(resources, "pulumi:providers:kubernetes");
                const kubeconfig = JSON.parse(inputs(provider).kubeconfig);
                const [user] = kubeconfig.users;
                assert.equal(user.user.exec.command, "aws");
                assert.deepEqual(user.user.exec.args, [
                    "eks", "get-token", "--cluster-name", `clinical-platform-${stack}`, "--region", config.region, "--output", "json",
                ]);
                assert.ok(!JSON.stringify(kubeconfig).includes("--role-arn"), "CI assumes no role through the kubeconfig");
                assert.ok(!JSON.stringify(kubeconfig).includes(config.cluster.adminRoleArn), "the admin role is for people");
                assert.equal(user.user.token, undefined, "no stored token");
                assert.match(kubeconfig.clusters[0].cluster.server, /^https:\/\/.+\.eks\.amazonaws\.com$/);
                assert.ok(provider.propertyDependencies.kubeconfig.includes(urnOf(resources, CLUSTER, "cluster-control-plane")));
                // Either deployer may run `up`: a person as the admin role, CI as the deploy role.
                for (const deployer of ["cluster-control-plane-admin", "cluster-control-plane-ci-deploy"]) {
                    assert.ok(provider.dependencies.includes(urnOf(resources, "aws:eks/accessPolicyAssociation:AccessPolicyAssociation", deployer)), deployer);
                }
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
                // Published in the chart repository's index (2.2.0 never was); checked 2026-12-01.
                assert.equal(secretsStore.version, "3.1.1");
                const driver = secretsStore.values["secrets-store-csi-driver"];
                // Pods read files; nothing may mirror secret values into Kubernetes Secrets.
                assert.equal(driver.syncSecret.enabled, false);
                assert.equal(driver.enableSecretRotation, true);
                // The provider's authors recommend polling about once an hour, not every 2 minutes.
                assert.equal(driver.rotationPollInterval, "3600s");
            });

            it("makes encrypted gp3 with the cluster key, provisioned by Auto Mode's block storage, the default storage class", async () => {
                const { resources } = await previewOf(stack);
                const storageClass = single(resources, "kubernetes:storage.k8s.io/v1:StorageClass");
                assert.equal(inputs(storageClass).provisioner, "ebs.csi.eks.amazonaws.com");
                assert.equal(inputs(storageClass).metadata.annotations["storageclass.kubernetes.io/is-default-class"], "true");
                assert.equal(inputs(storageClass).parameters.encrypted, "true");
                assert.equal(inputs(storageClass).parameters.type, "gp3");
                // A deleted claim must not delete its volume (patient data): Kubernetes's default is Delete.
                assert.equal(inputs(storageClass).reclaimPolicy, "Retain");
                assert.equal(inputs(storageClass).volumeBindingMode, "WaitForFirstConsumer", "the volume is made in the zone of the pod that claims it");
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

describe("the node capacity arithmetic", () => {
    // The stated figures, re-derived here from their sources rather than read from capacity.ts.
    // The smallest allowed node is 4 vCPU: m 16 GiB, c 8 GiB, r 32 GiB (EC2 instance type specifications).
    // kube-reserved CPU at 4 vCPU: 6 % of 1000m + 1 % of 1000m + 0.5 % of 2000m = 60 + 10 + 10 = 80m.
    // DaemonSets per node: CloudWatch agent 250m/128Mi, Fluent Bit 50m/25Mi, CSI driver 70m/140Mi, AWS provider 50m/100Mi.
    const daemonSetCpu = 250 + 50 + 70 + 50;
    const daemonSetMemory = 128 + 25 + 140 + 100;
    const allocatableCpu = 4000 - 80 - daemonSetCpu;
    // Memory: 7.5 % VM overhead (rounded up), kube-reserved 11 MiB × 110 pods + 255 MiB, eviction 100 MiB, DaemonSets.
    const allocatableMemory = (gib: number) => gib * 1024 - Math.ceil(gib * 1024 * 0.075) - (11 * 110 + 255) - 100 - daemonSetMemory;
    const fit = (gib: number, podCpu: number, podMemory: number) => Math.min(Math.floor(allocatableCpu / podCpu), Math.floor(allocatableMemory(gib) / podMemory));
    // (pods − 1) × the node capacity per pod + one more node, + 2 vCPU and 4 GiB of controllers × 1.25, rounded up.
    const expected = (pods: number, perNode: number, nodeCpu: number, nodeGiB: number) => ({
        cpu: String(Math.ceil(((pods - 1) * nodeCpu / perNode + nodeCpu) + 2.5 - 1e-9)),
        memory: `${Math.ceil(((pods - 1) * nodeGiB / perNode + nodeGiB) + 5 - 1e-9)}Gi`,
    });
    const m = { instanceCategories: ["m"], minInstanceCpu: 4 };
    const ceiling = (maxReplicas: number, cpuRequest: string, memoryRequest: string) => ({ slots: 2, maxReplicas, surgePercent: 25, cpuRequest, memoryRequest });

    it("leaves 3500m and 13197 MiB of a 4-vCPU m node to pods, and a 2-vCPU c node too little for a 1 vCPU / 4 GiB pod", () => {
        assert.equal(allocatableCpu, 3500);
        assert.equal(allocatableMemory(16), 13197);
        const limits = nodePoolLimits(ceiling(10, "1000m", "4Gi"), m);
        assert.deepEqual(limits.breakdown.packing.map((p) => [p.allocatableCpuMillicores, p.allocatableMemoryMiB, p.podsPerNode]), [[3500, 13197, 3]]);
        // The defect: with no minimum size, a c node of 2 vCPU / 4 GiB holds no such pod, and an m node of 2 vCPU holds one.
        assert.throws(() => nodePoolLimits(ceiling(10, "1000m", "4Gi"), { instanceCategories: ["c", "m", "r"], minInstanceCpu: 2 }),
            /does not fit the smallest allowed node of category c \(2 vCPU, 4 GiB/);
    });

    it("holds production's two slots at 10 pods of 1 vCPU and 4 GiB, mid-rollout, on m nodes of 4 vCPU: 40 vCPU and 155 GiB", () => {
        // ceil(10 × 25 %) = 3 surge pods per slot: 2 × 13 = 26 pods; 3 fit a node (CPU 3500/1000, memory 13197/4096).
        assert.equal(fit(16, 1000, 4096), 3);
        const limits = nodePoolLimits(ceiling(10, "1000m", "4Gi"), m);
        assert.equal(limits.breakdown.podsAtCeiling, 26);
        assert.deepEqual({ cpu: limits.cpu, memory: limits.memory }, expected(26, 3, 4, 16));
        assert.deepEqual({ cpu: limits.cpu, memory: limits.memory }, { cpu: "40", memory: "155Gi" });
        // 26 pods on full nodes of 3 need ceil(26 / 3) = 9 nodes, 36 vCPU and 144 GiB, within the limits beside the controllers.
        assert.ok(Number(limits.cpu) >= 9 * 4 + 2 && memoryMiB(limits.memory) >= (9 * 16 + 4) * 1024);
        // The old limits, 35 vCPU and 135 GiB, ran out at 8 such nodes: 24 pods, short of the 26 at the ceiling.
        assert.ok(Math.floor(35 / 4) * 3 < 26);
    });

    it("holds staging (2 × 5 pods of 500m / 2 GiB) and dev (2 × 3 pods of 250m / 1 GiB) the same way", () => {
        assert.equal(fit(16, 500, 2048), 6);
        assert.deepEqual(expected(10, 6, 4, 16), { cpu: "13", memory: "45Gi" });
        const staging = nodePoolLimits(ceiling(4, "500m", "2Gi"), m);
        assert.deepEqual({ cpu: staging.cpu, memory: staging.memory }, expected(10, 6, 4, 16));
        assert.equal(fit(16, 250, 1024), 12);
        assert.deepEqual(expected(6, 12, 4, 16), { cpu: "9", memory: "28Gi" });
        const dev = nodePoolLimits(ceiling(2, "250m", "1Gi"), m);
        assert.deepEqual({ cpu: dev.cpu, memory: dev.memory }, expected(6, 12, 4, 16));
    });

    it("raises the limits when c or r nodes are allowed, by the capacity they strand", () => {
        // A 4-vCPU c node has 8 GiB: one 4 GiB pod fits, so each pod can take up 4 vCPU.
        assert.equal(fit(8, 1000, 4096), 1);
        const withC = nodePoolLimits(ceiling(10, "1000m", "4Gi"), { instanceCategories: ["c", "m"], minInstanceCpu: 4 });
        assert.equal(withC.cpu, String(Math.ceil(25 * 4 + 4 + 2.5)));
        // A 4-vCPU r node has 32 GiB but CPU for 3 pods: each pod can take up 32 / 3 GiB.
        assert.equal(fit(32, 1000, 4096), 3);
        const withR = nodePoolLimits(ceiling(10, "1000m", "4Gi"), { instanceCategories: ["m", "r"], minInstanceCpu: 4 });
        assert.equal(withR.memory, `${Math.ceil(25 * 32 / 3 + 32 + 5)}Gi`);
        const all = nodePoolLimits(ceiling(10, "1000m", "4Gi"), { instanceCategories: ["c", "m", "r"], minInstanceCpu: 4 });
        assert.deepEqual([all.cpu, all.memory], ["107", "304Gi"]);
        assert.ok(Number(all.cpu) > 40 && memoryMiB(all.memory) > 155 * 1024);
    });

    it("grows with the ceiling, the requests and the size of the newest node", () => {
        const larger = nodePoolLimits(ceiling(20, "1", "4096Mi"), m);
        assert.ok(Number(larger.cpu) > 40 && memoryMiB(larger.memory) > 155 * 1024);
        // 8-vCPU m nodes (32 GiB) hold 6 such pods: the same capacity per pod, one larger newest node.
        const eight = nodePoolLimits(ceiling(10, "1000m", "4Gi"), { instanceCategories: ["m"], minInstanceCpu: 8 });
        assert.equal(eight.breakdown.packing[0].podsPerNode, 6);
        assert.deepEqual([eight.cpu, eight.memory], [String(Math.ceil(25 * 8 / 6 + 8 + 2.5)), `${Math.ceil(25 * 32 / 6 + 32 + 5)}Gi`]);
    });

    it("refuses a pod bigger than any node the requirements allow, naming the category and the way out", () => {
        assert.throws(() => nodePoolLimits(ceiling(10, "4000m", "8Gi"), m),
            /a pod requesting 4000m CPU and 8Gi does not fit the smallest allowed node of category m \(4 vCPU, 16 GiB; 3500m and 13197 MiB left for pods\); raise minInstanceCpu \(now 4\)/);
        assert.throws(() => nodePoolLimits(ceiling(10, "1000m", "4Gi"), { instanceCategories: ["m"], minInstanceCpu: 1 }), /at least 2/);
        assert.throws(() => nodePoolLimits(ceiling(10, "1000m", "4Gi"), { instanceCategories: ["g"], minInstanceCpu: 4 }), /instance category "g"/);
    });

    it("refuses a quantity it cannot read rather than guessing", () => {
        assert.throws(() => nodePoolLimits(ceiling(2, "one", "1Gi"), m), /CPU quantity/);
        assert.throws(() => nodePoolLimits(ceiling(2, "1", "1G"), m), /memory quantity/);
        assert.throws(() => nodePoolLimits(ceiling(0, "1", "1Gi"), m), /positive integers/);
    });
});
