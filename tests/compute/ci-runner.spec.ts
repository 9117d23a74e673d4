import { strict as assert } from "assert";
import * as path from "path";
import { REPOSITORY_ROOT } from "../../infra/offline/preview";
import { ConfigProblem, PROJECT, StackConfigError, loadStackConfig } from "../../stacks";
import { readStackFile } from "../../stacks/stack-file";
import { STACKS, grantOf, ofType, previewOf, single } from "../harness/stacks";
import { inputs, inputsOf, urnOf } from "./support";

const PROJECT_TYPE = "aws:codebuild/project:Project";
const WEBHOOK = "aws:codebuild/webhook:Webhook";
const SG = "aws:ec2/securityGroup:SecurityGroup";
const INGRESS = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule";
const EGRESS = "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule";
const ROLE = "aws:iam/role:Role";
const CLUSTER = "aws:eks/cluster:Cluster";
const ENTRY = "aws:eks/accessEntry:AccessEntry";
const ASSOCIATION = "aws:eks/accessPolicyAssociation:AccessPolicyAssociation";
const EKS_POLICY = "arn:aws:eks::aws:cluster-access-policy/";

describe("the CI runner inside the network", () => {
    for (const stack of STACKS) {
        describe(`in ${stack}`, () => {
            it("is a CodeBuild project in the VPC's private subnets, in a group of its own", async () => {
                const { resources } = await previewOf(stack);
                const project = single(resources, PROJECT_TYPE);
                const privateSubnets = ofType(resources, "aws:ec2/subnet:Subnet").filter((s) => s.name.startsWith("network-private-")).map((s) => s.urn);
                const vpcConfig = project.propertyDependencies.vpcConfig ?? [];
                assert.ok(vpcConfig.includes(urnOf(resources, "aws:ec2/vpc:Vpc", "network")), "the stack's VPC");
                for (const subnet of privateSubnets) assert.ok(vpcConfig.includes(subnet), `in ${subnet}`);
                assert.ok(!vpcConfig.some((urn) => /network-(public|isolated)-/.test(urn)), "no public or isolated subnet");
                assert.ok(vpcConfig.includes(urnOf(resources, SG, "ci-runner-group")));
                assert.equal(inputs(project).vpcConfig.subnets.length, privateSubnets.length);
                assert.equal(inputs(project).vpcConfig.securityGroupIds.length, 1);
                assert.equal(inputs(project).name, `clinical-platform-${stack}-runner`);
            });

            it("runs each job in a fresh, unprivileged container that keeps no artifacts", async () => {
                const project = inputsOf((await previewOf(stack)).resources, PROJECT_TYPE);
                assert.equal(project.environment.type, "LINUX_CONTAINER");
                assert.equal(project.environment.image, "aws/codebuild/amazonlinux-x86_64-standard:5.0");
                assert.equal(project.environment.privilegedMode, false);
                assert.deepEqual(project.artifacts, { type: "NO_ARTIFACTS" });
                assert.equal(project.cache, undefined);
                assert.equal(project.projectVisibility, "PRIVATE");
            });

            it("admits nothing inbound and sends only HTTPS out, plus the test port to the load balancer alone", async () => {
                const { resources } = await previewOf(stack);
                const group = urnOf(resources, SG, "ci-runner-group");
                assert.equal(inputsOf(resources, SG, "ci-runner-group").ingress, undefined);
                assert.deepEqual(ofType(resources, INGRESS).filter((r) => r.propertyDependencies.securityGroupId?.includes(group)), []);
                const egress = ofType(resources, EGRESS).filter((r) => r.propertyDependencies.securityGroupId?.includes(group));
                const anywhere = egress.filter((r) => inputs(r).cidrIpv4 !== undefined).map(inputs);
                assert.deepEqual(anywhere.map((r) => [r.ipProtocol, r.fromPort, r.toPort]), [["tcp", 443, 443]]);
                // The smoke tests reach the candidate's test listener (8443), in the load balancer's group only.
                const toGroups = egress.filter((r) => inputs(r).cidrIpv4 === undefined);
                assert.deepEqual(toGroups.map((r) => [inputs(r).ipProtocol, inputs(r).fromPort, inputs(r).toPort]), [["tcp", 8443, 8443]]);
                assert.deepEqual(toGroups[0].propertyDependencies.referencedSecurityGroupId, [urnOf(resources, SG, "api-lb")]);
            });

            it("logs every build to a group encrypted with the logs key, kept as long as the profile says", async () => {
                const { resources, config } = await previewOf(stack);
                const logGroup = single(resources, "aws:cloudwatch/logGroup:LogGroup", "ci-runner-logs");
                assert.equal(inputs(logGroup).retentionInDays, config.logs.retentionDays);
                assert.deepEqual(logGroup.propertyDependencies.kmsKeyId, [urnOf(resources, "aws:kms/key:Key", "keys-logs")]);
                const project = single(resources, PROJECT_TYPE);
                assert.equal(inputs(project).logsConfig.cloudwatchLogs.status, "ENABLED");
                assert.equal(inputs(project).logsConfig.s3Logs.status, "DISABLED");
                assert.ok(project.propertyDependencies.logsConfig.includes(logGroup.urn));
            });

            it("takes the repository's queued workflow jobs through the configured GitHub connection", async () => {
                const { resources, config } = await previewOf(stack);
                const project = inputsOf(resources, PROJECT_TYPE);
                assert.deepEqual(project.source.auth, { type: "CODECONNECTIONS", resource: config.ci.connectionArn });
                assert.equal(project.source.location, `https://github.com/${config.ci.repository}.git`);
                const webhook = single(resources, WEBHOOK);
                assert.ok(webhook.propertyDependencies.projectName.includes(urnOf(resources, PROJECT_TYPE, "ci-runner")));
                assert.deepEqual(inputs(webhook).filterGroups, [{ filters: [{ type: "EVENT", pattern: "WORKFLOW_JOB_QUEUED" }] }]);
            });

            it("builds as a role of its own that only CodeBuild, for this project, may assume; not the deploy role", async () => {
                const { resources, config } = await previewOf(stack);
                const project = single(resources, PROJECT_TYPE);
                const role = single(resources, ROLE, "ci-runner-role");
                assert.deepEqual(project.propertyDependencies.serviceRole, [role.urn]);
                assert.notEqual(inputs(project).serviceRole, config.ci.deployRoleArn);
                const [trust] = JSON.parse(inputs(role).assumeRolePolicy).Statement;
                assert.deepEqual(trust.Principal, { Service: "codebuild.amazonaws.com" });
                assert.equal(trust.Condition.StringEquals["aws:SourceAccount"], config.account.id);
                assert.equal(trust.Condition.ArnLike["aws:SourceArn"], `arn:aws:codebuild:${config.region}:${config.account.id}:project/clinical-platform-${stack}-runner`);
            });

            it("grants the build role its logs, network interfaces in the private subnets for CodeBuild only, and the connection", async () => {
                const { resources, config } = await previewOf(stack);
                const statements = grantOf(resources, "ci-runner-role").Statement;
                const actions = statements.flatMap((s) => [s.Action].flat() as string[]);
                assert.ok(!actions.some((a) => a.startsWith("sts:") || a.startsWith("eks:") || a.endsWith("*")), "nothing beyond what a build needs");
                const permission = statements.find((s) => s.Action === "ec2:CreateNetworkInterfacePermission") as { Condition: Record<string, Record<string, unknown>>; Resource: string };
                assert.equal(permission.Condition.StringEquals["ec2:AuthorizedService"], "codebuild.amazonaws.com");
                const subnets = permission.Condition.ArnEquals["ec2:Subnet"] as string[];
                assert.equal(subnets.length, config.network.subnets.private.length);
                for (const arn of subnets) assert.match(arn, new RegExp(`^arn:aws:ec2:${config.region}:${config.account.id}:subnet/`));
                const connection = statements.find((s) => s.Sid === "GitHubConnection");
                assert.equal(connection?.Resource, config.ci.connectionArn);
                const logs = statements.find((s) => s.Sid === "BuildLogs");
                assert.deepEqual(logs?.Action, ["logs:CreateLogStream", "logs:PutLogEvents"]);
            });

            it("opens the cluster's API port to the runner's group only, and to no listed peer network", async () => {
                const { resources, config } = await previewOf(stack);
                const cluster = urnOf(resources, CLUSTER, "cluster-control-plane");
                // The cluster group is also the nodes' group; the load balancer's rule into the pods is on the app port.
                const intoCluster = ofType(resources, INGRESS).filter((r) => r.propertyDependencies.securityGroupId?.includes(cluster))
                    .filter((r) => inputs(r).fromPort <= 443 && inputs(r).toPort >= 443);
                assert.equal(intoCluster.length, 1);
                const [rule] = intoCluster;
                assert.deepEqual([inputs(rule).ipProtocol, inputs(rule).fromPort, inputs(rule).toPort], ["tcp", 443, 443]);
                assert.deepEqual(rule.propertyDependencies.referencedSecurityGroupId, [urnOf(resources, SG, "ci-runner-group")]);
                assert.equal(inputs(rule).cidrIpv4, undefined);
                const cidrRules = ofType(resources, INGRESS).map(inputs).filter((r) => r.cidrIpv4 !== undefined);
                for (const peer of config.network.peerCidrs) assert.ok(!cidrRules.some((r) => r.cidrIpv4 === peer), `no way in from ${peer}`);
            });

            it("gives each CI role its own access entry: the deploy role cluster admin, the preview role read-only; the admin entry stays for people", async () => {
                const { resources, config } = await previewOf(stack);
                const expected: Array<[string, string, string]> = [
                    ["cluster-control-plane-admin", config.cluster.adminRoleArn, "AmazonEKSClusterAdminPolicy"],
                    ["cluster-control-plane-ci-deploy", config.ci.deployRoleArn, "AmazonEKSClusterAdminPolicy"],
                    ["cluster-control-plane-ci-preview", config.ci.previewRoleArn, "AmazonEKSViewPolicy"],
                ];
                // Besides these, only the node role's entry (EC2, for Auto Mode nodes) exists.
                const people = ofType(resources, ENTRY).filter((r) => inputs(r).type === "STANDARD");
                assert.deepEqual(people.map((r) => r.name).sort(), expected.map(([name]) => name).sort());
                for (const [name, principal, policy] of expected) {
                    assert.equal(inputsOf(resources, ENTRY, name).principalArn, principal);
                    assert.equal(inputsOf(resources, ENTRY, name).type, "STANDARD");
                    const association = single(resources, ASSOCIATION, name);
                    assert.equal(inputs(association).principalArn, principal);
                    assert.equal(inputs(association).policyArn, `${EKS_POLICY}${policy}`);
                    assert.deepEqual(inputs(association).accessScope, { type: "cluster" });
                    assert.ok(association.dependencies.includes(urnOf(resources, ENTRY, name)));
                }
                assert.notEqual(config.ci.deployRoleArn, config.cluster.adminRoleArn);
            });
        });
    }
});

