/**
 * The migration step of a slot's release: a one-shot Kubernetes Job from the slot's own image that
 * runs the configured command as the schema owner, before the slot's pods start. In production an
 * RDS snapshot named after the release is taken first, and kept when the next release replaces it.
 *
 * The Job is named after the release (image, command, deadline), so staging a new image creates a
 * new Job and an unchanged release changes nothing. The provider creates a Job only once it has
 * completed (or fails the update when it fails or times out), so whatever waits for it, the slot's
 * Deployment above all, never starts on a schema the release has not migrated yet.
 */
import { createHash } from "crypto";
import * as aws from "../aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { POSTGRES_PORT } from "../database";
import { DNS_EGRESS, RESTRICTED_CONTAINER, restrictedPod } from "../pod-security";
import { APP_NAME, POD_IDENTITY_AGENT } from "./slot";
import { APP_USER_ID, databaseEnv } from "./workload";
import { PlatformContext } from "../context";

/** Service account (and label) of the migration pods, in each slot's namespace. */
export const MIGRATION_NAME = `${APP_NAME}-migrate`;
/** Tag naming the image a release snapshot was taken before. */
export const RELEASE_TAG = "clinical-platform:release";
/** Tag giving the days a release snapshot is kept; the expiry function deletes it after that. */
export const RETAIN_DAYS_TAG = "clinical-platform:retain-days";
/**
 * Kubernetes puts a Job's name into its pods' `batch.kubernetes.io/job-name` label, so the name must
 * also be a valid label value: at most 63 characters ("Jobs", kubernetes.io, "Writing a Job spec":
 * "Even when the name is a DNS subdomain, the name must be no longer than 63 characters"; checked 2026-12-01).
 */
export const JOB_NAME_LIMIT = 63;
/**
 * DBSnapshotIdentifier: 1–255 letters, digits or hyphens, first a letter, no trailing hyphen and no
 * two consecutive hyphens (RDS API reference, CreateDBSnapshot, checked 2026-12-01).
 */
export const SNAPSHOT_IDENTIFIER_LIMIT = 255;
const SNAPSHOT_IDENTIFIER = /^[a-zA-Z](?:[a-zA-Z0-9]|-(?!-))*$/;
/** Characters of the image tag kept in a snapshot's name; the hash keeps shortened names unique. */
const TAG_SLUG_LIMIT = 48;
const HASH_LENGTH = 10;

/** What a migration runs and for how long. */
export interface MigrationSettings {
    /** Exec-form command run from the release's image (no shell). */
    command: readonly string[];
    /** The Job's activeDeadlineSeconds, and how long Pulumi waits for it, in minutes. */
    timeoutMinutes: number;
    /** The schema owner's login role (IAM authentication). Resolves once the roles Job has created it. */
    user: pulumi.Input<string>;
    /** The `rds-db:connect` resource for exactly that user on this instance. */
    connectArn: pulumi.Input<string>;
    /** Snapshot before each migration; absent: none (dev, staging). */
    snapshot?: {
        /** The RDS instance to snapshot. */
        instanceIdentifier: pulumi.Input<string>;
        /** `<project>-<stack>`; names start `<prefix>-release-`. */
        namePrefix: string;
        /** Days the expiry function keeps each snapshot. */
        retainDays: number;
    };
}

/** Short, stable digest of a release's parts. */
function digest(...parts: readonly string[]): string {
    return createHash("sha256").update(JSON.stringify(parts)).digest("hex").slice(0, HASH_LENGTH);
}

/**
 * `clinical-api-migrate-<hash>`: the hash covers the image, the command and the deadline, so a
 * change of any of them is a new run under a new name, and an unchanged release keeps its Job.
 */
export function migrationJobName(image: string, command: readonly string[], timeoutMinutes: number): string {
    const name = `${MIGRATION_NAME}-${digest(image, ...command, String(timeoutMinutes))}`;
    if (name.length > JOB_NAME_LIMIT) throw new Error(`migration Job name "${name}" exceeds ${JOB_NAME_LIMIT} characters`);
    return name;
}

