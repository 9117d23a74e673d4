/**
 * One slot (blue or green) in its own namespace: a service account holding the API's AWS role
 * through Pod Identity, the SecretProviderClass naming the Secrets Manager values it may read, the
 * ConfigMap of the API's per-environment settings, the Deployment (only once an image is staged), a
 * Service, a PodDisruptionBudget and the TargetGroupBinding that keeps its pods registered in the
 * slot's target group. The image appears in the Deployment only, so staging a release touches
 * nothing else; the settings appear in the ConfigMap and, as a digest, in the pod template.
 */
import * as aws from "../aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { POSTGRES_PORT } from "../database";
import { DNS_EGRESS, denyByDefault } from "../pod-security";
import { APP_PORT } from "./load-balancer";
import { ApplicationSettings, SETTINGS_CONFIG_MAP, apiPodTemplate, secretFilesFor, settingsData, settingsHash } from "./workload";

export const APP_NAME = "clinical-api";
const SECRET_CLASS_NAME = `${APP_NAME}-secrets`;
const SERVICE_PORT = 80;
/**
 * Where pods get AWS credentials under EKS Pod Identity: the agent on each node, reached at the
 * link-local address that EKS injects as AWS_CONTAINER_CREDENTIALS_FULL_URI
 * (http://169.254.170.23/v1/credentials, so TCP 80). Checked 2026-12-01 in the EKS User Guide
 * ("Set up the Amazon EKS Pod Identity Agent", "Understand how EKS Pod Identity works"). The agent's
 * IPv6 address, fd00:ec2::23, serves IPv6 clusters only; this cluster is IPv4.
 */
export const POD_IDENTITY_AGENT = { address: "169.254.170.23", port: 80 } as const;

export interface SlotSecrets {
    /** Application secrets stored as JSON `{ "value": … }`, by name (jwt-signing-key, api-key). */
    applicationSecretArns: Readonly<Record<string, pulumi.Input<string>>>;
}

export interface AppSlotArgs {
    /** Slot name, blue or green; labels every object. */
    slot: string;
    /** Namespace the slot lives in, e.g. clinical-blue. */
    namespace: string;
    /** Container image; without one the slot has everything but a Deployment. */
    image?: string;
    /**
     * The autoscaler's floor: the full count in the stable slot, the warm count in the other. The
     * autoscaler, not the Deployment, owns the replica count.
     */
    minReplicas: number;
    /** The autoscaler's ceiling. */
    maxReplicas: number;
    /** `stable` for the slot rollback returns to, `warm` for the other, kept ready at a smaller size. */
    capacity: "stable" | "warm";
    /** Container CPU request and limits; memory is requested at its limit. */
    resources: { cpuRequest: string; cpuLimit: string; memoryLimit: string };
    /** The cluster, for the Pod Identity association. */
    clusterName: pulumi.Input<string>;
    /** Region the Secrets Manager values are fetched from. */
    region: string;
    /** Role the pods hold; it may read exactly the secrets below. */
    roleArn: pulumi.Input<string>;
    /** That role's policy attachments; pods start only once they exist. */
    permissions: pulumi.Resource[];
    /** The slot's target group; the binding registers its pods there. */
    targetGroupArn: pulumi.Input<string>;
    /** Where the API connects, and its own database role (IAM authentication, never the master user). */
    database: { host: pulumi.Input<string>; port: pulumi.Input<number>; name: pulumi.Input<string>; user: pulumi.Input<string> };
    /** Secrets Manager ARNs the pods may read. */
    secrets: SlotSecrets;
    /** The API's per-environment settings, given to its pods through the slot's ConfigMap. */
    settings: ApplicationSettings;
    /** Kubernetes provider of the cluster. */
    provider: k8s.Provider;
    /** Controllers whose definitions the slot's objects use (Secrets Store, load balancer controller). */
    runAfter: pulumi.Resource[];
    /**
     * The weighted listener. A resize waits for it, so after a promotion the old stable slot
     * shrinks only once its traffic has gone; and pods wait for it, since the load balancer
     * health-checks a target group's pods, and so lets them turn ready, only once a listener uses it.
     */
    trafficListener: pulumi.Resource;
    /** The VPC block: the database is reached within it. */
    vpcCidr: string;
    /** Address blocks of the load balancer's subnets, the only sources admitted to the API's port. */
    loadBalancerSubnetCidrs: readonly string[];
    /**
     * What the Deployment waits for besides its own objects: the release's migration Job, declared
     * after the slot (it runs in the slot's namespace), so a failed migration leaves the pods as they were.
     */
    rolloutAfter?: Promise<pulumi.Resource[]>;
}