describe("the first up of a stack, before its runner exists", () => {
    // A targeted `up` refuses to create a resource that depends (input, dependsOn, parent) on one it
    // skips (pulumi/pulumi#17633), and skips providers it is not asked for (pulumi/pulumi#12628,
    // both checked 2026-12-01). So a person can create the runner first, from outside the VPC, only if
    // everything it depends on is in these targets: the whole network (NAT egress included), the Keys
    // component with its logs key, and the runner itself.
    const inFirstTargets = (urn: string) => {
        const [, , typePath, name] = urn.split("::");
        const types = typePath.split("$");
        if (types[0] === "pulumi:pulumi:Stack") return true;
        if (types[0] === "clinical-platform:network:Network" || types[0] === "clinical-platform:ci:Runner") return true;
        return types[0] === "clinical-platform:keys:Keys" && (types.length === 1 || name === "keys-logs");
    };

    for (const stack of STACKS) {
        it(`can create the ${stack} runner with a targeted up of the network, the logs key and the runner alone`, async () => {
            const { resources } = await previewOf(stack, { firstDeployment: true });
            const byUrn = new Map(resources.map((r) => [r.urn, r]));
            const needed = new Set<string>();
            const visit = (urn: string | null | undefined) => {
                if (!urn || needed.has(urn)) return;
                needed.add(urn);
                const resource = byUrn.get(urn);
                if (!resource) return;
                visit(resource.parent);
                for (const next of [...resource.dependencies, ...Object.values(resource.propertyDependencies).flat()]) visit(next);
            };
            const runner = resources.filter((r) => r.urn.includes("::clinical-platform:ci:Runner"));
            assert.ok(runner.some((r) => r.type === PROJECT_TYPE) && runner.some((r) => r.type === WEBHOOK));
            // The whole network is targeted (the runner needs its NAT egress), so what it needs is too.
            for (const r of [...runner, ...resources.filter((r) => r.urn.includes("::clinical-platform:network:Network"))]) visit(r.urn);
            assert.deepEqual([...needed].filter((urn) => !inFirstTargets(urn)), []);
        });
    }
});