/** The tag of an image reference (or its digest), as used in a snapshot name: `1.5.0` → `1-5-0`. */
export function imageTagSlug(image: string): string {
    const lastSegment = image.slice(image.lastIndexOf("/") + 1);
    const at = lastSegment.indexOf("@");
    const colon = lastSegment.indexOf(":");
    const tag = at >= 0 ? lastSegment.slice(at + 1) : colon >= 0 ? lastSegment.slice(colon + 1) : "untagged";
    return tag.toLowerCase().replace(/[^a-z0-9]+/g, "-").slice(0, TAG_SLUG_LIMIT).replace(/^-+|-+$/g, "") || "untagged";
}

/**
 * `<prefix>-release-<tag slug>-<hash>`, where the hash covers the slot and the Job's name: one
 * snapshot per migration run, distinct for two slots running the same image.
 */
export function releaseSnapshotIdentifier(namePrefix: string, slot: string, jobName: string, image: string): string {
    const identifier = `${namePrefix}-release-${imageTagSlug(image)}-${digest(slot, jobName)}`;
    if (identifier.length > SNAPSHOT_IDENTIFIER_LIMIT || !SNAPSHOT_IDENTIFIER.test(identifier) || identifier.endsWith("-")) {
        throw new Error(
            `release snapshot identifier "${identifier}" is not 1–${SNAPSHOT_IDENTIFIER_LIMIT} letters, digits and single hyphens starting with a letter`,
        );
    }
    return identifier;
}

export interface MigrationJobArgs {
    /** Slot name, blue or green. */
    slot: string;
    /** The slot's namespace name. */
    namespace: string;
    /** The Namespace object; everything here is created in it. */
    namespaceResource: pulumi.Resource;
    /** The release image; the migration runs from it. */
    image: string;
    /** The cluster, for the Pod Identity association. */
    clusterName: pulumi.Input<string>;
    /** The migrator's role: `rds-db:connect` as the schema owner, nothing else. */
    roleArn: pulumi.Input<string>;
    /** That role's policy attachment; the Job starts only once it exists. */
    permissions: pulumi.Resource[];
    /** The VPC block: PostgreSQL is reached within it. */
    vpcCidr: string;
    /** The stack's region, for the AWS SDK in the container. */
    region: string;
    /** Where to connect. */
    database: { host: pulumi.Input<string>; port: pulumi.Input<number>; name: pulumi.Input<string> };
    migration: MigrationSettings;
    /** Container CPU and memory (requests at the limits). */
    resources: { cpu: string; memory: string };
    /** Kubernetes provider of the cluster. */
    provider: k8s.Provider;
    /**
     * What must finish first: the database roles Job, and the other slot's migration when this slot
     * is the candidate (the two never run at once, and the stable slot's schema comes first).
     */
    runAfter: pulumi.Input<pulumi.Resource>[];
    /** The stack's shared inputs: tags and protection, the logs key and retention (components/context.ts). */
    context: PlatformContext;
}

/** What the migration Job is named, labelled, run as and waits for. */
interface JobParts {
    jobName: string;
    labels: Record<string, string>;
    serviceAccount: k8s.core.v1.ServiceAccount;
    identity: aws.eks.PodIdentityAssociation;
    network: k8s.networking.v1.NetworkPolicy;
    snapshot: aws.rds.Snapshot | undefined;
}

/**
 * One slot's release migration: its service account and Pod Identity association, its network
 * policy, the snapshot before it (when configured) and the Job.
 */
export class MigrationJob extends pulumi.ComponentResource {
    /** The Job; the slot's Deployment waits for it. */
    readonly job: k8s.batch.v1.Job;
    /** The snapshot taken before it, in production. */
    readonly snapshot?: aws.rds.Snapshot;
    /** Kubernetes name of the Job. */
    readonly jobName: string;

