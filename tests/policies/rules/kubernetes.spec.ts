import { strict as assert } from "node:assert";
import { K8S } from "../../../policies/lib/types";
import * as rules from "../../../policies/rules/kubernetes";
import { describeResourcePolicy, describeStackPolicy } from "../harness/cases";
import { type TestResource, UNKNOWN_VALUE as UNKNOWN, resource } from "../harness/server";

type Container = Record<string, unknown>;

const hardenedContext = {
    allowPrivilegeEscalation: false,
    readOnlyRootFilesystem: true,
    capabilities: { drop: ["ALL"] },
};
const api: Container = {
    name: "api",
    image: "registry.example.com/clinical-api:1.4.2",
    ports: [{ containerPort: 8080 }],
    securityContext: hardenedContext,
    resources: { requests: { cpu: "250m", memory: "512Mi" }, limits: { cpu: "1", memory: "512Mi" } },
    livenessProbe: { httpGet: { path: "/health/liveness", port: 8080 } },
    readinessProbe: { httpGet: { path: "/health/readiness", port: 8080 } },
    startupProbe: { httpGet: { path: "/health/startup", port: 8080 } },
    env: [
        { name: "NODE_ENV", value: "production" },
        { name: "JWT_SECRET", valueFrom: { secretKeyRef: { name: "api-secrets", key: "jwt" } } },
    ],
};
const podSecurity = { runAsNonRoot: true, runAsUser: 10001, seccompProfile: { type: "RuntimeDefault" } };

function deployment(container: Container = {}, pod: Record<string, unknown> = {}, spec: Record<string, unknown> = {}) {
    return resource(K8S.deployment, "api-blue", {
        metadata: { name: "api-blue", namespace: "clinical" },
        spec: {
            replicas: 5,
            selector: { matchLabels: { app: "api", slot: "blue" } },
            template: {
                metadata: { labels: { app: "api", slot: "blue" } },
                spec: { automountServiceAccountToken: false, securityContext: podSecurity, containers: [{ ...api, ...container }], ...pod },
            },
            ...spec,
        },
    });
}
/** A one-shot Job (a release migration): the same pod template, under spec.template of a batch/v1 Job. */
function job(container: Container = {}, pod: Record<string, unknown> = {}) {
    const { livenessProbe: _liveness, readinessProbe: _readiness, startupProbe: _startup, ports: _ports, ...migrate } = api;
    return resource(K8S.job, "api-green-migrate", {
        metadata: { name: "clinical-api-migrate-0123456789", namespace: "clinical-green" },
        spec: {
            backoffLimit: 0,
            template: {
                spec: {
                    restartPolicy: "Never",
                    automountServiceAccountToken: false,
                    securityContext: podSecurity,
                    containers: [{ ...migrate, name: "migrate", command: ["node", "dist/migrate.js"], ...container }],
                    ...pod,
                },
            },
        },
    });
}
const context = (overrides: Record<string, unknown>) => ({ securityContext: { ...hardenedContext, ...overrides } });

