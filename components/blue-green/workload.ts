/**
 * The pod of one slot as plain data: the API container with its probes, limits and hardened
 * security context, secrets read from the Secret the CSI driver mirrors (never a literal value),
 * and the secrets volume that drives that mirroring.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { SECRETS_STORE_DRIVER } from "../cluster/secrets-store";
import { APP_PORT, READINESS_PATH } from "./load-balancer";

type PodTemplate = k8s.types.input.core.v1.PodTemplateSpec;
type EnvVar = k8s.types.input.core.v1.EnvVar;

export const HEALTH_PATHS = { startup: "/health/startup", liveness: "/health/liveness", readiness: READINESS_PATH } as const;
/** Unprivileged user and group the container runs as. */
export const APP_USER_ID = 10001;
/** Keys of the database credentials in the mirrored Secret. */
export const DATABASE_SECRET_KEYS = { username: "database-username", password: "database-password" } as const;

/** Environment variable to key in the mirrored Secret: the database credentials and each application secret. */
export function secretEnvironmentFor(applicationSecrets: readonly string[]): Record<string, string> {
    return {
        DATABASE_USER: DATABASE_SECRET_KEYS.username,
        DATABASE_PASSWORD: DATABASE_SECRET_KEYS.password,
        ...Object.fromEntries(applicationSecrets.map((secret) => [secret.toUpperCase().replace(/-/g, "_"), secret])),
    };
}

export interface PodSpecArgs {
    /** Labels of the pods; the Service and budget select on them. */
    labels: Record<string, string>;
    /** Service account holding the API's Pod Identity role. */
    serviceAccountName: pulumi.Input<string>;
    /** Pinned container image. */
    image: string;
    /** Slot name, passed to the API for its logs. */
    slot: string;
    /** Container CPU request and limits; memory is requested at its limit. */
    resources: { cpuRequest: string; cpuLimit: string; memoryLimit: string };
    /** Where the API connects; not secret. */
    database: { host: pulumi.Input<string>; port: pulumi.Input<number>; name: pulumi.Input<string> };
    /** The stack's region, for the AWS SDK in the container. */
    region: string;
    /** The SecretProviderClass the secrets volume mounts. */
    secretProviderClass: pulumi.Input<string>;
    /** The Kubernetes Secret the driver mirrors into. */
    secretName: string;
    /** Environment variable to key in that Secret. */
    secretEnvironment: Readonly<Record<string, string>>;
}

export function apiPodTemplate(args: PodSpecArgs): PodTemplate {
    const plain = (name: string, value: pulumi.Input<string>): EnvVar => ({ name, value });
    const fromSecret = (name: string, key: string): EnvVar => ({ name, valueFrom: { secretKeyRef: { name: args.secretName, key } } });
    const probe = (path: string, periodSeconds: number, failureThreshold: number) => ({
        httpGet: { path, port: "http", scheme: "HTTP" },
        periodSeconds,
        failureThreshold,
        timeoutSeconds: 2,
    });
    return {
        metadata: { labels: args.labels },
        spec: {
            serviceAccountName: args.serviceAccountName,
            // The API calls no Kubernetes API; a mounted token would only be something to steal.
            automountServiceAccountToken: false,
            enableServiceLinks: false,
            securityContext: {
                runAsNonRoot: true,
                runAsUser: APP_USER_ID,
                runAsGroup: APP_USER_ID,
                fsGroup: APP_USER_ID,
                seccompProfile: { type: "RuntimeDefault" },
            },
            topologySpreadConstraints: [{
                maxSkew: 1,
                topologyKey: "topology.kubernetes.io/zone",
                whenUnsatisfiable: "ScheduleAnyway",
                labelSelector: { matchLabels: args.labels },
            }],
            terminationGracePeriodSeconds: 45,
            containers: [{
                name: "api",
                image: args.image,
                imagePullPolicy: "IfNotPresent",
                ports: [{ name: "http", containerPort: APP_PORT, protocol: "TCP" }],
                env: [
                    plain("NODE_ENV", "production"),
                    plain("PORT", String(APP_PORT)),
                    plain("SLOT", args.slot),
                    plain("AWS_REGION", args.region),
                    plain("DATABASE_HOST", args.database.host),
                    plain("DATABASE_PORT", pulumi.output(args.database.port).apply(String)),
                    plain("DATABASE_NAME", args.database.name),
                    // The server refuses plain connections (rds.force_ssl); the client also checks who it talks to.
                    plain("DATABASE_SSLMODE", "verify-full"),
                    ...Object.entries(args.secretEnvironment).map(([name, key]) => fromSecret(name, key)),
                ],
                resources: {
                    requests: { cpu: args.resources.cpuRequest, memory: args.resources.memoryLimit },
                    limits: { cpu: args.resources.cpuLimit, memory: args.resources.memoryLimit },
                },
                startupProbe: probe(HEALTH_PATHS.startup, 5, 30),
                livenessProbe: probe(HEALTH_PATHS.liveness, 10, 3),
                readinessProbe: probe(HEALTH_PATHS.readiness, 5, 2),
                // Keeps serving while the load balancer drains this pod's address.
                lifecycle: { preStop: { sleep: { seconds: 15 } } },
                securityContext: {
                    runAsNonRoot: true,
                    allowPrivilegeEscalation: false,
                    readOnlyRootFilesystem: true,
                    privileged: false,
                    capabilities: { drop: ["ALL"] },
                    seccompProfile: { type: "RuntimeDefault" },
                },
                volumeMounts: [
                    { name: "secrets", mountPath: "/mnt/secrets", readOnly: true },
                    { name: "tmp", mountPath: "/tmp" },
                ],
            }],
            volumes: [
                {
                    name: "secrets",
                    csi: { driver: SECRETS_STORE_DRIVER, readOnly: true, volumeAttributes: { secretProviderClass: args.secretProviderClass } },
                },
                { name: "tmp", emptyDir: { medium: "Memory", sizeLimit: "64Mi" } },
            ],
        },
    };
}
