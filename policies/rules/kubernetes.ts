import type { ResourceValidationPolicy } from "@pulumi/policy";
import { type ClinicalPolicy, type ResourceRuleSpec, resourceRule, stackRule } from "../lib/policy";
import type { StackResource } from "../lib/stack";
import { K8S } from "../lib/types";
import { type Maybe, elements, isKnown, isUnknown, knownStrings, present, presentOrPending } from "../lib/values";

interface SecurityContextInputs {
    runAsNonRoot?: Maybe<boolean>;
    runAsUser?: Maybe<number>;
    seccompProfile?: Maybe<{ type?: Maybe<string> }>;
}

interface ContainerSecurityContextInputs extends SecurityContextInputs {
    privileged?: Maybe<boolean>;
    allowPrivilegeEscalation?: Maybe<boolean>;
    readOnlyRootFilesystem?: Maybe<boolean>;
    capabilities?: Maybe<{ add?: Maybe<Maybe<string>[]>; drop?: Maybe<Maybe<string>[]> }>;
}

interface ContainerInputs {
    name?: Maybe<string>;
    image?: Maybe<string>;
    securityContext?: Maybe<ContainerSecurityContextInputs>;
    resources?: Maybe<{ limits?: Maybe<Record<string, Maybe<string>>>; requests?: Maybe<Record<string, Maybe<string>>> }>;
    livenessProbe?: Maybe<object>;
    readinessProbe?: Maybe<object>;
    env?: Maybe<Maybe<{ name?: Maybe<string>; value?: Maybe<string>; valueFrom?: Maybe<object> }>[]>;
    ports?: Maybe<Maybe<{ hostPort?: Maybe<number> }>[]>;
}

interface PodSpecInputs {
    containers?: Maybe<Maybe<ContainerInputs>[]>;
    initContainers?: Maybe<Maybe<ContainerInputs>[]>;
    securityContext?: Maybe<SecurityContextInputs>;
    hostNetwork?: Maybe<boolean>;
    hostPID?: Maybe<boolean>;
    hostIPC?: Maybe<boolean>;
    automountServiceAccountToken?: Maybe<boolean>;
}

interface MetadataInputs {
    name?: Maybe<string>;
    namespace?: Maybe<string>;
    annotations?: Maybe<Record<string, Maybe<string>>>;
}

/** Inputs of `kubernetes.apps.v1.Deployment` (and of a `batch/v1` Job, whose pod template sits at the same path) the rules read. */
export interface DeploymentInputs {
    metadata?: Maybe<MetadataInputs>;
    spec?: Maybe<{ replicas?: Maybe<number>; template?: Maybe<{ spec?: Maybe<PodSpecInputs> }> }>;
}

/** Inputs of `kubernetes.autoscaling.v2.HorizontalPodAutoscaler` the rules read. */
export interface AutoscalerInputs {
    metadata?: Maybe<MetadataInputs>;
    spec?: Maybe<{ minReplicas?: Maybe<number>; scaleTargetRef?: Maybe<{ kind?: Maybe<string>; name?: Maybe<string> }> }>;
}

/** Inputs of `kubernetes.core.v1.Service` the rules read. */
export interface ServiceInputs {
    metadata?: Maybe<MetadataInputs>;
    spec?: Maybe<{ type?: Maybe<string>; loadBalancerSourceRanges?: Maybe<Maybe<string>[]> }>;
}

const WORKLOAD_HIPAA = ["164.312(a)(1)"];

const SECRET_LIKE_NAME = /PASSWORD|PASSWD|SECRET|TOKEN|API_?KEY|PRIVATE_?KEY|CREDENTIAL/i;
const LB_SCHEME = "service.beta.kubernetes.io/aws-load-balancer-scheme";
const LB_INTERNAL = "service.beta.kubernetes.io/aws-load-balancer-internal";
const LB_SSL_CERT = "service.beta.kubernetes.io/aws-load-balancer-ssl-cert";

interface NamedContainer {
    label: string;
    container: ContainerInputs;
    init: boolean;
}

function podSpec(deployment: DeploymentInputs): PodSpecInputs | undefined {
    const spec = deployment.spec;
    const template = isKnown(spec) ? spec.template : undefined;
    const pod = isKnown(template) ? template.spec : undefined;
    return isKnown(pod) ? pod : undefined;
}