/** The API's hardened pod spec with overrides, as a workload of another kind carries it. */
function podSpecWith(container: Container, pod: Record<string, unknown>) {
    return { automountServiceAccountToken: false, securityContext: podSecurity, containers: [{ ...api, ...container }], ...pod };
}
const selected = (podSpec: Record<string, unknown>) => ({
    selector: { matchLabels: { app: "audit" } },
    template: { metadata: { labels: { app: "audit" } }, spec: podSpec },
});
interface WorkloadKind {
    kind: "statefulset" | "daemonset" | "replicaset" | "cronjob" | "pod";
    /** "a StatefulSet", as a case title names one. */
    article: string;
    build(podSpec: Record<string, unknown>, namespace?: string): TestResource;
}
/** Every workload kind besides Deployments and Jobs, each keeping its pod spec where its API puts it. */
const otherWorkloads: WorkloadKind[] = [
    {
        kind: "statefulset",
        article: "a StatefulSet",
        build: (podSpec, namespace = "clinical") =>
            resource(K8S.statefulSet, "audit-store", { metadata: { name: "audit-store", namespace }, spec: { serviceName: "audit-store", replicas: 3, ...selected(podSpec) } }),
    },
    {
        kind: "daemonset",
        article: "a DaemonSet",
        build: (podSpec, namespace = "clinical") => resource(K8S.daemonSet, "audit-agent", { metadata: { name: "audit-agent", namespace }, spec: selected(podSpec) }),
    },
    {
        kind: "replicaset",
        article: "a ReplicaSet",
        build: (podSpec, namespace = "clinical") =>
            resource(K8S.replicaSet, "audit-api", { metadata: { name: "audit-api", namespace }, spec: { replicas: 2, ...selected(podSpec) } }),
    },
    {
        kind: "cronjob",
        article: "a CronJob",
        build: (podSpec, namespace = "clinical") =>
            resource(K8S.cronJob, "audit-export", {
                metadata: { name: "audit-export", namespace },
                spec: { schedule: "0 3 * * *", jobTemplate: { spec: { backoffLimit: 0, template: { spec: { restartPolicy: "Never", ...podSpec } } } } },
            }),
    },
    {
        kind: "pod",
        article: "a bare Pod",
        build: (podSpec, namespace = "clinical") => resource(K8S.pod, "audit-debug", { metadata: { name: "audit-debug", namespace }, spec: { restartPolicy: "Never", ...podSpec } }),
    },
];
/** Each pod-template rule with one change to the hardened pod that breaks it. */
const podTemplateBreaches: { policies: rules.PodTemplatePolicies; breach: string; container?: Container; pod?: Record<string, unknown>; message: RegExp }[] = [
    { policies: rules.k8sRunAsNonRoot, breach: "runs its container as root", container: context({ runAsUser: 0 }), message: /Container api runs as UID 0/ },
    { policies: rules.k8sNoPrivileged, breach: "runs a privileged container", container: context({ privileged: true }), message: /Container api is privileged/ },
    { policies: rules.k8sNoPrivilegeEscalation, breach: "leaves privilege escalation at its default", container: { securityContext: {} }, message: /allows privilege escalation/ },
    { policies: rules.k8sReadOnlyRootFs, breach: "can write its root filesystem", container: context({ readOnlyRootFilesystem: false }), message: /can write to its root filesystem/ },
    { policies: rules.k8sDropCapabilities, breach: "adds NET_ADMIN", container: context({ capabilities: { drop: ["ALL"], add: ["NET_ADMIN"] } }), message: /adds capabilities NET_ADMIN/ },
    { policies: rules.k8sNoHostNamespaces, breach: "shares the host network", pod: { hostNetwork: true }, message: /sets hostNetwork/ },
    { policies: rules.k8sResourceLimits, breach: "sets no requests or limits", container: { resources: undefined }, message: /requests\.cpu/ },
    { policies: rules.k8sImagePinned, breach: "runs the latest image", container: { image: "registry.example.com/clinical-api:latest" }, message: /unpinned image/ },
    { policies: rules.k8sNoPlaintextSecretEnv, breach: "sets a literal database password", container: { env: [{ name: "DATABASE_PASSWORD", value: "hunter2" }] }, message: /sets DATABASE_PASSWORD/ },
    { policies: rules.k8sNoSaTokenAutomount, breach: "mounts the Kubernetes API token", pod: { automountServiceAccountToken: true }, message: /automountServiceAccountToken is not false/ },
    { policies: rules.k8sSeccompRuntimeDefault, breach: "runs without a seccomp profile", pod: { securityContext: { runAsNonRoot: true } }, message: /without a seccomp profile/ },
];
function standby(replicas: number) {
    const slot = deployment({}, {}, { replicas });
    slot.inputs["metadata"] = { name: "api-green", namespace: "clinical", annotations: { "clinical-platform/capacity": "warm" } };
    return slot;
}
const service = (spec: Record<string, unknown>, annotations: Record<string, string> = {}, metadata: Record<string, unknown> = { namespace: "clinical" }) =>
    resource(K8S.service, "api-blue", { metadata: { ...metadata, annotations }, spec: { selector: { app: "api" }, ports: [{ port: 80, targetPort: 8080 }], ...spec } });