/** What the Deployment uses and waits for. */
interface WorkloadParts {
    serviceAccount: k8s.core.v1.ServiceAccount;
    identity: aws.eks.PodIdentityAssociation;
    secretClass: k8s.apiextensions.CustomResource;
    settingsMap: k8s.core.v1.ConfigMap;
    binding: k8s.apiextensions.CustomResource;
}

/** What every step of a slot puts its objects in: the cluster's provider, the slot's labels and namespace. */
interface SlotScope {
    kube: pulumi.CustomResourceOptions;
    labels: Record<string, string>;
    inNamespace: (objectName: pulumi.Input<string>) => { name: pulumi.Input<string>; namespace: pulumi.Output<string>; labels: Record<string, string> };
}

export class AppSlot extends pulumi.ComponentResource {
    readonly namespace: string;
    /** The Namespace object, for what other components create in it. */
    readonly namespaceResource: k8s.core.v1.Namespace;
    /** The TargetGroupBinding; the weighted listener forwards to the slot's group only once it exists. */
    readonly binding: k8s.apiextensions.CustomResource;

    constructor(name: string, args: AppSlotArgs, opts?: pulumi.ComponentResourceOptions) {
        super("clinical-platform:blue-green:Slot", name, {}, opts);
        const kube = { parent: this, provider: args.provider };
        const labels = { "app.kubernetes.io/name": APP_NAME, "app.kubernetes.io/part-of": "clinical-platform", "clinical-platform/slot": args.slot };
        this.namespace = args.namespace;

        const namespace = this.defineNamespace(name, args, labels, kube);
        this.namespaceResource = namespace;
        const scope: SlotScope = { kube, labels, inNamespace: (objectName) => ({ name: objectName, namespace: namespace.metadata.name, labels }) };

        this.restrictTraffic(name, args, namespace, labels, kube);
        const serviceAccount = new k8s.core.v1.ServiceAccount(name, {
            metadata: scope.inNamespace(APP_NAME),
            automountServiceAccountToken: false,
        }, kube);
        const identity = this.defineIdentity(name, args, serviceAccount);
        const secretClass = this.defineSecretClass(name, args, scope);
        const settingsMap = this.defineSettings(name, args, scope);
        this.binding = this.defineService(name, args, scope);
        if (args.image) {
            this.defineWorkload(name, { ...args, image: args.image }, scope, { serviceAccount, identity, secretClass, settingsMap, binding: this.binding });
        }

        this.registerOutputs({ namespace: this.namespace, namespaceName: namespace.metadata.name, bindingName: this.binding.metadata.name });
    }

    /** The slot's namespace: restricted pod security, and target-health readiness gates injected into its pods. */
    private defineNamespace(name: string, args: AppSlotArgs, labels: Record<string, string>, kube: pulumi.CustomResourceOptions): k8s.core.v1.Namespace {
        return new k8s.core.v1.Namespace(name, {
            metadata: {
                name: args.namespace,
                labels: {
                    ...labels,
                    "pod-security.kubernetes.io/enforce": "restricted",
                    "pod-security.kubernetes.io/enforce-version": "latest",
                    // A pod counts as ready only once its target is healthy, so a rollout never outruns the load balancer.
                    "elbv2.k8s.aws/pod-readiness-gate-inject": "enabled",
                },
            },
        }, kube);
    }