function containersOf(pod: PodSpecInputs | undefined): NamedContainer[] {
    const label = (container: ContainerInputs, index: number, kind: string) =>
        `${kind} ${isKnown(container.name) ? container.name : `#${index + 1}`}`;
    return [
        ...elements(pod?.containers).known.map((c, i) => ({ label: label(c, i, "container"), container: c, init: false })),
        ...elements(pod?.initContainers).known.map((c, i) => ({ label: label(c, i, "init container"), container: c, init: true })),
    ];
}

function securityContextOf(container: ContainerInputs): ContainerSecurityContextInputs {
    return isKnown(container.securityContext) ? container.securityContext : {};
}

/** Rule over every container of a Deployment's pod template, yielding one message per offending container. */
function perContainer(
    test: (container: ContainerInputs, pod: PodSpecInputs) => string | undefined,
    options: { includeInit: boolean } = { includeInit: true },
) {
    return function* (deployment: DeploymentInputs): Iterable<string> {
        const pod = podSpec(deployment);
        if (pod === undefined) {
            return;
        }
        for (const { label, container, init } of containersOf(pod)) {
            if (init && !options.includeInit) {
                continue;
            }
            const problem = test(container, pod);
            if (problem !== undefined) {
                yield `${label[0].toUpperCase()}${label.slice(1)} ${problem}`;
            }
        }
    };
}

type WorkloadKindName = "deployment" | "job" | "statefulset" | "daemonset" | "replicaset" | "cronjob" | "pod";

/** Where a workload kind keeps its pod spec, as a path of field names from the resource's inputs. */
interface WorkloadKind {
    /** Resource type token. */
    type: string;
    /** Lower-case kind in policy names: `k8s-<kind>-<what>`. */
    kind: WorkloadKindName;
    /** Plural that opens a non-Deployment policy's description. */
    plural: string;
    /** Path of the pod spec. */
    podSpecPath: readonly string[];
}

// Pod spec locations from the `@pulumi/kubernetes` input types (types/input.d.ts, checked 2026-12-01):
// apps/v1 StatefulSet, DaemonSet and ReplicaSet and batch/v1 Job keep a PodTemplateSpec at spec.template
// like a Deployment; a batch/v1 CronJob at spec.jobTemplate.spec.template; a core/v1 Pod is the pod spec.
const TEMPLATE = ["spec", "template", "spec"] as const;
const WORKLOAD_KINDS: readonly WorkloadKind[] = [
    { type: K8S.deployment, kind: "deployment", plural: "Deployments", podSpecPath: TEMPLATE },
    { type: K8S.job, kind: "job", plural: "Jobs", podSpecPath: TEMPLATE },
    { type: K8S.statefulSet, kind: "statefulset", plural: "StatefulSets", podSpecPath: TEMPLATE },
    { type: K8S.daemonSet, kind: "daemonset", plural: "DaemonSets", podSpecPath: TEMPLATE },
    { type: K8S.replicaSet, kind: "replicaset", plural: "ReplicaSets", podSpecPath: TEMPLATE },
    { type: K8S.cronJob, kind: "cronjob", plural: "CronJobs", podSpecPath: ["spec", "jobTemplate", "spec", "template", "spec"] },
    { type: K8S.pod, kind: "pod", plural: "Pods", podSpecPath: ["spec"] },
];

/**
 * Kinds whose controller keeps pods running and serving, so probes and the registry allow list apply.
 * Run-to-completion kinds (Jobs, CronJobs) and bare Pods (one-off tasks) serve nothing a probe would
 * guard, and the platform's tool images they run, such as the roles Job's psql, are pinned by version
 * instead of coming from the application's registry.
 */
const LONG_RUNNING = ["deployment", "statefulset", "daemonset", "replicaset"] as const;

/**
 * The workload with its pod spec moved to where a Deployment keeps it, so one check reads every kind.
 * A pod spec behind an unknown value (or absent) is left out, as podSpec does for a Deployment.
 */