    constructor(name: string, args: MigrationJobArgs, opts?: pulumi.ComponentResourceOptions) {
        super("clinical-platform:blue-green:Migration", name, {}, opts);
        const { command, timeoutMinutes } = args.migration;
        if (command.length === 0) throw new Error("the migration command must name at least the program to run");
        this.jobName = migrationJobName(args.image, command, timeoutMinutes);

        const labels = { "app.kubernetes.io/name": MIGRATION_NAME, "app.kubernetes.io/part-of": "clinical-platform", "clinical-platform/slot": args.slot };
        const kube = { parent: this, provider: args.provider, dependsOn: [args.namespaceResource] };
        const { serviceAccount, identity } = this.defineIdentity(name, args, labels, kube);
        const network = migrationNetworkPolicy(name, { namespace: args.namespace, labels, vpcCidr: args.vpcCidr }, kube);
        this.snapshot = this.defineSnapshot(name, args);
        this.job = this.defineJob(name, args, { jobName: this.jobName, labels, serviceAccount, identity, network, snapshot: this.snapshot });
        this.registerOutputs({ jobName: this.jobName, jobUrn: this.job.urn, snapshotIdentifier: this.snapshot?.dbSnapshotIdentifier });
    }

    /** The migrator's service account and its Pod Identity association with the migrator's role. */
    private defineIdentity(name: string, args: MigrationJobArgs, labels: Record<string, string>, kube: pulumi.CustomResourceOptions): { serviceAccount: k8s.core.v1.ServiceAccount; identity: aws.eks.PodIdentityAssociation } {
        const serviceAccount = new k8s.core.v1.ServiceAccount(name, {
            metadata: { name: MIGRATION_NAME, namespace: args.namespace, labels },
            automountServiceAccountToken: false,
        }, kube);
        const identity = new aws.eks.PodIdentityAssociation(name, {
            clusterName: args.clusterName,
            namespace: args.namespace,
            serviceAccount: MIGRATION_NAME,
            roleArn: args.roleArn,
            tags: { Slot: args.slot },
        }, { parent: this, dependsOn: [serviceAccount, ...args.permissions] });
        return { serviceAccount, identity };
    }

    /** The RDS snapshot named after the release, taken before the migration where the settings ask for one. */
    private defineSnapshot(name: string, args: MigrationJobArgs): aws.rds.Snapshot | undefined {
        const snapshot = args.migration.snapshot;
        if (!snapshot) return undefined;
        // An RDS tag value is 1–256 letters, digits, spaces and _ . : / = + - @ (RDS API reference,
        // data type Tag, checked 2026-12-01); an image reference uses no other character.
        if (!/^[\p{L}\p{Z}\p{N}_.:/=+\-@]{1,256}$/u.test(args.image)) {
            throw new Error(`image "${args.image}" cannot be an RDS tag value (1–256 letters, digits and _ . : / = + - @)`);
        }
        return new aws.rds.Snapshot(`${name}-snapshot`, {
            dbInstanceIdentifier: snapshot.instanceIdentifier,
            dbSnapshotIdentifier: releaseSnapshotIdentifier(snapshot.namePrefix, args.slot, this.jobName, args.image),
            tags: { Slot: args.slot, [RELEASE_TAG]: args.image, [RETAIN_DAYS_TAG]: String(snapshot.retainDays) },
        }, {
            parent: this,
            dependsOn: args.runAfter,
            // The identifier forces a replacement at each release; the old snapshot stays in AWS as
            // the restore point of its release, and the expiry function deletes it after its days.
            retainOnDelete: true,
            // A snapshot's duration grows with the data ("Creating a DB snapshot", Amazon RDS user
            // guide: it "varies with the size of your databases", checked 2026-12-01). The provider
            // waits for `available` within the create timeout, 20 minutes by default
            // (hashicorp/terraform-provider-aws, internal/service/rds/snapshot.go, read 2026-12-01).
            customTimeouts: { create: "3h" },
        });
    }

