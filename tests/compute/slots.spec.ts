import { strict as assert } from "assert";
import { HEALTH_PATHS } from "../../components/blue-green";
import { APPLICATION_SECRETS } from "../../components/secrets";
import { SLOT_NAMES } from "../../stacks";
import { grantOf, ofType, policyOf, previewOf, single, STACKS } from "../harness/stacks";
import { Json, K8S, inSlot, inputs, inputsOf, isUnder, urnOf } from "./support";

/** Names of environment variables that would carry a secret value. */
const SECRET_LIKE = /PASSWORD|PASSWD|SECRET|TOKEN|KEY|CREDENTIAL/i;
/** The RDS master user; nothing but the role bootstrap may log in as it. */
const MASTER_USER = "clinical_admin";

function podSpec(deployment: Json): Json {
    return deployment.spec.template.spec;
}

const AUTOSCALER = "kubernetes:autoscaling/v2:HorizontalPodAutoscaler";
/** The EKS Pod Identity agent, as EKS injects it into pods: http://169.254.170.23/v1/credentials. */
const POD_IDENTITY_AGENT = { cidr: "169.254.170.23/32", port: 80 };

describe("the blue/green slots", () => {
    for (const stack of STACKS) {
        describe(`in ${stack}`, () => {
            it("gives each slot its own namespace under the restricted pod security standard", async () => {
                const { resources } = await previewOf(stack);
                for (const slot of SLOT_NAMES) {
                    const namespace = inputsOf(resources, K8S.namespace, `api-${slot}`).metadata;
                    assert.equal(namespace.name, `clinical-${slot}`);
                    assert.equal(namespace.labels["pod-security.kubernetes.io/enforce"], "restricted");
                    assert.equal(namespace.labels["clinical-platform/slot"], slot);
                    assert.equal(namespace.labels["elbv2.k8s.aws/pod-readiness-gate-inject"], "enabled");
                }
            });

            it("runs a Deployment only in slots that have an image, with that image", async () => {
                const { resources, config } = await previewOf(stack);
                for (const slot of SLOT_NAMES) {
                    const deployments = inSlot(resources, K8S.deployment, slot).map(inputs);
                    const image = config.app.slots[slot].image;
                    if (image === undefined) {
                        assert.deepEqual(deployments, [], `slot ${slot} has no image`);
                    } else {
                        assert.equal(deployments.length, 1);
                        assert.deepEqual(podSpec(deployments[0]).containers.map((c: Json) => c.image), [image]);
                    }
                }
                if (stack === "dev") assert.equal(inSlot(resources, K8S.deployment, "green").length, 0, "dev's green was never staged");
            });

            it("denies all traffic in each slot namespace except requests from the load balancer's subnets and calls to DNS, PostgreSQL, the Pod Identity agent and HTTPS", async () => {
                const { resources, config } = await previewOf(stack);
                const balancer = single(resources, "aws:lb/loadBalancer:LoadBalancer");
                const balancerSubnets = balancer.propertyDependencies.subnets.map((urn) => inputs(resources.find((r) => r.urn === urn)!).cidrBlock);
                assert.equal(balancerSubnets.length, config.network.subnets.private.length);
                for (const slot of SLOT_NAMES) {
                    const policies = inSlot(resources, "kubernetes:networking.k8s.io/v1:NetworkPolicy", slot).map(inputs);
                    const deny = policies.find((p: Json) => p.metadata.name === "default-deny");
                    assert.deepEqual(deny.spec, { podSelector: {}, policyTypes: ["Ingress", "Egress"] }, slot);
                    const api = policies.find((p: Json) => p.metadata.name === "clinical-api");
                    const [ingress] = api.spec.ingress;
                    assert.equal(api.spec.ingress.length, 1);
                    assert.deepEqual(ingress.ports, [{ protocol: "TCP", port: 8080 }]);
                    assert.deepEqual(ingress.from.map((peer: Json) => peer.ipBlock.cidr).sort(), [...balancerSubnets].sort());
                    assert.ok(ingress.from.every((peer: Json) => peer.ipBlock.cidr !== config.network.cidr), "not the whole VPC");
                    const egressPorts = api.spec.egress.map((rule: Json) => rule.ports.map((p: Json) => `${p.protocol}/${p.port}`).join(",")).sort();
                    assert.deepEqual(egressPorts, ["TCP/443", "TCP/5432", "TCP/80", "UDP/53,TCP/53"]);
                    const database = api.spec.egress.find((rule: Json) => rule.ports[0].port === 5432);
                    assert.deepEqual(database.to, [{ ipBlock: { cidr: config.network.cidr } }]);
                    const credentials = api.spec.egress.find((rule: Json) => rule.ports[0].port === POD_IDENTITY_AGENT.port);
                    assert.deepEqual(credentials, { to: [{ ipBlock: { cidr: POD_IDENTITY_AGENT.cidr } }], ports: [{ protocol: "TCP", port: POD_IDENTITY_AGENT.port }] });
                }
                // EKS Auto Mode enforces network policies once its amazon-vpc-cni ConfigMap switches the controller on.
                const enforcement = ofType(resources, "kubernetes:core/v1:ConfigMap").map(inputs).find((c: Json) => c.metadata.name === "amazon-vpc-cni");
                assert.deepEqual(enforcement.data, { "enable-network-policy-controller": "true" });
            });

            it("leaves the replica count to each slot's autoscaler, whose floor is the profile's replicas in the stable slot and the warm count in the other", async () => {
                const { resources, config } = await previewOf(stack);
                for (const slot of SLOT_NAMES) {
                    const [deployment] = inSlot(resources, K8S.deployment, slot).map(inputs);
                    const [autoscaler] = inSlot(resources, AUTOSCALER, slot).map(inputs);
                    if (!deployment) {
                        assert.equal(autoscaler, undefined, slot);
                        continue;
                    }
                    const stable = config.app.stableSlot === slot;
                    const floor = stable ? config.app.replicas : config.app.warmReplicas;
                    // Setting it too would make Pulumi's field manager fight the autoscaler over .spec.replicas.
                    assert.ok(!("replicas" in deployment.spec), `${slot}: the Deployment sets no replica count`);
                    assert.equal(deployment.metadata.annotations["clinical-platform/capacity"], stable ? "stable" : "warm");
                    assert.deepEqual([autoscaler.spec.minReplicas, autoscaler.spec.maxReplicas], [floor, config.app.maxReplicas]);
                    assert.equal(autoscaler.spec.scaleTargetRef.name, deployment.metadata.name);
                }
            });

            it("resizes a slot only after the weighted listener has moved its traffic", async () => {
                const { resources } = await previewOf(stack);
                const listener = urnOf(resources, "aws:lb/listener:Listener", "api-lb-https");
                const autoscalers = ofType(resources, AUTOSCALER);
                assert.equal(autoscalers.length, ofType(resources, K8S.deployment).length);
                for (const autoscaler of autoscalers) assert.ok(autoscaler.dependencies.includes(listener), autoscaler.name);
            });

            it("starts a slot's pods only once its binding, its Pod Identity association, the role's permissions and the listener exist", async () => {
                const { resources } = await previewOf(stack);
                const listener = urnOf(resources, "aws:lb/listener:Listener", "api-lb-https");
                const permissions = urnOf(resources, "aws:iam/rolePolicyAttachment:RolePolicyAttachment", "api-api-grant");
                const deployments = ofType(resources, K8S.deployment);
                assert.ok(deployments.length > 0);
                for (const deployment of deployments) {
                    const slot = deployment.name.replace(/^api-/, "");
                    const [binding] = inSlot(resources, K8S.targetGroupBinding, slot);
                    const identity = urnOf(resources, "aws:eks/podIdentityAssociation:PodIdentityAssociation", `api-${slot}`);
                    for (const [what, urn] of Object.entries({ binding: binding.urn, identity, permissions, listener })) {
                        assert.ok(deployment.dependencies.includes(urn), `${deployment.name} waits for its ${what}`);
                    }
                }
            });

            it("runs pods as non-root with a read-only root, no privilege escalation, no capabilities and the runtime seccomp profile", async () => {
                const { resources } = await previewOf(stack);
                for (const deployment of ofType(resources, K8S.deployment).map(inputs)) {
                    const pod = podSpec(deployment);
                    assert.equal(pod.automountServiceAccountToken, false);
                    assert.equal(pod.securityContext.runAsNonRoot, true);
                    assert.ok(pod.securityContext.runAsUser > 0);
                    assert.deepEqual(pod.securityContext.seccompProfile, { type: "RuntimeDefault" });
                    for (const container of pod.containers) {
                        assert.deepEqual(container.securityContext, {
                            runAsNonRoot: true,
                            allowPrivilegeEscalation: false,
                            readOnlyRootFilesystem: true,
                            privileged: false,
                            capabilities: { drop: ["ALL"] },
                            seccompProfile: { type: "RuntimeDefault" },
                        });
                    }
                    assert.equal(pod.hostNetwork, undefined);
                }
            });

            it("probes startup, liveness and readiness on the health paths and sets requests and limits from the profile", async () => {
                const { resources, config } = await previewOf(stack);
                for (const deployment of ofType(resources, K8S.deployment).map(inputs)) {
                    const [container] = podSpec(deployment).containers;
                    assert.equal(container.startupProbe.httpGet.path, HEALTH_PATHS.startup);
                    assert.equal(container.livenessProbe.httpGet.path, HEALTH_PATHS.liveness);
                    assert.equal(container.readinessProbe.httpGet.path, HEALTH_PATHS.readiness);
                    assert.deepEqual([HEALTH_PATHS.startup, HEALTH_PATHS.liveness, HEALTH_PATHS.readiness], ["/health/startup", "/health/liveness", "/health/readiness"]);
                    assert.deepEqual(container.resources, {
                        requests: { cpu: config.app.cpuRequest, memory: config.app.memoryLimit },
                        limits: { cpu: config.app.cpuLimit, memory: config.app.memoryLimit },
                    });
                }
            });

            it("puts no secret in the API's environment: it logs in as its own database role with IAM tokens, over verified TLS", async () => {
                const { resources } = await previewOf(stack);
                const deployments = ofType(resources, K8S.deployment);
                assert.ok(deployments.length > 0);
                for (const deployment of deployments.map(inputs)) {
                    const env: Json[] = podSpec(deployment).containers[0].env;
                    for (const variable of env) {
                        assert.equal(variable.valueFrom, undefined, `${variable.name} is not taken from a Secret`);
                        assert.doesNotMatch(variable.name, SECRET_LIKE, `${variable.name} is not a secret`);
                    }
                    const value = (name: string) => env.find((v) => v.name === name)?.value;
                    assert.equal(value("DATABASE_USER"), "clinical_api");
                    assert.notEqual(value("DATABASE_USER"), MASTER_USER);
                    assert.equal(value("DATABASE_AUTH"), "iam");
                    assert.equal(value("DATABASE_SSLMODE"), "verify-full");
                    assert.match(value("DATABASE_SSLROOTCERT"), /^\/.+\.pem$/);
                }
            });

            it("gives each slot a clinical-api-settings ConfigMap of the stack's application settings, which the pods take their environment from", async () => {
                const { resources, config } = await previewOf(stack);
                const expected = {
                    NODE_ENV: config.application.nodeEnv,
                    LOG_LEVEL: config.application.logLevel,
                    PUBLIC_URL: `https://${config.domain}`,
                    API_URL: `https://${config.domain}/api`,
                    ENABLE_NEW_FEATURES: String(config.application.enableNewFeatures),
                    DEBUG_MODE: String(config.application.debugMode),
                };
                if (stack === "production") {
                    assert.equal(expected.NODE_ENV, "production");
                    assert.equal(expected.DEBUG_MODE, "false");
                }
                for (const slot of SLOT_NAMES) {
                    const maps = inSlot(resources, "kubernetes:core/v1:ConfigMap", slot);
                    assert.equal(maps.length, 1, `${slot} has its settings map whether or not it has an image`);
                    const map = inputs(maps[0]);
                    assert.equal(map.metadata.name, "clinical-api-settings");
                    assert.deepEqual(map.data, expected);
                    for (const deployment of inSlot(resources, K8S.deployment, slot)) {
                        const container = podSpec(inputs(deployment)).containers[0];
                        assert.deepEqual(container.envFrom, [{ configMapRef: { name: "clinical-api-settings", optional: false } }]);
                        const names = container.env.map((v: Json) => v.name);
                        assert.ok(!names.includes("NODE_ENV"), "NODE_ENV comes from the settings, not a literal");
                        assert.deepEqual(names.filter((n: string) => n in expected), [], "no literal shadows a setting");
                        assert.ok(deployment.dependencies.includes(maps[0].urn), "pods start only once their settings exist");
                    }
                }
            });

            it("stamps the pod template with a digest of the settings, the same for both slots", async () => {
                const { resources } = await previewOf(stack);
                const digests = ofType(resources, K8S.deployment).map((d) => inputs(d).spec.template.metadata.annotations["clinical-platform/settings-sha256"]);
                assert.ok(digests.length > 0);
                for (const digest of digests) assert.match(digest, /^[0-9a-f]{64}$/);
                assert.equal(new Set(digests).size, 1);
            });

            it("mounts the application secrets as files the driver refreshes in place, and mirrors nothing into a Kubernetes Secret", async () => {
                const { resources } = await previewOf(stack);
                for (const deployment of ofType(resources, K8S.deployment).map(inputs)) {
                    const pod = podSpec(deployment);
                    const volume = pod.volumes.find((v: Json) => v.csi);
                    assert.equal(volume.csi.driver, "secrets-store.csi.k8s.io");
                    assert.equal(volume.csi.volumeAttributes.secretProviderClass, "clinical-api-secrets");
                    const mount = pod.containers[0].volumeMounts.find((m: Json) => m.name === volume.name);
                    assert.equal(mount.subPath, undefined, "a subPath mount never sees an update");
                    assert.equal(pod.containers[0].env.find((v: Json) => v.name === "APP_FILES_DIR")?.value, mount.mountPath);
                }
                // Pods keep signing with the previous key until every pod has had time to load the new one.
                const driver = ofType(resources, K8S.release).map(inputs).find((r) => r.chart === "secrets-store-csi-driver-provider-aws");
                const poll = /^(\d+)([smh])$/.exec(String(driver.values["secrets-store-csi-driver"].rotationPollInterval));
                assert.ok(poll, "the driver polls at a fixed interval");
                const pollSeconds = Number(poll[1]) * { s: 1, m: 60, h: 3600 }[poll[2] as "s" | "m" | "h"];
                for (const deployment of ofType(resources, K8S.deployment).map(inputs)) {
                    const propagation = podSpec(deployment).containers[0].env.find((v: Json) => v.name === "APP_FILES_PROPAGATION_SECONDS");
                    assert.ok(Number(propagation?.value) > pollSeconds, `${propagation?.value} s outlasts the ${pollSeconds} s poll`);
                }
                for (const secretClass of ofType(resources, K8S.secretProviderClass).filter((r) => r.name.startsWith("api-")).map(inputs)) {
                    assert.equal(secretClass.spec.secretObjects, undefined);
                }
            });

            it("fetches each application secret's current and previous version with Pod Identity, so both keys validate during a rotation, and never the master secret", async () => {
                const { resources, config } = await previewOf(stack);
                const secrets = ofType(resources, "aws:secretsmanager/secret:Secret").filter((s) => isUnder(resources, s, "secrets"));
                for (const slot of SLOT_NAMES) {
                    const [secretClass] = inSlot(resources, K8S.secretProviderClass, slot);
                    const spec = inputs(secretClass).spec;
                    assert.equal(spec.provider, "aws");
                    assert.equal(spec.parameters.usePodIdentity, "true");
                    assert.equal(spec.parameters.region, config.region);
                    const objects: Json[] = JSON.parse(spec.parameters.objects);
                    assert.ok(objects.every((o) => !/:secret:rds!/.test(o.objectName)), "the master secret is not mounted");
                    const files = objects.map((o) => [o.objectVersionLabel, o.jmesPath.map((j: Json) => j.objectAlias).join()]);
                    assert.deepEqual(files, APPLICATION_SECRETS.flatMap((s) => [["AWSCURRENT", s], ["AWSPREVIOUS", `${s}.previous`]]));
                    for (const secretName of APPLICATION_SECRETS) {
                        const arns = new Set(objects.filter((o) => o.objectAlias.startsWith(`${secretName}.`) || o.objectAlias === `${secretName}.json`).map((o) => o.objectName));
                        assert.equal(arns.size, 1, `${secretName}: both versions come from one secret`);
                    }
                    for (const secret of secrets) assert.ok(secretClass.propertyDependencies.spec.includes(secret.urn), secret.name);
                }
            });

            it("lets the API role read only the application secrets, decrypt only through Secrets Manager, and connect only as its own database user", async () => {
                const { resources } = await previewOf(stack);
                const policy = grantOf(resources, "api-api");
                const [read, decrypt, connect] = policy.Statement;
                assert.deepEqual(read.Action, ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"]);
                assert.equal((read.Resource as string[]).length, APPLICATION_SECRETS.length);
                assert.ok((read.Resource as string[]).every((arn) => arn.startsWith("arn:aws:secretsmanager:") && !arn.includes(":secret:rds!")));
                assert.equal(decrypt.Action, "kms:Decrypt");
                assert.match(JSON.stringify(decrypt.Condition), /kms:ViaService.*secretsmanager\./);
                const database = single(resources, "aws:rds/instance:Instance");
                const [region, account] = (read.Resource as string[])[0].split(":").slice(3, 5);
                assert.equal(connect.Action, "rds-db:connect");
                assert.match(String(connect.Resource), new RegExp(`^arn:aws:rds-db:${region}:${account}:dbuser:db-[A-Z0-9]+/clinical_api$`));
                // The DbiResourceId in that ARN is this instance's.
                assert.ok(single(resources, "aws:iam/policy:Policy", "api-api").propertyDependencies.policy.includes(database.urn));
                assert.equal(policy.Statement.length, 3);
                const role = single(resources, "aws:iam/role:Role", "api-api");
                const trust = policyOf(role, "assumeRolePolicy").Statement[0];
                assert.deepEqual((trust.Condition as Json).StringEquals["aws:RequestTag/kubernetes-namespace"], ["clinical-blue", "clinical-green"]);
                const associations = ofType(resources, "aws:eks/podIdentityAssociation:PodIdentityAssociation").filter((a) => a.name.startsWith("api-") && a.name !== "api-lb-controller" && !a.name.endsWith("-migrate"));
                assert.deepEqual(associations.map((a) => inputs(a).namespace).sort(), ["clinical-blue", "clinical-green"]);
                for (const association of associations) assert.equal(inputs(association).serviceAccount, "clinical-api");
            });

            it("gives each slot a service account without a token, a ClusterIP Service and a disruption budget", async () => {
                const { resources } = await previewOf(stack);
                for (const slot of SLOT_NAMES) {
                    const [account] = inSlot(resources, K8S.serviceAccount, slot).map(inputs);
                    assert.equal(account.automountServiceAccountToken, false);
                    const [service] = inSlot(resources, K8S.service, slot).map(inputs);
                    assert.equal(service.spec.type, "ClusterIP");
                    assert.equal(service.spec.selector["clinical-platform/slot"], slot);
                    const [budget] = inSlot(resources, K8S.disruptionBudget, slot).map(inputs);
                    assert.equal(budget.spec.maxUnavailable, 1);
                    assert.deepEqual(budget.spec.selector.matchLabels, service.spec.selector);
                }
            });

            it("binds each slot's pods to that slot's target group, once the controller is installed", async () => {
                const { resources } = await previewOf(stack);
                const controller = urnOf(resources, K8S.release, "api-lb-controller");
                for (const slot of SLOT_NAMES) {
                    const [binding] = inSlot(resources, K8S.targetGroupBinding, slot);
                    assert.equal(inputs(binding).spec.targetType, "ip");
                    assert.equal(inputs(binding).spec.serviceRef.name, "clinical-api");
                    assert.deepEqual(binding.propertyDependencies.spec, [
                        urnOf(resources, "aws:lb/targetGroup:TargetGroup", `api-lb-${slot}`),
                        urnOf(resources, K8S.service, `api-${slot}`),
                    ].sort());
                    assert.ok(binding.dependencies.includes(controller));
                }
            });

            it("replaces a binding whenever its target group is replaced, the new one beside the old, since the controller refuses a new target group ARN", async () => {
                const { resources } = await previewOf(stack);
                const names = new Set<string>();
                for (const slot of SLOT_NAMES) {
                    const [binding] = inSlot(resources, K8S.targetGroupBinding, slot);
                    const groupId = String(inputs(binding).spec.targetGroupARN).split("/").pop();
                    assert.match(String(groupId), /^[0-9a-f]{16}$/, "an ELB target group ARN ends in its 16-digit hex id");
                    assert.equal(inputs(binding).metadata.name, `clinical-api-${groupId}`, "named after its group, so old and new can coexist");
                    names.add(inputs(binding).metadata.name);
                    assert.deepEqual(binding.options.replaceOnChanges, ["spec.targetGroupARN"]);
                    assert.notEqual(binding.options.deleteBeforeReplace, true, "the old binding keeps registering pods until the new one is ready");
                }
                assert.equal(names.size, SLOT_NAMES.length);
            });
        });
    }
});