function asDeployment(workload: Record<string, unknown>, path: readonly string[]): DeploymentInputs {
    let value: unknown = workload;
    for (const field of path) {
        value = isKnown(value) && typeof value === "object" ? (value as Record<string, unknown>)[field] : undefined;
    }
    const pod = isKnown(value) && typeof value === "object" ? (value as PodSpecInputs) : undefined;
    return { metadata: workload["metadata"] as DeploymentInputs["metadata"], spec: { template: { spec: pod } } };
}

/** One rule's policies, by workload kind. */
export type PodTemplatePolicies = Record<WorkloadKindName, ResourceValidationPolicy>;

/**
 * A pod-template rule once per workload kind: Deployments (the API), Jobs (release migrations, the
 * database roles), and every other kind that runs pods, since a pod needs the same hardening
 * whichever controller starts it. One policy per resource type, not one of several types: the
 * policy server skips a single-type policy without decoding a resource of another type. A rule
 * that holds for some kinds only names them.
 */
function podTemplateRules<C extends object = object, K extends WorkloadKindName = WorkloadKindName>(
    spec: Omit<ResourceRuleSpec<DeploymentInputs, C>, "resourceTypes">,
    kinds: readonly K[] = WORKLOAD_KINDS.map(({ kind }) => kind) as K[],
): Record<K, ResourceValidationPolicy> {
    const byKind = WORKLOAD_KINDS.filter(({ kind }) => (kinds as readonly string[]).includes(kind)).map(({ type, kind, plural, podSpecPath }) => {
        if (kind === "deployment") {
            return [kind, resourceRule<DeploymentInputs, C>({ ...spec, resourceTypes: [type] })] as const;
        }
        const path = podSpecPath.join(".");
        return [kind, resourceRule<Record<string, unknown>, C>({
            ...spec,
            name: spec.name.replace(/^k8s-deployment-/, `k8s-${kind}-`),
            description: `${plural}: ${spec.description[0].toLowerCase()}${spec.description.slice(1)}`,
            remediation: spec.remediation.replaceAll(`${TEMPLATE.join(".")}.`, `${path}.`),
            resourceTypes: [type],
            check: (workload, context) => spec.check(asDeployment(workload, podSpecPath), context),
        })] as const;
    });
    return Object.fromEntries(byKind) as Record<K, ResourceValidationPolicy>;
}

export const k8sRunAsNonRoot = podTemplateRules({
    name: "k8s-deployment-run-as-non-root",
    description: "Containers run as a non-root user.",
    severity: "high",
    category: "workload",
    hipaa: WORKLOAD_HIPAA,
    soc2: ["CC6.8"],
    remediation: "Set securityContext.runAsNonRoot true (pod or container) and a non-zero runAsUser.",
    check: perContainer((container, pod) => {
        const own = securityContextOf(container);
        const podContext = isKnown(pod.securityContext) ? pod.securityContext : {};
        // A container's own setting, even one the preview cannot know yet, overrides the pod's.
        const nonRoot = presentOrPending(own.runAsNonRoot) ? own.runAsNonRoot : podContext.runAsNonRoot;
        const user = presentOrPending(own.runAsUser) ? own.runAsUser : podContext.runAsUser;
        if (user === 0) {
            return "runs as UID 0 (root).";
        }
        if (isUnknown(nonRoot)) {
            return "may run as root (runAsNonRoot is unknown in preview).";
        }
        return nonRoot === true ? undefined : "may run as root (runAsNonRoot is not true).";
    }),
});

export const k8sNoPrivileged = podTemplateRules({
    name: "k8s-deployment-no-privileged",
    description: "Containers never run privileged.",
    severity: "critical",
    category: "workload",
    hipaa: WORKLOAD_HIPAA,
    soc2: ["CC6.8"],
    remediation: "Remove securityContext.privileged (or set it to false).",
    check: perContainer((container) => {
        // A context or flag only known at update time could turn privilege on: judged as if it did.
        if (isUnknown(container.securityContext) || isUnknown(securityContextOf(container).privileged)) {
            return "has a securityContext unknown in preview, so it cannot be shown to run unprivileged.";
        }
        return securityContextOf(container).privileged === true ? "is privileged and has full access to the node." : undefined;
    }),
});