    /** The Job that runs the release's migration command once, from the release image, within its deadline. */
    private defineJob(name: string, args: MigrationJobArgs, parts: JobParts): k8s.batch.v1.Job {
        const { jobName, labels, serviceAccount, identity, network, snapshot } = parts;
        const { command, timeoutMinutes } = args.migration;
        const deadlineSeconds = timeoutMinutes * 60;
        const plain = (envName: string, value: pulumi.Input<string>) => ({ name: envName, value });
        return new k8s.batch.v1.Job(name, {
            metadata: {
                name: jobName,
                namespace: args.namespace,
                labels,
                annotations: {
                    // A failed Job never completes; without this the next update would wait on it again
                    // instead of replacing it (Job docs of @pulumi/kubernetes, checked 2026-12-01).
                    "pulumi.com/replaceUnready": "true",
                    "clinical-platform/release": args.image,
                },
            },
            spec: {
                // A migration is not retried blindly: a failure stops the release for a person to read.
                backoffLimit: 0,
                activeDeadlineSeconds: deadlineSeconds,
                // No ttlSecondsAfterFinished: a Job deleted after it finished would be re-created, and
                // re-run, by the next update.
                template: {
                    metadata: { labels },
                    spec: {
                        serviceAccountName: serviceAccount.metadata.name,
                        automountServiceAccountToken: false,
                        enableServiceLinks: false,
                        restartPolicy: "Never",
                        securityContext: restrictedPod(APP_USER_ID),
                        containers: [{
                            name: "migrate",
                            image: args.image,
                            imagePullPolicy: "IfNotPresent",
                            command: [...command],
                            env: [
                                plain("NODE_ENV", "production"),
                                plain("SLOT", args.slot),
                                plain("AWS_REGION", args.region),
                                ...databaseEnv(args.database, args.migration.user),
                                plain("MIGRATION_TIMEOUT_SECONDS", String(deadlineSeconds)),
                            ],
                            resources: {
                                requests: { cpu: args.resources.cpu, memory: args.resources.memory },
                                limits: { cpu: args.resources.cpu, memory: args.resources.memory },
                            },
                            securityContext: RESTRICTED_CONTAINER,
                            volumeMounts: [{ name: "tmp", mountPath: "/tmp" }],
                        }],
                        volumes: [{ name: "tmp", emptyDir: { medium: "Memory", sizeLimit: "64Mi" } }],
                    },
                },
            },
        }, {
            parent: this,
            provider: args.provider,
            // Credentials, permissions and a way out exist before the pod starts; then the snapshot.
            dependsOn: [args.namespaceResource, identity, ...args.permissions, network, ...args.runAfter, ...(snapshot ? [snapshot] : [])],
            // Pulumi waits for completion up to this; a little past the deadline, so the Job's own
            // failure (DeadlineExceeded) is what the update reports.
            customTimeouts: { create: `${timeoutMinutes + 5}m`, update: `${timeoutMinutes + 5}m` },
            // The spec of a Job is immutable; a replacement under the same name must delete first.
            deleteBeforeReplace: true,
        });
    }
}

/**
 * The migration pods' traffic: nothing in; out only to DNS, the node's Pod Identity agent (for the
 * credentials that sign the IAM token) and PostgreSQL in the VPC. The token is signed locally, so no
 * AWS endpoint is needed.
 */
export function migrationNetworkPolicy(
    name: string,
    args: { namespace: string; labels: Record<string, string>; vpcCidr: string },
    opts: pulumi.CustomResourceOptions,
): k8s.networking.v1.NetworkPolicy {
    return new k8s.networking.v1.NetworkPolicy(name, {
        metadata: { name: MIGRATION_NAME, namespace: args.namespace, labels: args.labels },
        spec: {
            podSelector: { matchLabels: { "app.kubernetes.io/name": MIGRATION_NAME } },
            policyTypes: ["Ingress", "Egress"],
            egress: [
                DNS_EGRESS,
                { to: [{ ipBlock: { cidr: `${POD_IDENTITY_AGENT.address}/32` } }], ports: [{ protocol: "TCP", port: POD_IDENTITY_AGENT.port }] },
                { to: [{ ipBlock: { cidr: args.vpcCidr } }], ports: [{ protocol: "TCP", port: POSTGRES_PORT }] },
            ],
        },
    }, opts);
}
