import { strict as assert } from "assert";
import { APP_PORT, TLS_POLICY } from "../../components/blue-green";
import { SlotName } from "../../stacks";
import { LOAD_BALANCER_LOG_PREFIX } from "../../components/storage";
import { SLOT_NAMES } from "../../stacks";
import { evaluate } from "../../infra/offline/engine";
import { runProgram } from "../../infra/program";
import { PROJECT } from "../../stacks";
import { readStackFile } from "../../stacks/stack-file";
import { grantOf, ofType, previewOf, single, specStackFile, STACKS } from "../harness/stacks";
import { K8S, inputs, inputsOf, urnOf } from "./support";

const LOAD_BALANCER = "aws:lb/loadBalancer:LoadBalancer";
const LISTENER = "aws:lb/listener:Listener";
const TARGET_GROUP = "aws:lb/targetGroup:TargetGroup";
const INGRESS = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule";
const EGRESS = "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule";

describe("the slot load balancer", () => {
    for (const stack of STACKS) {
        describe(`in ${stack}`, () => {
            it("is internal, drops invalid header fields and logs to the log bucket under the load-balancer prefix", async () => {
                const { resources } = await previewOf(stack);
                const balancer = single(resources, LOAD_BALANCER);
                assert.equal(inputs(balancer).loadBalancerType, "application");
                assert.equal(inputs(balancer).internal, true);
                assert.equal(inputs(balancer).dropInvalidHeaderFields, true);
                assert.equal(inputs(balancer).accessLogs.enabled, true);
                assert.equal(inputs(balancer).accessLogs.prefix, LOAD_BALANCER_LOG_PREFIX);
                assert.deepEqual(balancer.propertyDependencies.accessLogs, [urnOf(resources, "aws:s3/bucket:Bucket", "storage-logs")]);
                // ELB checks it may write there when logging is turned on: the grant must exist first.
                const logPolicy = urnOf(resources, "aws:s3/bucketPolicy:BucketPolicy", "storage-logs");
                assert.ok(balancer.dependencies.includes(logPolicy), "the load balancer waits for the log bucket's policy");
                const privateSubnets = ofType(resources, "aws:ec2/subnet:Subnet").filter((s) => s.name.startsWith("network-private-")).map((s) => s.urn).sort();
                assert.deepEqual(balancer.propertyDependencies.subnets, privateSubnets);
            });

            it("has deletion protection wherever the stack protects its data, production included", async () => {
                const { resources, config } = await previewOf(stack);
                assert.equal(inputsOf(resources, LOAD_BALANCER).enableDeletionProtection, config.protectData);
                if (stack === "production") assert.equal(inputsOf(resources, LOAD_BALANCER).enableDeletionProtection, true);
            });

            it("terminates TLS with a TLS 1.3/1.2 policy and the regional certificate, and only redirects on port 80", async () => {
                const { resources, config } = await previewOf(stack);
                const https = inputsOf(resources, LISTENER, "api-lb-https");
                assert.equal(https.protocol, "HTTPS");
                assert.equal(https.port, 443);
                assert.equal(https.sslPolicy, TLS_POLICY);
                assert.equal(https.certificateArn, config.certificates.regionalArn);
                const http = inputsOf(resources, LISTENER, "api-lb-http");
                assert.equal(http.port, 80);
                assert.deepEqual(http.defaultActions, [{ type: "redirect", redirect: { protocol: "HTTPS", port: "443", statusCode: "HTTP_301" } }]);
                assert.deepEqual(ofType(resources, LISTENER).map((l) => l.name).sort(), ["api-lb-http", "api-lb-https", "api-lb-test"]);
            });

            it("serves a test listener on 8443, with the same TLS policy and certificate, that forwards everything to the candidate slot", async () => {
                const { resources, config } = await previewOf(stack);
                const test = single(resources, LISTENER, "api-lb-test");
                assert.deepEqual([inputs(test).protocol, inputs(test).port], ["HTTPS", 8443]);
                assert.equal(inputs(test).sslPolicy, "ELBSecurityPolicy-TLS13-1-2-2021-06");
                assert.equal(inputs(test).certificateArn, config.certificates.regionalArn);
                const candidate = SLOT_NAMES.find((slot) => slot !== config.app.stableSlot) as SlotName;
                const group = single(resources, TARGET_GROUP, `api-lb-${candidate}`);
                assert.equal(inputs(test).defaultActions.length, 1);
                assert.equal(inputs(test).defaultActions[0].type, "forward");
                const weighted = inputsOf(resources, LISTENER, "api-lb-https").defaultActions[0].forward.targetGroups.map((g: { arn: string }) => g.arn);
                assert.equal(inputs(test).defaultActions[0].targetGroupArn, weighted[SLOT_NAMES.indexOf(candidate)], "the group the weighted listener gives the candidate's share");
                assert.notEqual(inputs(test).defaultActions[0].targetGroupArn, weighted[SLOT_NAMES.indexOf(config.app.stableSlot)]);
                assert.equal(inputs(test).defaultActions[0].forward, undefined, "one target group, no weights");
                assert.deepEqual(test.propertyDependencies.defaultActions, [group.urn]);
                // Like the weighted listener, it forwards only once the bindings register pods.
                for (const binding of ofType(resources, K8S.targetGroupBinding)) assert.ok(test.dependencies.includes(binding.urn), binding.name);
            });

            it("admits only the CI runner's group to the test listener, and lets the runner reach it on that port alone", async () => {
                const { resources } = await previewOf(stack);
                const balancer = urnOf(resources, "aws:ec2/securityGroup:SecurityGroup", "api-lb");
                const runner = urnOf(resources, "aws:ec2/securityGroup:SecurityGroup", "ci-runner-group");
                const onTestPort = ofType(resources, INGRESS).filter((r) => r.propertyDependencies.securityGroupId?.includes(balancer) && inputs(r).fromPort === 8443);
                assert.deepEqual(onTestPort.map((r) => r.name), ["api-lb-test-from-runner"]);
                const [rule] = onTestPort;
                assert.deepEqual([inputs(rule).ipProtocol, inputs(rule).toPort], ["tcp", 8443]);
                assert.deepEqual(rule.propertyDependencies.referencedSecurityGroupId, [runner]);
                assert.equal(inputs(rule).cidrIpv4, undefined);
                const out = ofType(resources, EGRESS).filter((r) => r.propertyDependencies.securityGroupId?.includes(runner) && r.propertyDependencies.referencedSecurityGroupId?.includes(balancer));
                assert.deepEqual(out.map((r) => [r.name, inputs(r).ipProtocol, inputs(r).fromPort, inputs(r).toPort]), [["api-lb-runner-to-test", "tcp", 8443, 8443]]);
            });

            it("forwards HTTPS to both slot target groups with the configured weights and explicit stickiness", async () => {
                const { resources, config } = await previewOf(stack);
                const listener = single(resources, LISTENER, "api-lb-https");
                const [action] = inputs(listener).defaultActions;
                assert.equal(action.type, "forward");
                assert.deepEqual(action.forward.stickiness, { enabled: false, duration: 1 });
                const groups = SLOT_NAMES.map((slot) => single(resources, TARGET_GROUP, `api-lb-${slot}`));
                assert.deepEqual(listener.propertyDependencies.defaultActions, groups.map((g) => g.urn).sort());
                assert.deepEqual(action.forward.targetGroups.map((g: { weight: number }) => g.weight), SLOT_NAMES.map((slot) => config.app.slots[slot].weight));
            });

            it("forwards to a slot's target group only once that slot's binding registers pods in it", async () => {
                const { resources } = await previewOf(stack);
                const listener = single(resources, LISTENER, "api-lb-https");
                const bindings = ofType(resources, K8S.targetGroupBinding);
                assert.equal(bindings.length, SLOT_NAMES.length);
                for (const binding of bindings) {
                    assert.ok(listener.dependencies.includes(binding.urn), binding.name);
                    // The controller writes status.observedGeneration once it has reconciled the binding;
                    // until then the binding does not count as created.
                    assert.equal(inputs(binding).metadata.annotations["pulumi.com/waitFor"], "jsonpath={.status.observedGeneration}");
                }
            });

            it("gives each slot an IP target group with no fixed name, health-checked on the readiness path", async () => {
                const { resources } = await previewOf(stack);
                for (const slot of SLOT_NAMES) {
                    const group = inputsOf(resources, TARGET_GROUP, `api-lb-${slot}`);
                    assert.equal(group.targetType, "ip");
                    assert.equal(group.port, APP_PORT);
                    assert.equal(group.name, undefined);
                    assert.equal(group.namePrefix, undefined);
                    assert.equal(group.healthCheck.path, "/health/readiness");
                    assert.equal(group.healthCheck.enabled, true);
                    assert.deepEqual(group.stickiness, { type: "lb_cookie", enabled: false });
                    assert.equal(group.tags.Slot, slot);
                }
            });

            it("admits CloudFront's VPC-origin group on 443 and 80 only (never the test port), and reaches only the pods on the app port", async () => {
                const { resources } = await previewOf(stack);
                const group = urnOf(resources, "aws:ec2/securityGroup:SecurityGroup", "api-lb");
                const ingress = ofType(resources, INGRESS).filter((r) => r.propertyDependencies.securityGroupId?.includes(group) && r.name !== "api-lb-test-from-runner");
                assert.deepEqual(ingress.map((r) => r.name).sort(), ["edge-vpc-origin-443", "edge-vpc-origin-80"]);
                assert.deepEqual(ingress.map((r) => [inputs(r).fromPort, inputs(r).toPort]).sort(), [[443, 443], [80, 80]]);
                const origin = inputsOf(resources, "aws:cloudfront/vpcOrigin:VpcOrigin", "edge-api").vpcOriginEndpointConfig;
                assert.deepEqual([origin.httpsPort, origin.originProtocolPolicy], [443, "https-only"], "CloudFront reaches the weighted listener only");
                for (const rule of ingress) {
                    assert.equal(inputs(rule).cidrIpv4, undefined);
                    assert.equal(inputs(rule).prefixListId, undefined);
                    assert.match(inputs(rule).referencedSecurityGroupId, /^sg-/);
                    assert.ok(rule.propertyDependencies.referencedSecurityGroupId.includes(urnOf(resources, "aws:cloudfront/vpcOrigin:VpcOrigin", "edge-api")));
                }
                const egress = ofType(resources, EGRESS).filter((r) => r.propertyDependencies.securityGroupId?.includes(group)).map(inputs);
                assert.equal(egress.length, 1);
                assert.deepEqual([egress[0].fromPort, egress[0].toPort, egress[0].ipProtocol], [APP_PORT, APP_PORT, "tcp"]);
                const intoPods = inputsOf(resources, INGRESS, "api-lb-into-pods");
                assert.deepEqual([intoPods.fromPort, intoPods.toPort], [APP_PORT, APP_PORT]);
            });
        });
    }
});