export const k8sNoPrivilegeEscalation = podTemplateRules({
    name: "k8s-deployment-no-privilege-escalation",
    description: "Containers cannot gain more privileges than they start with.",
    severity: "high",
    category: "workload",
    hipaa: WORKLOAD_HIPAA,
    soc2: ["CC6.8"],
    remediation: "Set securityContext.allowPrivilegeEscalation to false on every container.",
    check: perContainer((container) => {
        const escalation = securityContextOf(container).allowPrivilegeEscalation;
        return escalation === false || isUnknown(escalation) ? undefined : "allows privilege escalation (allowPrivilegeEscalation is not false).";
    }),
});

export const k8sReadOnlyRootFs = podTemplateRules({
    name: "k8s-deployment-read-only-root-fs",
    description: "Containers run with a read-only root filesystem.",
    severity: "medium",
    category: "workload",
    hipaa: ["164.312(c)(1)"],
    soc2: ["CC6.8"],
    remediation: "Set securityContext.readOnlyRootFilesystem to true and mount emptyDir volumes where writes are needed.",
    check: perContainer((container) => {
        const readOnly = securityContextOf(container).readOnlyRootFilesystem;
        return readOnly === true || isUnknown(readOnly) ? undefined : "can write to its root filesystem.";
    }),
});

export const k8sDropCapabilities = podTemplateRules<{ allowedCapabilities: string[] }>({
    name: "k8s-deployment-drop-capabilities",
    description: "Containers drop all Linux capabilities and add back only allowed ones.",
    severity: "medium",
    category: "workload",
    hipaa: WORKLOAD_HIPAA,
    soc2: ["CC6.8"],
    remediation: 'Set securityContext.capabilities.drop to ["ALL"] and add only the configured capabilities.',
    config: {
        allowedCapabilities: {
            type: "array",
            items: { type: "string" },
            uniqueItems: true,
            default: ["NET_BIND_SERVICE"],
            description: "Capabilities a container may add back.",
        },
    },
    *check(deployment, { config }) {
        yield* perContainer((container) => {
            const capabilities = securityContextOf(container).capabilities;
            if (isUnknown(capabilities)) {
                return undefined;
            }
            const drop = elements(isKnown(capabilities) ? capabilities.drop : undefined);
            const added = knownStrings(isKnown(capabilities) ? capabilities.add : undefined);
            const extra = added.filter((capability) => !config.allowedCapabilities.includes(capability));
            if (!drop.hasUnknown && !drop.known.includes("ALL")) {
                return 'does not drop ALL capabilities.';
            }
            return extra.length > 0 ? `adds capabilities ${extra.join(", ")}.` : undefined;
        })(deployment);
    },
});

export const k8sNoHostNamespaces = podTemplateRules({
    name: "k8s-deployment-no-host-namespaces",
    description: "Pods share neither the node's network, PID or IPC namespaces nor its ports.",
    severity: "high",
    category: "workload",
    hipaa: ["164.312(a)(1)", "164.312(e)(1)"],
    soc2: ["CC6.6"],
    remediation: "Remove hostNetwork, hostPID, hostIPC and every container hostPort.",
    *check(deployment) {
        const pod = podSpec(deployment);
        if (pod === undefined) {
            return;
        }
        const shared = (["hostNetwork", "hostPID", "hostIPC"] as const).filter((flag) => pod[flag] === true);
        if (shared.length > 0) {
            yield `The pod sets ${shared.join(", ")}, sharing the node's namespaces.`;
        }
        yield* perContainer((container) =>
            elements(container.ports).known.some((port) => presentOrPending(port.hostPort)) ? "binds a hostPort on the node." : undefined,
        )(deployment);
    },
});

export const k8sResourceLimits = podTemplateRules({
    name: "k8s-deployment-resource-limits",
    description: "Containers declare CPU and memory requests and limits.",
    severity: "medium",
    category: "availability",
    hipaa: ["164.308(a)(7)(ii)(C)"],
    soc2: ["A1.1"],
    remediation: "Set resources.requests and resources.limits for cpu and memory on every container.",
    check: perContainer((container) => {
        // The program writes requests and limits as literals; one the preview cannot know may be anything.
        const resources = container.resources;
        if (isUnknown(resources)) {
            return "sets resources that are unknown in preview.";
        }
        const missing: string[] = [];
        const pending: string[] = [];
        for (const kind of ["requests", "limits"] as const) {
            const values = isKnown(resources) ? resources[kind] : undefined;
            for (const resource of ["cpu", "memory"]) {
                const value = isKnown(values) ? values[resource] : values;
                if (isUnknown(value)) {
                    pending.push(`${kind}.${resource}`);
                } else if (!present(value)) {
                    missing.push(`${kind}.${resource}`);
                }
            }
        }
        if (missing.length > 0) {
            return `does not set ${missing.join(", ")}.`;
        }
        return pending.length > 0 ? `sets ${pending.join(", ")} to values unknown in preview.` : undefined;
    }),
});