describe("Kubernetes policies", () => {
    describeResourcePolicy(rules.k8sRunAsNonRoot.deployment, {
        accepts: {
            "a pod that runs as a non-root user": deployment(),
            "a container that sets runAsNonRoot itself": deployment(context({ runAsNonRoot: true }), { securityContext: {} }),
        },
        rejects: {
            "a pod without runAsNonRoot": [deployment({}, { securityContext: {} }), /Container api may run as root/],
            "a container overriding the user to root": [deployment(context({ runAsUser: 0 })), /runs as UID 0/],
            "a pod whose runAsNonRoot is unknown in preview": [
                deployment({}, { securityContext: { ...podSecurity, runAsNonRoot: UNKNOWN } }),
                /runAsNonRoot is unknown in preview/,
            ],
            "a container overriding runAsNonRoot with a value unknown in preview": [
                deployment(context({ runAsNonRoot: UNKNOWN })),
                /runAsNonRoot is unknown in preview/,
            ],
        },
    });

    describeResourcePolicy(rules.k8sNoPrivileged.deployment, {
        accepts: { "an unprivileged container": deployment() },
        rejects: {
            "a privileged init container": [
                deployment({}, { initContainers: [{ name: "setup", image: "busybox:1.36", securityContext: { privileged: true } }] }),
                /Init container setup is privileged/,
            ],
            "a container whose whole securityContext is unknown in preview": [deployment({ securityContext: UNKNOWN }), /securityContext unknown in preview/],
            "a privileged flag unknown in preview": [deployment(context({ privileged: UNKNOWN })), /securityContext unknown in preview/],
        },
    });

    describeResourcePolicy(rules.k8sNoPrivilegeEscalation.deployment, {
        accepts: { "a container that forbids escalation": deployment() },
        rejects: { "a container leaving escalation at its default": [deployment({ securityContext: {} }), /allows privilege escalation/] },
    });

    describeResourcePolicy(rules.k8sReadOnlyRootFs.deployment, {
        accepts: { "a read-only root filesystem": deployment() },
        rejects: { "a writable root filesystem": [deployment(context({ readOnlyRootFilesystem: false })), /can write to its root filesystem/] },
    });

    describeResourcePolicy(rules.k8sDropCapabilities.deployment, {
        accepts: {
            "a container dropping ALL": deployment(),
            "a container adding back NET_BIND_SERVICE": deployment(context({ capabilities: { drop: ["ALL"], add: ["NET_BIND_SERVICE"] } })),
        },
        rejects: {
            "a container keeping the default capabilities": [deployment(context({ capabilities: undefined })), /does not drop ALL/],
            "a container adding NET_ADMIN": [deployment(context({ capabilities: { drop: ["ALL"], add: ["NET_ADMIN"] } })), /adds capabilities NET_ADMIN/],
        },
    });

    describeResourcePolicy(rules.k8sNoHostNamespaces.deployment, {
        accepts: { "a pod in its own namespaces": deployment() },
        rejects: {
            "a pod on the host network": [deployment({}, { hostNetwork: true }), /sets hostNetwork/],
            "a container binding a host port": [deployment({ ports: [{ containerPort: 8080, hostPort: 8080 }] }), /binds a hostPort/],
        },
    });

    describeResourcePolicy(rules.k8sResourceLimits.deployment, {
        accepts: { "requests and limits for cpu and memory": deployment() },
        rejects: {
            "a container with no resources": [deployment({ resources: undefined }), /requests\.cpu, requests\.memory, limits\.cpu, limits\.memory/],
            "a container without a memory limit": [deployment({ resources: { requests: { cpu: "250m", memory: "512Mi" }, limits: { cpu: "1" } } }), /limits\.memory/],
            "a container with an empty memory limit": [deployment({ resources: { requests: { cpu: "250m", memory: "512Mi" }, limits: { cpu: "1", memory: "" } } }), /does not set limits\.memory/],
            "a container whose memory limit is unknown in preview": [
                deployment({ resources: { requests: { cpu: "250m", memory: "512Mi" }, limits: { cpu: "1", memory: UNKNOWN } } }),
                /limits\.memory to values unknown in preview/,
            ],
            "a container whose limits are unknown in preview": [
                deployment({ resources: { requests: { cpu: "250m", memory: "512Mi" }, limits: UNKNOWN } }),
                /limits\.cpu, limits\.memory to values unknown in preview/,
            ],
            "a container whose resources are unknown in preview": [deployment({ resources: UNKNOWN }), /resources that are unknown in preview/],
        },
    });

    // The autoscaler owns the count of a Deployment it scales, so its floor is what the rule reads.
    const autoscaled = (floor: number | undefined, target = deployment({}, {}, { replicas: undefined }), references = true) => {
        const name = (target.inputs["metadata"] as { name: string }).name;
        return resource(
            K8S.horizontalPodAutoscaler,
            `${name}-autoscaler`,
            {
                metadata: { name, namespace: "clinical" },
                spec: { scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name }, minReplicas: floor, maxReplicas: 10 },
            },
            references ? { spec: target } : {},
        );
    };
    const unscaled = deployment({}, {}, { replicas: undefined });
    const warmUnscaled = standby(2);
    delete (warmUnscaled.inputs["spec"] as Record<string, unknown>)["replicas"];
    describeStackPolicy(rules.k8sDeploymentMinReplicas, {
        accepts: {
            "five replicas in production": { resources: [deployment()], config: { minReplicas: 5 } },
            "one replica where dev allows it": { resources: [deployment({}, {}, { replicas: 1 })], config: { minReplicas: 1 } },
            "a replica count computed at deployment time": [deployment({}, {}, { replicas: UNKNOWN })],
            "a warm standby slot at the standby minimum": { resources: [standby(2)], config: { minReplicas: 5, minStandbyReplicas: 2 } },
            "an autoscaled Deployment without a count whose autoscaler keeps five": {
                resources: [unscaled, autoscaled(5, unscaled)],
                config: { minReplicas: 5 },
            },
            "an autoscaled standby slot whose autoscaler keeps the standby minimum": {
                resources: [warmUnscaled, autoscaled(2, warmUnscaled)],
                config: { minReplicas: 5, minStandbyReplicas: 2 },
            },
            "an autoscaler found by the name and namespace of its target alone": {
                resources: [unscaled, autoscaled(5, unscaled, false)],
                config: { minReplicas: 5 },
            },
            "an autoscaler floor computed at deployment time": [unscaled, autoscaled(UNKNOWN as unknown as number, unscaled)],
        },
        rejects: {
            "two replicas in production": {
                resources: [deployment({}, {}, { replicas: 2 })],
                config: { minReplicas: 5 },
                offenders: ["api-blue"],
                message: /runs 2 replicas; this environment requires at least 5/,
            },
            "a standby slot below the standby minimum": {
                resources: [standby(1)],
                config: { minReplicas: 5, minStandbyReplicas: 2 },
                offenders: ["api-blue"],
                message: /The standby Deployment runs 1 replica; this environment requires at least 2/,
            },
            "a Deployment relying on the default of one replica": {
                resources: [unscaled],
                offenders: ["api-blue"],
                message: /runs 1 replica;/,
            },
            "an autoscaled Deployment whose autoscaler may scale it below the minimum": {
                resources: [unscaled, autoscaled(2, unscaled)],
                config: { minReplicas: 5 },
                offenders: ["api-blue"],
                message: /The Deployment may scale down to 2 replicas; this environment requires at least 5/,
            },
            "an autoscaler relying on its default floor of one": {
                resources: [unscaled, autoscaled(undefined, unscaled)],
                offenders: ["api-blue"],
                message: /may scale down to 1 replica;/,
            },
        },
    });

    describeResourcePolicy(rules.k8sHealthProbes.deployment, {
        accepts: {
            "liveness and readiness probes": deployment(),
            "an init container without probes, which never serves traffic": deployment({}, { initContainers: [{ name: "migrate", image: "registry.example.com/migrate:1.0.0" }] }),
        },
        rejects: {
            "a container without a readiness probe": [deployment({ readinessProbe: undefined }), /has no readinessProbe/],
            "a container whose liveness probe is unknown in preview": [deployment({ livenessProbe: UNKNOWN }), /has no livenessProbe/],
        },
    });

    describeResourcePolicy(rules.k8sImagePinned.deployment, {
        accepts: {
            "a versioned image": deployment(),
            "an image pinned by digest": deployment({ image: "registry.example.com/clinical-api@sha256:0123456789abcdef" }),
            "an image on a registry with a port": deployment({ image: "registry.example.com:5000/clinical-api:1.4.2" }),
        },
        rejects: {
            "the latest tag": [deployment({ image: "registry.example.com/clinical-api:latest" }), /unpinned image/],
            "an untagged image on a registry with a port": [deployment({ image: "registry.example.com:5000/clinical-api" }), /unpinned image/],
        },
    });

    const approved = { allowedRegistries: ["registry.example.com/"] };
    describeResourcePolicy(rules.k8sAllowedRegistries.deployment, {
        accepts: {
            "an image from the approved registry": { subject: deployment(), config: approved },
        },
        notApplicable: {
            "any image, when no registry is configured": deployment({ image: "docker.io/library/nginx:1.27" }),
        },
        rejects: {
            "an image from Docker Hub": [{ subject: deployment({ image: "docker.io/library/nginx:1.27" }), config: approved }, /not from an approved registry/],
        },
    });

    describeResourcePolicy(rules.k8sNoPlaintextSecretEnv.deployment, {
        accepts: { "a secret variable read from a Secret": deployment() },
        rejects: {
            "a database password written into the manifest": [
                deployment({ env: [{ name: "DATABASE_PASSWORD", value: UNKNOWN }] }),
                /sets DATABASE_PASSWORD as literal values/,
            ],
        },
    });

    describeResourcePolicy(rules.k8sNoSaTokenAutomount.deployment, {
        accepts: { "a pod without an API token": deployment() },
        rejects: {
            "a pod mounting the default token": [deployment({}, { automountServiceAccountToken: undefined }), /can call the Kubernetes API/],
            "a pod whose token automount is unknown in preview": [deployment({}, { automountServiceAccountToken: UNKNOWN }), /unknown in preview/],
        },
    });

    describeResourcePolicy(rules.k8sSeccompRuntimeDefault.deployment, {
        accepts: {
            "a pod-level RuntimeDefault profile": deployment(),
            "a container-level RuntimeDefault profile": deployment(context({ seccompProfile: { type: "RuntimeDefault" } }), { securityContext: { runAsNonRoot: true } }),
        },
        rejects: {
            "an Unconfined profile": [deployment(context({ seccompProfile: { type: "Unconfined" } })), /without a seccomp profile/],
            "no profile at all": [deployment({}, { securityContext: { runAsNonRoot: true } }), /without a seccomp profile/],
            "a pod profile unknown in preview": [
                deployment({}, { securityContext: { ...podSecurity, seccompProfile: UNKNOWN } }),
                /seccomp profile that is unknown in preview/,
            ],
            "a container profile type unknown in preview": [
                deployment(context({ seccompProfile: { type: UNKNOWN } })),
                /seccomp profile that is unknown in preview/,
            ],
        },
    });

    describeResourcePolicy(rules.k8sServiceNoPublicLoadBalancer, {
        accepts: {
            "an internal load balancer": service({ type: "LoadBalancer" }, { "service.beta.kubernetes.io/aws-load-balancer-scheme": "internal" }),
        },
        notApplicable: {
            "a ClusterIP Service": service({ type: "ClusterIP" }),
        },
        rejects: {
            "an internet-facing load balancer": [service({ type: "LoadBalancer", loadBalancerSourceRanges: ["0.0.0.0/0"] }), /internet-facing load balancer/],
        },
    });

    describeResourcePolicy(rules.k8sServiceNoNodeport, {
        accepts: { "a ClusterIP Service": service({}) },
        rejects: { "a NodePort Service": [service({ type: "NodePort" }), /type NodePort/] },
    });

    describeResourcePolicy(rules.k8sServiceLbTls, {
        accepts: {
            "a load balancer terminating TLS": service({ type: "LoadBalancer" }, { "service.beta.kubernetes.io/aws-load-balancer-ssl-cert": UNKNOWN }),
        },
        notApplicable: {
            "a ClusterIP Service behind the ALB": service({}),
        },
        rejects: {
            "a load balancer without a certificate": [service({ type: "LoadBalancer" }), /no TLS certificate/],
            "a load balancer whose certificate annotation is an empty string": [
                service({ type: "LoadBalancer" }, { "service.beta.kubernetes.io/aws-load-balancer-ssl-cert": " " }),
                /no TLS certificate/,
            ],
        },
    });

    describeResourcePolicy(rules.k8sNoDefaultNamespace, {
        accepts: {
            "a Deployment in the clinical namespace": deployment(),
            "a Service in a namespace created in the same preview": service({}, {}, { namespace: UNKNOWN }),
        },
        rejects: {
            "a Service in the default namespace": [service({}, {}, { namespace: "default" }), /default namespace/],
            "a Service without a namespace": [service({}, {}, {}), /default namespace/],
        },
    });

    // One-shot Jobs (release migrations, the database roles) reach the database like the API does:
    // the pod-template rules hold for them too. Probes, replica counts and the registry list do not apply.
    describe("on a Job's pod template", () => {
        describeResourcePolicy(rules.k8sRunAsNonRoot.job, {
            accepts: { "a migration Job running as a non-root user": job() },
            rejects: { "a Job whose container runs as root": [job(context({ runAsUser: 0 })), /Container migrate runs as UID 0/] },
        });
        describeResourcePolicy(rules.k8sNoPrivileged.job, {
            accepts: { "an unprivileged Job": job() },
            rejects: { "a privileged Job": [job(context({ privileged: true })), /Container migrate is privileged/] },
        });
        describeResourcePolicy(rules.k8sNoPrivilegeEscalation.job, {
            accepts: { "a Job that forbids escalation": job() },
            rejects: { "a Job leaving escalation at its default": [job({ securityContext: {} }), /allows privilege escalation/] },
        });
        describeResourcePolicy(rules.k8sReadOnlyRootFs.job, {
            accepts: { "a Job with a read-only root filesystem": job() },
            rejects: { "a Job that can write its root filesystem": [job(context({ readOnlyRootFilesystem: false })), /can write to its root filesystem/] },
        });
        describeResourcePolicy(rules.k8sDropCapabilities.job, {
            accepts: { "a Job dropping ALL": job() },
            rejects: { "a Job adding NET_ADMIN": [job(context({ capabilities: { drop: ["ALL"], add: ["NET_ADMIN"] } })), /adds capabilities NET_ADMIN/] },
        });
        describeResourcePolicy(rules.k8sNoHostNamespaces.job, {
            accepts: { "a Job in its own namespaces": job() },
            rejects: { "a Job on the host network": [job({}, { hostNetwork: true }), /sets hostNetwork/] },
        });
        describeResourcePolicy(rules.k8sResourceLimits.job, {
            accepts: { "a Job with requests and limits": job() },
            rejects: { "a Job without resources": [job({ resources: undefined }), /requests\.cpu/] },
        });
        describeResourcePolicy(rules.k8sImagePinned.job, {
            accepts: { "a Job from a pinned release image": job() },
            rejects: { "a Job from latest": [job({ image: "registry.example.com/clinical-api:latest" }), /unpinned image/] },
        });
        describeResourcePolicy(rules.k8sNoPlaintextSecretEnv.job, {
            accepts: { "a Job whose database login is an IAM token, not a variable": job({ env: [{ name: "DATABASE_USER", value: "clinical_migrator" }, { name: "DATABASE_AUTH", value: "iam" }] }) },
            rejects: { "a Job with a literal database password": [job({ env: [{ name: "DATABASE_PASSWORD", value: "hunter2" }] }), /sets DATABASE_PASSWORD/] },
        });
        describeResourcePolicy(rules.k8sNoSaTokenAutomount.job, {
            accepts: { "a Job without a Kubernetes API token": job() },
            rejects: { "a Job mounting the token": [job({}, { automountServiceAccountToken: true }), /automountServiceAccountToken is not false/] },
        });
        describeResourcePolicy(rules.k8sSeccompRuntimeDefault.job, {
            accepts: { "a Job under RuntimeDefault": job() },
            rejects: { "a Job without a seccomp profile": [job({}, { securityContext: { runAsNonRoot: true } }), /without a seccomp profile/] },
        });
        describeResourcePolicy(rules.k8sNoDefaultNamespace, {
            accepts: { "a Job in its slot's namespace": job() },
            rejects: {
                "a Job in the default namespace": [
                    resource(K8S.job, "api-green-migrate", { metadata: { name: "clinical-api-migrate-0123456789", namespace: "default" }, spec: {} }),
                    /default namespace/,
                ],
            },
        });
        describeResourcePolicy(rules.k8sHealthProbes.deployment, {
            accepts: {},
            notApplicable: { "a Job, which runs to completion and serves nothing": job() },
            rejects: {},
        });
    });

    // A pod needs the same hardening whichever controller starts it: every pod-template rule holds for
    // each workload kind, read where that kind keeps its pod spec (a CronJob's under spec.jobTemplate,
    // a bare Pod's at spec), by a policy of that kind alone.
    for (const workload of otherWorkloads) {
        describe(`on ${workload.article}'s pod spec`, () => {
            for (const { policies, breach, container = {}, pod = {}, message } of podTemplateBreaches) {
                describeResourcePolicy(policies[workload.kind], {
                    accepts: { [`${workload.article} with the API's hardened pod spec`]: workload.build(podSpecWith({}, {})) },
                    notApplicable: { [`a Deployment that ${breach}, which ${policies.deployment.name} judges`]: deployment(container, pod) },
                    rejects: { [`${workload.article} that ${breach}`]: [workload.build(podSpecWith(container, pod)), message] },
                });
            }
            it(`tells ${workload.article} to set automountServiceAccountToken where its own pod spec sits`, () => {
                const where = { statefulset: "spec.template.spec", daemonset: "spec.template.spec", replicaset: "spec.template.spec", cronjob: "spec.jobTemplate.spec.template.spec", pod: "spec" }[workload.kind];
                assert.match(rules.k8sNoSaTokenAutomount[workload.kind].remediationSteps ?? "", new RegExp(`Set ${where.replaceAll(".", "\\.")}\\.automountServiceAccountToken to false`));
            });
            if (workload.kind === "statefulset" || workload.kind === "daemonset" || workload.kind === "replicaset") {
                // Long-running kinds serve like a Deployment: probes and the registry allow list hold too.
                describeResourcePolicy(rules.k8sHealthProbes[workload.kind], {
                    accepts: { [`${workload.article} whose container has liveness and readiness probes`]: workload.build(podSpecWith({}, {})) },
                    notApplicable: { "a Deployment without a readiness probe, which k8s-deployment-health-probes judges": deployment({ readinessProbe: undefined }) },
                    rejects: { [`${workload.article} whose container has no readiness probe`]: [workload.build(podSpecWith({ readinessProbe: undefined }, {})), /has no readinessProbe/] },
                });
                const onlyOurs = { allowedRegistries: ["registry.example.com/"] };
                describeResourcePolicy(rules.k8sAllowedRegistries[workload.kind], {
                    accepts: { [`${workload.article} running an image from the approved registry`]: { subject: workload.build(podSpecWith({}, {})), config: onlyOurs } },
                    rejects: {
                        [`${workload.article} running an image from Docker Hub`]: [
                            { subject: workload.build(podSpecWith({ image: "docker.io/library/nginx:1.27" }, {})), config: onlyOurs },
                            /not from an approved registry/,
                        ],
                    },
                });
            } else {
                it(`has no probe or registry policy for ${workload.article}, which runs to completion or once`, () => {
                    assert.equal(workload.kind in rules.k8sHealthProbes || workload.kind in rules.k8sAllowedRegistries, false);
                });
            }
            describeResourcePolicy(rules.k8sNoDefaultNamespace, {
                accepts: { [`${workload.article} in the clinical namespace`]: workload.build(podSpecWith({}, {})) },
                rejects: { [`${workload.article} in the default namespace`]: [workload.build(podSpecWith({}, {}), "default"), /default namespace/] },
            });
        });
    }
});