describe("the CI settings of a stack", () => {
    type Raw = Record<string, string>;
    const committed = (stack = "production"): Raw => readStackFile(path.join(REPOSITORY_ROOT, `Pulumi.${stack}.yaml`), PROJECT);
    const withCi = (edit: (ci: Record<string, unknown>) => void): Raw => {
        const raw = committed();
        const ci = JSON.parse(raw[`${PROJECT}:ci`]);
        edit(ci);
        return { ...raw, [`${PROJECT}:ci`]: JSON.stringify(ci) };
    };
    const problemsOf = (raw: Raw): ConfigProblem[] => {
        try {
            loadStackConfig("production", raw);
        } catch (error) {
            assert.ok(error instanceof StackConfigError, `expected a StackConfigError, got ${error}`);
            return [...error.problems];
        }
        assert.fail("the config was accepted");
    };
    const problemAt = (raw: Raw, key: string): ConfigProblem => {
        const problems = problemsOf(raw);
        const found = problems.find((p) => p.key === `${PROJECT}:${key}`);
        assert.ok(found, `no problem reported at ${key}; got ${problems.map((p) => p.key).join(", ")}`);
        return found;
    };

    it("are required, so no stack deploys without its runner and CI roles", () => {
        const raw = committed();
        delete raw[`${PROJECT}:ci`];
        assert.match(problemAt(raw, "ci").expected, /repository, connectionArn, deployRoleArn and previewRoleArn/);
    });

    it("name each missing key", () => {
        const problem = problemAt(withCi((ci) => { delete ci.previewRoleArn; }), "ci.previewRoleArn");
        assert.match(problem.expected, /IAM role ARN/);
    });

    it("refuse a repository that is not owner/name", () => {
        assert.match(problemAt(withCi((ci) => { ci.repository = "https://github.com/example-org/clinical-platform"; }), "ci.repository").expected, /owner\/name/);
    });

    it("refuse a connection ARN of another service", () => {
        const raw = withCi((ci) => { ci.connectionArn = "arn:aws:iam::111122223333:role/github"; });
        assert.match(problemAt(raw, "ci.connectionArn").expected, /CodeConnections connection ARN/);
    });

    it("accept a connection made before the rename to CodeConnections", () => {
        const config = loadStackConfig("production", withCi((ci) => {
            ci.connectionArn = "arn:aws:codestar-connections:us-east-1:111122223333:connection/0a1b2c3d-3333-4aaa-8bbb-00000000000c";
        }));
        assert.match(config.ci.connectionArn, /^arn:aws:codestar-connections:/);
    });

    it("refuse a role or connection outside the stack's account", () => {
        const raw = withCi((ci) => {
            ci.deployRoleArn = "arn:aws:iam::999988887777:role/deploy";
            ci.connectionArn = "arn:aws:codeconnections:us-east-1:999988887777:connection/0a1b2c3d-3333-4aaa-8bbb-00000000000c";
        });
        for (const key of ["ci.deployRoleArn", "ci.connectionArn"]) {
            const problem = problemAt(raw, key);
            assert.match(problem.expected, /stack's account 111122223333/);
            assert.equal(problem.received, "one in account 999988887777");
        }
    });

    it("refuse the people's admin role as a CI role", () => {
        const admin = JSON.parse(committed()[`${PROJECT}:cluster`]).adminRoleArn;
        const raw = withCi((ci) => { ci.deployRoleArn = admin; });
        assert.match(problemAt(raw, "ci.deployRoleArn").expected, /other than cluster\.adminRoleArn/);
    });

    it("refuse one role for both deploys and previews", () => {
        const raw = withCi((ci) => { ci.previewRoleArn = ci.deployRoleArn; });
        assert.match(problemAt(raw, "ci.previewRoleArn").expected, /read-only/);
    });
});