interface ReplicaConfig {
    minReplicas: number;
    minStandbyReplicas: number;
    standbyAnnotation: string;
}

/** A blue/green slot that takes no traffic declares itself a standby with an annotation "key=value". */
function isStandby(deployment: DeploymentInputs, marker: string): boolean {
    const separator = marker.indexOf("=");
    const [key, value] = separator < 0 ? [marker, ""] : [marker.slice(0, separator), marker.slice(separator + 1)];
    const metadata = deployment.metadata;
    const annotations = isKnown(metadata) && isKnown(metadata.annotations) ? metadata.annotations : {};
    return key !== "" && annotations[key] === value;
}

/**
 * The autoscaler that scales `deployment`, if any: one naming it as its target in the same namespace,
 * or one whose spec the engine records as depending on it (the name may be unknown until the update).
 */
function autoscalerOf(deployment: StackResource, autoscalers: readonly StackResource[]): StackResource | undefined {
    const metadata = deployment.props<DeploymentInputs>().metadata;
    const name = isKnown(metadata) ? metadata.name : undefined;
    const namespace = isKnown(metadata) ? metadata.namespace : undefined;
    return autoscalers.find((autoscaler) => {
        if (autoscaler.propertyDependencies["spec"]?.includes(deployment.urn)) {
            return true;
        }
        const props = autoscaler.props<AutoscalerInputs>();
        const target = isKnown(props.spec) && isKnown(props.spec.scaleTargetRef) ? props.spec.scaleTargetRef : undefined;
        const ownNamespace = isKnown(props.metadata) ? props.metadata.namespace : undefined;
        return target !== undefined && target.kind === "Deployment" && isKnown(name)
            && target.name === name && ownNamespace === namespace;
    });
}

/** The autoscaler's floor when one scales the Deployment, else the Deployment's own count. */
function fewestReplicas(deployment: DeploymentInputs, autoscaler: AutoscalerInputs | undefined): Maybe<number> {
    if (autoscaler !== undefined) {
        return isKnown(autoscaler.spec) ? autoscaler.spec.minReplicas : autoscaler.spec;
    }
    return isKnown(deployment.spec) ? deployment.spec.replicas : deployment.spec;
}

export const k8sDeploymentMinReplicas = stackRule<ReplicaConfig>({
    name: "k8s-deployment-min-replicas",
    description:
        "Deployments run at least the environment's minimum number of replicas (a declared standby slot, its standby minimum); " +
        "for an autoscaled Deployment the autoscaler's floor counts.",
    severity: "high",
    category: "availability",
    hipaa: ["164.308(a)(7)(ii)(C)"],
    soc2: ["A1.2"],
    remediation:
        "Set the autoscaler's minReplicas, or spec.replicas of a Deployment no autoscaler scales, to at least the configured minimum " +
        "(5 in production; 2 for a warm standby slot).",
    config: {
        minReplicas: { type: "integer", minimum: 1, default: 2, description: "Fewest replicas of a Deployment that serves traffic." },
        minStandbyReplicas: { type: "integer", minimum: 1, default: 1, description: "Fewest replicas of a standby slot." },
        standbyAnnotation: {
            type: "string",
            pattern: "^[^=]+=.*$",
            default: "clinical-platform/capacity=warm",
            description: "Annotation (key=value) by which an idle blue/green slot declares itself a standby.",
        },
    },
    resourceTypes: [K8S.deployment],
    *check(stack, { config }) {
        const autoscalers = stack.ofType(K8S.horizontalPodAutoscaler);
        for (const resource of stack.ofType(K8S.deployment)) {
            const deployment = resource.props<DeploymentInputs>();
            // The autoscaler owns the count of a Deployment it scales (which then leaves spec.replicas
            // unset); its floor is the fewest replicas the Deployment runs.
            const autoscaler = autoscalerOf(resource, autoscalers);
            const replicas = fewestReplicas(deployment, autoscaler?.props<AutoscalerInputs>());
            if (isUnknown(replicas)) {
                continue;
            }
            // Both default to one: spec.replicas in the Deployment API, minReplicas in the autoscaler's.
            const count = isKnown(replicas) ? replicas : 1;
            const standby = isStandby(deployment, config.standbyAnnotation);
            const minimum = standby ? config.minStandbyReplicas : config.minReplicas;
            if (count < minimum) {
                const role = standby ? "standby Deployment" : "Deployment";
                const runs = autoscaler ? `may scale down to ${count}` : `runs ${count}`;
                yield {
                    resource,
                    message: `The ${role} ${runs} replica${count === 1 ? "" : "s"}; this environment requires at least ${minimum}.`,
                };
            }
        }
    },
});