describe("the load balancer controller", () => {
    for (const stack of STACKS) {
        describe(`in ${stack}`, () => {
            it("is installed with its region and VPC given, creating no load balancers, WAF or Shield settings of its own", async () => {
                const { resources, config } = await previewOf(stack);
                const release = inputsOf(resources, K8S.release, "api-lb-controller");
                assert.equal(release.chart, "aws-load-balancer-controller");
                assert.equal(release.values.region, config.region);
                assert.match(release.values.vpcId, /^vpc-/);
                assert.equal(release.values.clusterName, `clinical-platform-${stack}`);
                assert.equal(release.values.enableServiceMutatorWebhook, false);
                assert.equal(release.values.createIngressClassResource, false);
                assert.deepEqual([release.values.enableShield, release.values.enableWaf, release.values.enableWafv2], [false, false, false]);
            });

            it("is the chart version published in the eks-charts index, and refuses slot pods while it cannot inject their readiness gate", async () => {
                const { resources } = await previewOf(stack);
                const release = inputsOf(resources, K8S.release, "api-lb-controller");
                // 1.14.0 was pinned before; 3.5.0 is the newest in index.yaml of aws/eks-charts (checked 2026-12-01).
                assert.equal(release.version, "3.5.0");
                assert.deepEqual(release.values.podMutatorWebhookConfig, { failurePolicy: "Fail" });
            });

            it("starts only once its role's permissions and its Pod Identity association exist", async () => {
                const { resources } = await previewOf(stack);
                const release = single(resources, K8S.release, "api-lb-controller");
                const permissions = urnOf(resources, "aws:iam/rolePolicyAttachment:RolePolicyAttachment", "api-lb-controller-grant");
                const identity = urnOf(resources, "aws:eks/podIdentityAssociation:PodIdentityAssociation", "api-lb-controller");
                assert.ok(release.dependencies.includes(permissions), "waits for the permissions");
                assert.ok(release.dependencies.includes(identity), "waits for the association");
            });

            it("may register targets only in the two slot target groups, through its own Pod Identity role", async () => {
                const { resources } = await previewOf(stack);
                const policy = grantOf(resources, "api-lb-controller");
                const register = policy.Statement.find((s) => JSON.stringify(s.Action).includes("RegisterTargets"))!;
                const slotGroups = inputsOf(resources, LISTENER, "api-lb-https").defaultActions[0].forward.targetGroups.map((g: { arn: string }) => g.arn);
                assert.equal(slotGroups.length, 2);
                assert.deepEqual(register.Resource, slotGroups);
                for (const statement of policy.Statement) {
                    if (statement.Resource === "*") {
                        assert.ok((statement.Action as string[]).every((action) => /:(Describe|Get)/.test(action)), "only reads on every resource");
                    }
                }
                const identity = inputsOf(resources, "aws:eks/podIdentityAssociation:PodIdentityAssociation", "api-lb-controller");
                assert.deepEqual([identity.namespace, identity.serviceAccount], ["kube-system", "aws-load-balancer-controller"]);
            });
        });
    }
});

describe("the stack outputs of the test route", () => {
    for (const stack of STACKS) {
        it(`in ${stack} give the candidate's test address on the domain and the load balancer's DNS name to connect to`, async () => {
            const config = readStackFile(specStackFile(stack), PROJECT);
            const { outputs } = await evaluate(runProgram, { project: PROJECT, stack, config, region: config["aws:region"], accountId: JSON.parse(config["aws:allowedAccountIds"])[0] });
            assert.equal(outputs.candidateTestUrl, `https://${config[`${PROJECT}:domain`]}:8443`);
            assert.match(String(outputs.loadBalancerDnsName), /^internal-.+\.elb\.amazonaws\.com$/);
        });
    }
});