    /** The Pod Identity association that gives the slot's service account the API's AWS role. */
    private defineIdentity(name: string, args: AppSlotArgs, serviceAccount: k8s.core.v1.ServiceAccount): aws.eks.PodIdentityAssociation {
        return new aws.eks.PodIdentityAssociation(name, {
            clusterName: args.clusterName,
            namespace: args.namespace,
            serviceAccount: APP_NAME,
            roleArn: args.roleArn,
            tags: { Slot: args.slot },
        }, { parent: this, dependsOn: [serviceAccount] });
    }

    /** The SecretProviderClass naming the Secrets Manager values the pods read as files. */
    private defineSecretClass(name: string, args: AppSlotArgs, { kube, inNamespace }: SlotScope): k8s.apiextensions.CustomResource {
        return new k8s.apiextensions.CustomResource(`${name}-secrets`, {
            apiVersion: "secrets-store.csi.x-k8s.io/v1",
            kind: "SecretProviderClass",
            metadata: inNamespace(SECRET_CLASS_NAME),
            // Files only: no `secretObjects`, so no Kubernetes Secret mirrors the values.
            spec: {
                provider: "aws",
                parameters: {
                    region: args.region,
                    usePodIdentity: "true",
                    objects: secretObjects(args.secrets),
                },
            },
        }, { ...kube, dependsOn: args.runAfter });
    }

    /** The ConfigMap of the API's per-environment settings. */
    private defineSettings(name: string, args: AppSlotArgs, { kube, inNamespace }: SlotScope): k8s.core.v1.ConfigMap {
        // Present whether or not an image is staged, so staging a slot adds only its Deployment and autoscaler.
        return new k8s.core.v1.ConfigMap(`${name}-settings`, {
            metadata: inNamespace(SETTINGS_CONFIG_MAP),
            data: settingsData(args.settings),
        }, kube);
    }

    /** The Service, its PodDisruptionBudget, and the TargetGroupBinding that registers its pods in the slot's target group. */
    private defineService(name: string, args: AppSlotArgs, { kube, labels, inNamespace }: SlotScope): k8s.apiextensions.CustomResource {
        const service = new k8s.core.v1.Service(name, {
            metadata: inNamespace(APP_NAME),
            spec: {
                type: "ClusterIP",
                selector: labels,
                ports: [{ name: "http", port: SERVICE_PORT, targetPort: "http", protocol: "TCP" }],
            },
        }, kube);
        new k8s.policy.v1.PodDisruptionBudget(name, {
            metadata: inNamespace(APP_NAME),
            spec: { maxUnavailable: 1, selector: { matchLabels: labels } },
        }, kube);
        return new k8s.apiextensions.CustomResource(`${name}-binding`, {
            apiVersion: "elbv2.k8s.aws/v1beta1",
            kind: "TargetGroupBinding",
            metadata: {
                // Named after its target group, so a replacement binding is a new object beside the old.
                ...inNamespace(bindingNameFor(args.targetGroupArn)),
                // Ready once the controller has reconciled it, pods registered: it writes
                // status.observedGeneration only after a successful reconcile
                // (controllers/elbv2/targetgroupbinding_controller.go, v3.5.0). Without this Pulumi
                // counts a custom resource ready as soon as the API server stores it, and the
                // listener that waits for the binding could forward to a group nobody registered in.
                annotations: { "pulumi.com/waitFor": "jsonpath={.status.observedGeneration}" },
            },
            spec: {
                serviceRef: { name: service.metadata.name, port: SERVICE_PORT },
                targetGroupARN: args.targetGroupArn,
                targetType: "ip",
            },
        }, {
            ...kube,
            dependsOn: args.runAfter,
            // The controller's webhook refuses any change of spec.targetGroupARN ("TargetGroupBinding
            // update may not change these immutable fields", webhooks/elbv2/targetgroupbinding_validator.go,
            // checkImmutableFields, aws-load-balancer-controller v3.5.0), so a replaced target group
            // replaces its binding. The binding is named after its group, so the new one is created
            // beside the old: pods are registered in the new group, the listener (which waits for the
            // binding) moves to it, and only then is the old binding deleted. With one fixed name the old
            // binding had to go first, emptying the group the listener still forwarded to; and the running
            // pods' readiness gate (named after the binding) would have held the new binding unreconciled.
            replaceOnChanges: ["spec.targetGroupARN"],
        });
    }

