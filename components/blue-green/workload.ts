/**
 * The pod of one slot as plain data: the API container with its probes, limits and hardened
 * security context, and the secrets volume. Application secrets arrive as files the CSI driver
 * refreshes in place (current and previous version); the database takes an IAM token per
 * connection. No environment variable carries a secret. docs/application-contract.md is the
 * application's side of this.
 */
import { createHash } from "crypto";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { SECRETS_STORE_DRIVER } from "../cluster/secrets-store";
import { RESTRICTED_CONTAINER, restrictedPod } from "../pod-security";
import { APP_PORT, READINESS_PATH } from "./load-balancer";

type PodTemplate = k8s.types.input.core.v1.PodTemplateSpec;
type EnvVar = k8s.types.input.core.v1.EnvVar;

export const HEALTH_PATHS = { startup: "/health/startup", liveness: "/health/liveness", readiness: READINESS_PATH } as const;
/** Unprivileged user and group the container runs as. */
export const APP_USER_ID = 10001;
/** Where the secrets volume is mounted in the API container. */
export const SECRETS_MOUNT_PATH = "/mnt/secrets";
/**
 * Where the application image keeps the RDS CA bundle it verifies the database against
 * (downloaded from the RDS trust store when the image is built; see docs/application-contract.md).
 */
export const RDS_CA_BUNDLE_PATH = "/etc/ssl/certs/rds-global-bundle.pem";
/**
 * How long a pod keeps signing with the previous key after it first sees a new current one: longer
 * than the Secrets Store driver takes to refresh every pod (its rotationPollInterval; its authors
 * recommend about an hour), so no pod signs with a key another pod has not loaded yet.
 */
export const FILE_PROPAGATION_SECONDS = 65 * 60;
/** Suffix of the file holding a secret's AWSPREVIOUS version, next to the AWSCURRENT one. */
export const PREVIOUS_VERSION_SUFFIX = ".previous";

/** The files an application secret is mounted as: its current value, and the value before the last rotation. */
export function secretFilesFor(secretName: string): { current: string; previous: string } {
    return { current: secretName, previous: `${secretName}${PREVIOUS_VERSION_SUFFIX}` };
}

/** The per-environment settings the API reads at start (stack config `application`, merged with the profile). */
export interface ApplicationSettings {
    /** `NODE_ENV`. */
    nodeEnv: string;
    /** `LOG_LEVEL`: error, warn, info or debug. */
    logLevel: string;
    /** `PUBLIC_URL`: where users reach the application. */
    publicUrl: string;
    /** `API_URL`: where the API is served. */
    apiUrl: string;
    /** `ENABLE_NEW_FEATURES`: features not yet released everywhere. */
    enableNewFeatures: boolean;
    /** `DEBUG_MODE`: diagnostics for people; config validation refuses it wherever PHI is held. */
    debugMode: boolean;
}

/** Name of each slot's settings ConfigMap, which its pods take their settings environment from. */
export const SETTINGS_CONFIG_MAP = "clinical-api-settings";
/**
 * Pod-template annotation holding a digest of the settings: the pods read them once at start, so a
 * settings change must change the template, and the Deployment then rolls the slot's pods.
 */
export const SETTINGS_HASH_ANNOTATION = "clinical-platform/settings-sha256";

/** The settings as the ConfigMap's data: environment variable names to string values. */
export function settingsData(settings: ApplicationSettings): Record<string, string> {
    return {
        NODE_ENV: settings.nodeEnv,
        LOG_LEVEL: settings.logLevel,
        PUBLIC_URL: settings.publicUrl,
        API_URL: settings.apiUrl,
        ENABLE_NEW_FEATURES: String(settings.enableNewFeatures),
        DEBUG_MODE: String(settings.debugMode),
    };
}

/** SHA-256 of the data, keys sorted, so the same settings give the same digest whatever their order. */
export function settingsHash(data: Readonly<Record<string, string>>): string {
    const sorted = Object.keys(data).sort().map((key) => [key, data[key]]);
    return createHash("sha256").update(JSON.stringify(sorted)).digest("hex");
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
    /** Where the API connects and as whom; not secret: the password is an IAM token made per connection. */
    database: { host: pulumi.Input<string>; port: pulumi.Input<number>; name: pulumi.Input<string>; user: pulumi.Input<string> };
    /** The stack's region, for the AWS SDK in the container. */
    region: string;
    /** The SecretProviderClass the secrets volume mounts. */
    secretProviderClass: pulumi.Input<string>;
    /** The settings ConfigMap: its name, which the container's environment comes from, and its data's digest. */
    settings: { configMapName: pulumi.Input<string>; hash: string };
}

/**
 * How a container of the platform reaches PostgreSQL, as `user`: the contract every workload that
 * connects follows (docs/application-contract.md). None of it is secret.
 */
export function databaseEnv(
    database: { host: pulumi.Input<string>; port: pulumi.Input<number>; name: pulumi.Input<string> },
    user: pulumi.Input<string>,
): EnvVar[] {
    return [
        { name: "DATABASE_HOST", value: database.host },
        { name: "DATABASE_PORT", value: pulumi.output(database.port).apply(String) },
        { name: "DATABASE_NAME", value: database.name },
        { name: "DATABASE_USER", value: user },
        // No password: an IAM authentication token (valid 15 minutes) is signed for each new connection.
        { name: "DATABASE_AUTH", value: "iam" },
        // The server refuses plain connections (rds.force_ssl); the client also checks who it talks to.
        { name: "DATABASE_SSLMODE", value: "verify-full" },
        { name: "DATABASE_SSLROOTCERT", value: RDS_CA_BUNDLE_PATH },
    ];
}

export function apiPodTemplate(args: PodSpecArgs): PodTemplate {
    const plain = (name: string, value: pulumi.Input<string>): EnvVar => ({ name, value });
    const probe = (path: string, periodSeconds: number, failureThreshold: number) => ({
        httpGet: { path, port: "http", scheme: "HTTP" },
        periodSeconds,
        failureThreshold,
        timeoutSeconds: 2,
    });
    return {
        metadata: { labels: args.labels, annotations: { [SETTINGS_HASH_ANNOTATION]: args.settings.hash } },
        spec: {
            serviceAccountName: args.serviceAccountName,
            // The API calls no Kubernetes API; a mounted token would only be something to steal.
            automountServiceAccountToken: false,
            enableServiceLinks: false,
            securityContext: restrictedPod(APP_USER_ID),
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
                // The per-environment settings. A variable in `env` wins over one from `envFrom`, so the
                // settings can never redirect the port, the database or the secret files below.
                envFrom: [{ configMapRef: { name: args.settings.configMapName, optional: false } }],
                env: [
                    plain("PORT", String(APP_PORT)),
                    plain("SLOT", args.slot),
                    plain("AWS_REGION", args.region),
                    ...databaseEnv(args.database, args.database.user),
                    // Not a secret: where the secret files are. Re-read on change; see the contract.
                    plain("APP_FILES_DIR", SECRETS_MOUNT_PATH),
                    plain("APP_FILES_PROPAGATION_SECONDS", String(FILE_PROPAGATION_SECONDS)),
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
                securityContext: RESTRICTED_CONTAINER,
                volumeMounts: [
                    // A whole-volume mount: the driver's in-place updates reach it (a subPath mount would freeze it).
                    { name: "secrets", mountPath: SECRETS_MOUNT_PATH, readOnly: true },
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