export const k8sHealthProbes = podTemplateRules({
    name: "k8s-deployment-health-probes",
    description: "Application containers have liveness and readiness probes.",
    severity: "medium",
    category: "availability",
    hipaa: ["164.308(a)(7)(ii)(C)"],
    soc2: ["A1.2"],
    remediation: "Set livenessProbe and readinessProbe (e.g. HTTP GET /health/liveness and /health/readiness).",
    check: perContainer(
        (container) => {
            const missing = (["livenessProbe", "readinessProbe"] as const).filter((probe) => !present(container[probe]));
            return missing.length > 0 ? `has no ${missing.join(" or ")}.` : undefined;
        },
        { includeInit: false },
    ),
}, LONG_RUNNING);

export const k8sImagePinned = podTemplateRules({
    name: "k8s-deployment-image-pinned",
    description: "Container images are pinned to a version tag or digest, never latest.",
    severity: "medium",
    category: "change-management",
    hipaa: ["164.308(a)(5)(ii)(B)"],
    soc2: ["CC8.1", "CC7.1"],
    remediation: "Reference images by an immutable version tag or @sha256 digest.",
    check: perContainer((container) => {
        const image = container.image;
        if (!isKnown(image) || image.includes("@sha256:")) {
            return undefined;
        }
        const lastSegment = image.slice(image.lastIndexOf("/") + 1);
        const tag = lastSegment.includes(":") ? lastSegment.slice(lastSegment.indexOf(":") + 1) : "";
        return tag === "" || tag === "latest" ? `uses the unpinned image ${image}.` : undefined;
    }),
});

export const k8sAllowedRegistries = podTemplateRules<{ allowedRegistries: string[] }, (typeof LONG_RUNNING)[number]>({
    name: "k8s-deployment-allowed-registries",
    description: "Container images come only from the environment's approved registries.",
    severity: "medium",
    category: "change-management",
    hipaa: ["164.308(a)(5)(ii)(B)"],
    soc2: ["CC6.8", "CC8.1"],
    remediation: "Pull images from an approved registry (listed in the pack config).",
    config: {
        allowedRegistries: {
            type: "array",
            items: { type: "string", minLength: 1 },
            uniqueItems: true,
            default: [],
            description: "Image prefixes (registry host and path) allowed; empty allows any.",
        },
    },
    *check(deployment, { config, notApplicable }) {
        if (config.allowedRegistries.length === 0) {
            notApplicable("The pack config names no approved registry.");
        }
        yield* perContainer((container) => {
            const image = container.image;
            const approved = !isKnown(image) || config.allowedRegistries.some((prefix) => image.startsWith(prefix));
            return approved ? undefined : `uses ${String(image)}, which is not from an approved registry.`;
        })(deployment);
    },
}, LONG_RUNNING);