    /** The Deployment of the staged image and the autoscaler that owns its replica count. */
    private defineWorkload(name: string, args: AppSlotArgs & { image: string }, { kube, labels, inNamespace }: SlotScope, parts: WorkloadParts): void {
        const { serviceAccount, identity, secretClass, settingsMap, binding } = parts;
        const ownDependencies: pulumi.Resource[] = [identity, ...args.permissions, secretClass, binding, args.trafficListener];
        const rolloutAfter: Promise<pulumi.Resource[]> = args.rolloutAfter ?? Promise.resolve([]);
        const dependsOn: Promise<pulumi.Resource[]> = rolloutAfter.then((migration) => [...ownDependencies, ...migration]);
        const deployment = new k8s.apps.v1.Deployment(name, {
            // The annotation tells readers, and policies, why a warm slot runs fewer replicas.
            metadata: { ...inNamespace(APP_NAME), annotations: { "clinical-platform/capacity": args.capacity } },
            spec: {
                // No replicas: the autoscaler owns the count (see the note on the autoscaler below).
                revisionHistoryLimit: 5,
                progressDeadlineSeconds: 600,
                selector: { matchLabels: labels },
                strategy: { type: "RollingUpdate", rollingUpdate: { maxSurge: "25%", maxUnavailable: 0 } },
                template: apiPodTemplate({
                    labels,
                    serviceAccountName: serviceAccount.metadata.name,
                    image: args.image,
                    slot: args.slot,
                    resources: args.resources,
                    database: args.database,
                    region: args.region,
                    secretProviderClass: secretClass.metadata.name,
                    // The map is updated in place; the digest changes the template, which rolls the pods.
                    settings: { configMapName: settingsMap.metadata.name, hash: settingsHash(settingsData(args.settings)) },
                }),
            },
        }, {
            ...kube,
            // A pod gets its target-health readiness gate only if the binding exists when the pod
            // is created, gets AWS credentials only if its Pod Identity association exists then,
            // and can use them only once the role's permissions are attached. Its gate turns true
            // only once the load balancer health-checks it, which needs the group behind the listener.
            // The release's migration has completed before any pod of the release starts.
            dependsOn,
        });
        // A weight change never resizes a slot; load does, between the role's floor and the ceiling.
        //
        // The autoscaler alone owns the replica count. A Deployment that also set spec.replicas would
        // own the field under Pulumi's server-side-apply field manager, and once the autoscaler had
        // moved the count, the next update of the Deployment (staging an image) would fail with a
        // field-manager conflict over .spec.replicas.
        // - On create the Deployment starts at the API default of one pod; the autoscaler, created as
        //   soon as that pod is ready, raises it to its floor on its first sync (every 15 s by
        //   default), seconds later. That is acceptable: a new slot's pods take traffic only once the
        //   load balancer finds them healthy, and a new stack serves nobody yet.
        // - On an existing stack the first update without spec.replicas releases Pulumi's ownership.
        //   Under server-side apply a field no other manager owns is reset to its default, so a
        //   Deployment the autoscaler never rescaled (still at the count Pulumi set) drops to one pod
        //   until the autoscaler restores the floor (kubernetes.io, Server-Side Apply, "Transferring
        //   ownership"; kubernetes/kubernetes#67135). Hand the field over before that update: apply
        //   a manifest holding only spec.replicas with --server-side --field-manager=handover-to-hpa.
        // The floor follows the slot's role, so a promotion that makes a slot stable raises its floor.
        // The autoscaler waits for the listener: after a promotion the old stable slot shrinks only
        // once its traffic has gone.
        new k8s.autoscaling.v2.HorizontalPodAutoscaler(name, {
            metadata: inNamespace(APP_NAME),
            spec: {
                scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: deployment.metadata.name },
                minReplicas: args.minReplicas,
                maxReplicas: Math.max(args.maxReplicas, args.minReplicas),
                metrics: [
                    { type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: 70 } } },
                    { type: "Resource", resource: { name: "memory", target: { type: "Utilization", averageUtilization: 80 } } },
                ],
                behavior: { scaleDown: { stabilizationWindowSeconds: 600 } },
            },
        }, { ...kube, dependsOn: [args.trafficListener] });
    }

    /**
     * Nothing enters or leaves the namespace unless allowed: the API takes requests from the load
     * balancer's subnets on its port, and may resolve names, reach PostgreSQL in the VPC, fetch its
     * AWS credentials from the node's Pod Identity agent and call HTTPS endpoints (AWS APIs).
     */
    private restrictTraffic(
        name: string,
        args: AppSlotArgs,
        namespace: k8s.core.v1.Namespace,
        labels: Record<string, string>,
        kube: pulumi.CustomResourceOptions,
    ): void {
        const metadata = (policyName: string) => ({ name: policyName, namespace: namespace.metadata.name, labels });
        denyByDefault(`${name}-default-deny`, metadata("default-deny"), kube);
        new k8s.networking.v1.NetworkPolicy(`${name}-api`, {
            metadata: metadata(APP_NAME),
            spec: {
                podSelector: { matchLabels: labels },
                policyTypes: ["Ingress", "Egress"],
                ingress: [{
                    from: args.loadBalancerSubnetCidrs.map((cidr) => ({ ipBlock: { cidr } })),
                    ports: [{ protocol: "TCP", port: APP_PORT }],
                }],
                egress: [
                    DNS_EGRESS,
                    { to: [{ ipBlock: { cidr: args.vpcCidr } }], ports: [{ protocol: "TCP", port: POSTGRES_PORT }] },
                    {
                        to: [{ ipBlock: { cidr: `${POD_IDENTITY_AGENT.address}/32` } }],
                        ports: [{ protocol: "TCP", port: POD_IDENTITY_AGENT.port }],
                    },
                    { ports: [{ protocol: "TCP", port: 443 }] },
                ],
            },
        }, kube);
    }
}