export const k8sNoPlaintextSecretEnv = podTemplateRules({
    name: "k8s-deployment-no-plaintext-secret-env",
    description: "Secret-looking environment variables come from Secrets, never literal values in the manifest.",
    severity: "high",
    category: "encryption",
    hipaa: ["164.312(a)(2)(iv)", "164.312(a)(1)"],
    soc2: ["CC6.1"],
    remediation: "Use env[].valueFrom.secretKeyRef (or a mounted secret) for passwords, tokens and keys.",
    check: perContainer((container) => {
        const literal = elements(container.env).known.filter(
            // Any literal counts, known or not: an unknown value still lands in the manifest in clear text.
            (variable) => isKnown(variable.name) && SECRET_LIKE_NAME.test(variable.name) && presentOrPending(variable.value),
        );
        return literal.length > 0
            ? `sets ${literal.map((variable) => String(variable.name)).join(", ")} as literal values in the manifest.`
            : undefined;
    }),
});

export const k8sNoSaTokenAutomount = podTemplateRules({
    name: "k8s-deployment-no-sa-token-automount",
    description: "Pods do not mount a Kubernetes API token they do not need.",
    severity: "medium",
    category: "workload",
    hipaa: WORKLOAD_HIPAA,
    soc2: ["CC6.3"],
    remediation: "Set spec.template.spec.automountServiceAccountToken to false (IRSA tokens are projected separately).",
    *check(deployment) {
        const pod = podSpec(deployment);
        if (pod !== undefined && isUnknown(pod.automountServiceAccountToken)) {
            yield "automountServiceAccountToken is unknown in preview, so the pod may mount a Kubernetes API token.";
        } else if (pod !== undefined && pod.automountServiceAccountToken !== false) {
            yield "automountServiceAccountToken is not false, so a compromised container can call the Kubernetes API.";
        }
    },
});

export const k8sSeccompRuntimeDefault = podTemplateRules({
    name: "k8s-deployment-seccomp-runtime-default",
    description: "Containers run under a seccomp profile.",
    severity: "medium",
    category: "workload",
    hipaa: WORKLOAD_HIPAA,
    soc2: ["CC6.8"],
    remediation: 'Set spec.template.spec.securityContext.seccompProfile.type to "RuntimeDefault".',
    check: perContainer((container, pod) => {
        const own = securityContextOf(container).seccompProfile;
        const podProfile = isKnown(pod.securityContext) ? pod.securityContext.seccompProfile : undefined;
        const profile = presentOrPending(own) ? own : podProfile;
        const type = isKnown(profile) ? profile.type : profile;
        if (isUnknown(type)) {
            return "runs under a seccomp profile that is unknown in preview.";
        }
        return type === "RuntimeDefault" || type === "Localhost" ? undefined : "runs without a seccomp profile.";
    }),
});

function annotationsOf(service: ServiceInputs): Record<string, Maybe<string>> {
    const metadata = service.metadata;
    const annotations = isKnown(metadata) ? metadata.annotations : undefined;
    return isKnown(annotations) ? annotations : {};
}

function serviceType(service: ServiceInputs): Maybe<string> {
    return isKnown(service.spec) ? service.spec.type : service.spec;
}

export const k8sServiceNoPublicLoadBalancer = resourceRule<ServiceInputs>({
    name: "k8s-service-no-public-load-balancer",
    description: "LoadBalancer Services are internal or restricted to known source ranges.",
    severity: "high",
    category: "public-access",
    hipaa: ["164.312(e)(1)", "164.312(a)(1)"],
    soc2: ["CC6.6"],
    remediation: `Annotate the Service with ${LB_SCHEME}: internal, or set loadBalancerSourceRanges; expose the app through the ALB instead.`,
    resourceTypes: [K8S.service],
    *check(service, context) {
        const type = serviceType(service);
        if (!isUnknown(type) && type !== "LoadBalancer") {
            context.notApplicable(`The Service is of type ${type ?? "ClusterIP (the default)"}, not LoadBalancer.`);
        }
        if (type !== "LoadBalancer") {
            return;
        }
        const annotations = annotationsOf(service);
        const internal = annotations[LB_SCHEME] === "internal" || annotations[LB_INTERNAL] === "true";
        const ranges = elements(isKnown(service.spec) ? service.spec.loadBalancerSourceRanges : undefined);
        const restricted = ranges.hasUnknown || (ranges.known.length > 0 && !ranges.known.some((r) => r === "0.0.0.0/0" || r === "::/0"));
        if (!internal && !restricted) {
            yield "The Service provisions an internet-facing load balancer open to everyone.";
        }
    },
});

export const k8sServiceNoNodeport = resourceRule<ServiceInputs>({
    name: "k8s-service-no-nodeport",
    description: "Services are not exposed on every node's ports.",
    severity: "medium",
    category: "network",
    hipaa: ["164.312(e)(1)"],
    soc2: ["CC6.6"],
    remediation: 'Use type "ClusterIP" and route traffic through the ALB target group binding.',
    resourceTypes: [K8S.service],
    *check(service) {
        if (serviceType(service) === "NodePort") {
            yield "The Service is of type NodePort, which opens a port on every node.";
        }
    },
});

export const k8sServiceLbTls = resourceRule<ServiceInputs>({
    name: "k8s-service-lb-tls",
    description: "LoadBalancer Services terminate TLS with a certificate.",
    severity: "high",
    category: "encryption",
    hipaa: ["164.312(e)(1)", "164.312(e)(2)(ii)"],
    soc2: ["CC6.7"],
    remediation: `Annotate the Service with ${LB_SSL_CERT} (an ACM certificate ARN) and the TLS ports.`,
    resourceTypes: [K8S.service],
    *check(service, context) {
        const type = serviceType(service);
        if (!isUnknown(type) && type !== "LoadBalancer") {
            context.notApplicable(`The Service is of type ${type ?? "ClusterIP (the default)"}, not LoadBalancer.`);
        }
        // The certificate ARN may come from a certificate created in the same update.
        if (type === "LoadBalancer" && !presentOrPending(annotationsOf(service)[LB_SSL_CERT])) {
            yield "The load balancer Service has no TLS certificate, so traffic to it is unencrypted.";
        }
    },
});

export const k8sNoDefaultNamespace = resourceRule<DeploymentInputs & ServiceInputs>({
    name: "k8s-no-default-namespace",
    description: "Workloads live in their own namespace, not default.",
    severity: "low",
    category: "access-control",
    hipaa: ["164.308(a)(4)(ii)(A)"],
    soc2: ["CC6.1"],
    remediation: "Set metadata.namespace to the application's namespace.",
    resourceTypes: [...WORKLOAD_KINDS.map(({ type }) => type), K8S.service],
    *check(resource) {
        const metadata = resource.metadata;
        const namespace = isKnown(metadata) ? metadata.namespace : metadata;
        if (!isUnknown(namespace) && (!isKnown(namespace) || namespace === "default")) {
            yield "The resource is in the default namespace, where RBAC and network policies are not scoped to the application.";
        }
    },
});

/** The pod-template rules, each as one policy per workload kind. */
const podTemplatePolicies: readonly PodTemplatePolicies[] = [
    k8sRunAsNonRoot,
    k8sNoPrivileged,
    k8sNoPrivilegeEscalation,
    k8sReadOnlyRootFs,
    k8sDropCapabilities,
    k8sNoHostNamespaces,
    k8sResourceLimits,
    k8sImagePinned,
    k8sNoPlaintextSecretEnv,
    k8sNoSaTokenAutomount,
    k8sSeccompRuntimeDefault,
];

export const kubernetesPolicies: ClinicalPolicy[] = [
    k8sRunAsNonRoot.deployment,
    k8sNoPrivileged.deployment,
    k8sNoPrivilegeEscalation.deployment,
    k8sReadOnlyRootFs.deployment,
    k8sDropCapabilities.deployment,
    k8sNoHostNamespaces.deployment,
    k8sResourceLimits.deployment,
    k8sDeploymentMinReplicas,
    k8sHealthProbes.deployment,
    k8sImagePinned.deployment,
    k8sAllowedRegistries.deployment,
    k8sNoPlaintextSecretEnv.deployment,
    k8sNoSaTokenAutomount.deployment,
    k8sSeccompRuntimeDefault.deployment,
    ...WORKLOAD_KINDS.filter(({ kind }) => kind !== "deployment").flatMap(({ kind }) =>
        podTemplatePolicies.map((policies) => policies[kind]),
    ),
    ...LONG_RUNNING.filter((kind) => kind !== "deployment").flatMap((kind) => [k8sHealthProbes[kind], k8sAllowedRegistries[kind]]),
    k8sServiceNoPublicLoadBalancer,
    k8sServiceNoNodeport,
    k8sServiceLbTls,
    k8sNoDefaultNamespace,
];