/**
 * The ASCP `objects` parameter: each application secret twice, its AWSCURRENT and its AWSPREVIOUS
 * version (`objectVersionLabel`), each JSON value's `value` key as a file of its own. During the
 * overlap after a rotation the API accepts both, so tokens signed with the old key stay valid and
 * pods that have not yet seen the new files still agree with those that have.
 */
function secretObjects(secrets: SlotSecrets): pulumi.Output<string> {
    const objects = Object.entries(secrets.applicationSecretArns).flatMap(([secretName, arn]) => {
        const files = secretFilesFor(secretName);
        return ([["AWSCURRENT", files.current], ["AWSPREVIOUS", files.previous]] as const).map(([label, file]) => ({
            objectName: arn,
            objectVersionLabel: label,
            objectAlias: `${file}.json`,
            jmesPath: [{ path: "value", objectAlias: file }],
        }));
    });
    // ASCP reads YAML; JSON is YAML, and this way the ARNs need no quoting rules.
    return pulumi.jsonStringify(objects);
}

/** `clinical-api-<target group id>`: the id is the last part of `…:targetgroup/<name>/<id>`. */
export function bindingNameFor(targetGroupArn: pulumi.Input<string>): pulumi.Output<string> {
    return pulumi.output(targetGroupArn).apply((arn) => `${APP_NAME}-${arn.split("/").pop()}`);
}
