/**
 * The profile sections, defined once: what each value means and what it may be. An environment's
 * profile (stacks/profiles.ts) gives every value and is checked against these; a stack file's
 * `overrides` may give any of them, as `partial()` of the same schemas.
 */
import { z } from "zod";
import { LOG_RETENTION_DAYS } from "./regions";
import { integer, oneOf, text, yesNo } from "./schema-parts";

export const NODE_ENVS = ["production", "development"] as const;
export const LOG_LEVELS = ["error", "warn", "info", "debug"] as const;
/** Hour counts a backup interval may take: they divide a day, so every day gets the same times. */
export const BACKUP_INTERVAL_HOURS = [1, 2, 3, 4, 6, 8, 12, 24] as const;

const cpuQuantity = (example: string) => text(`a Kubernetes CPU quantity such as ${example}`, /^(\d+m|\d+(\.\d+)?)$/);
const percent = z.number({ error: "a percentage above 0 and at most 100" })
    .gt(0, { error: "a percentage above 0 and at most 100" }).max(100, { error: "a percentage above 0 and at most 100" });

export const PROFILE_SECTIONS = {
    network: z.strictObject({
        /** Availability zones the VPC spans; each gets one subnet per tier. */
        azCount: integer(2, 4),
        /** `perAz` keeps egress alive when a zone fails; `single` saves cost. */
        natGateways: oneOf(["single", "perAz"] as const),
    }),
    app: z.strictObject({
        /** Replicas of the stable slot, the one a rollback sends all traffic to. */
        replicas: integer(1, 50),
        /** Replicas the other slot keeps running, ready to take a canary share at once. */
        warmReplicas: integer(1, 50),
        /** Ceiling of each slot's autoscaler. */
        maxReplicas: integer(1, 100),
        /** Container CPU limit in Kubernetes units (`1000m` = one vCPU). */
        cpuLimit: cpuQuantity("1000m or 2"),
        /** Container memory limit; the memory request equals it, so pods are never OOM-evicted first. */
        memoryLimit: text("a Kubernetes memory quantity such as 2Gi or 512Mi", /^\d+(Mi|Gi)$/),
        /** Container CPU request. */
        cpuRequest: cpuQuantity("500m"),
    }),
    database: z.strictObject({
        instanceClass: text("an RDS instance class such as db.r6g.large", /^db\.[a-z0-9]+\.[a-z0-9]+$/),
        /** PostgreSQL major (16) or major.minor (16.4) version. */
        engineVersion: text("a PostgreSQL version such as 16 or 16.4", /^\d{2}(\.\d+)?$/),
        allocatedStorageGiB: integer(20, 65536),
        /** Upper bound for storage autoscaling. */
        maxAllocatedStorageGiB: integer(20, 65536),
        multiAz: yesNo(),
        backupRetentionDays: integer(1, 35),
        deletionProtection: yesNo(),
        /** 7 is the free tier; longer periods must be a multiple of 31 or 731. */
        performanceInsightsRetentionDays: z.number({ error: "7, a multiple of 31 up to 713, or 731" }).refine(
            (days) => days === 7 || days === 731 || (Number.isInteger(days) && days % 31 === 0 && days >= 31 && days <= 713),
            { error: "7, a multiple of 31 up to 713, or 731" },
        ),
        /** Enhanced monitoring granularity in seconds. */
        monitoringIntervalSeconds: z.union([1, 5, 10, 15, 30, 60].map((n) => z.literal(n)), { error: "one of 1, 5, 10, 15, 30, 60" }),
    }),
    /**
     * Node capacity is elastic (EKS Auto Mode): how many nodes, and which instance types, follow from
     * the pods waiting to run, within limits computed from the app's ceilings. These only shape them.
     */
    nodes: z.strictObject({
        /**
         * EC2 instance categories nodes may come from: c (2 GiB per vCPU), m (4 GiB per vCPU), r (8 GiB
         * per vCPU). Every profile's pods request 4 GiB per vCPU, so `m` packs them without waste.
         */
        instanceCategories: z.array(oneOf(["c", "m", "r"] as const), { error: "a list of EC2 instance categories from c, m, r" })
            .min(1, { error: "at least one instance category" }),
        /**
         * The fewest vCPUs a node may have. Each node carries fixed reservations and DaemonSets (about
         * 0.5 vCPU and 2.3 GiB); Auto Mode launches nothing below 2, the upper bound only catches typos.
         */
        minInstanceCpu: integer(2, 192),
        /** Each node's ephemeral (root and data) storage, encrypted with the cluster key. */
        diskSizeGiB: integer(20, 16384),
    }),
    logs: z.strictObject({
        retentionDays: z.number({ error: `a CloudWatch retention period: ${LOG_RETENTION_DAYS.join(", ")}` }).refine(
            (days) => LOG_RETENTION_DAYS.includes(days),
            { error: `a CloudWatch retention period: ${LOG_RETENTION_DAYS.join(", ")}` },
        ),
    }),
    alarms: z.strictObject({
        /** 5xx responses as a share of requests, in percent. */
        errorRatePercent: percent,
        errorRateWindowMinutes: integer(1, 60),
        latencyP95Milliseconds: integer(1, 60000),
        latencyWindowMinutes: integer(1, 60),
        cpuPercent: integer(1, 100),
        memoryPercent: integer(1, 100),
        databaseCpuPercent: integer(1, 100),
        /** Alarm when free database storage falls below this share of allocated storage. */
        databaseFreeStoragePercent: integer(1, 90),
        databaseConnections: integer(1, 100000),
    }),
    edge: z.strictObject({
        /**
         * Requests one client address may make in five minutes before the firewall blocks it. A hospital
         * sends every clinician through a few NAT addresses, so the limit is per site, not per person.
         * AWS WAF accepts 10 to 2e9; below 100 a single page load with its assets could trip it.
         */
        requestsPerIpPerFiveMinutes: integer(100, 2000000000),
    }),
    // Secrets Manager rotates every 1 to 1000 days (RotationRulesType.AutomaticallyAfterDays) and keeps a
    // deleted secret 7 to 30 days (DeleteSecret RecoveryWindowInDays); API reference, checked 2026-12-01.
    secrets: z.strictObject({
        /** Days between automatic rotations of the application secrets. */
        rotationDays: integer(1, 1000),
        /** Days Secrets Manager keeps a deleted secret recoverable. */
        recoveryWindowDays: integer(7, 30),
    }),
    /** Settings the API reads from its ConfigMap; none is secret. */
    application: z.strictObject({
        /** `NODE_ENV` of the API; production runs `production` only. */
        nodeEnv: oneOf(NODE_ENVS),
        /** The API's log level; `debug` may write request bodies, so a PHI stack refuses it. */
        logLevel: oneOf(LOG_LEVELS),
        /** Feature flag `ENABLE_NEW_FEATURES`: features not yet released everywhere. */
        enableNewFeatures: yesNo(),
        /** Feature flag `DEBUG_MODE`: diagnostics for people; refused in production and wherever PHI is held. */
        debugMode: yesNo(),
    }),
    /** How a release reaches users: its migration, the snapshot before it, smoke tests, canary steps, rollback. */
    release: z.strictObject({
        /** How long the migration Job may run before the release is stopped. */
        migrationTimeoutMinutes: integer(1, 720),
        /** Take a manual RDS snapshot named after the release before its migration runs. */
        snapshotBeforeMigration: yesNo(),
        /** Days a release snapshot is kept before the platform deletes it (RDS keeps it until deleted). */
        snapshotRetentionDays: integer(1, 3653),
        /** How long the smoke tests (health endpoints and the smoke command) may take. */
        smokeTimeoutMinutes: integer(1, 60),
        /** Candidate shares `traffic canary` walks through; the last is 100 (the promote). */
        canarySteps: z.array(integer(1, 100), { error: "a list of percentages, such as [10, 25, 50, 100]" })
            .min(1, { error: "at least one step" }),
        /** How long each canary step is held while the candidate's alarms stay OK. */
        canaryHoldMinutes: integer(1, 1440),
        /** Return traffic to the stable slot without a person when the candidate's alarms fire. */
        autoRollback: yesNo(),
    }),
    /**
     * AWS Backup in a stack that names a DR region: one plan whose rule backs up the database and the
     * data buckets into the home vault and copies each recovery point to the DR region's vault.
     */
    recovery: z.strictObject({
        /** Hours between recovery points: 24 (daily) or a divisor of 24; never less often than daily. */
        backupIntervalHours: z.union(BACKUP_INTERVAL_HOURS.map((n) => z.literal(n)), {
            error: `one of ${BACKUP_INTERVAL_HOURS.join(", ")}: hours between backups, at least one a day`,
        }),
        /** Days each recovery point is kept, at home and as its copy (AWS Backup allows 100 years; ten catches a typo). */
        backupRetentionDays: integer(1, 3653),
        /**
         * Lock both vaults in compliance mode: after the grace period no one, the account root
         * included, can delete a recovery point before its retention ends or remove the lock.
         * Production only: a locked vault cannot be emptied or deleted early, which a disposable
         * environment must be.
         */
        vaultLock: yesNo(),
    }),
} as const;

export type NetworkProfile = z.infer<typeof PROFILE_SECTIONS.network>;
export type AppProfile = z.infer<typeof PROFILE_SECTIONS.app>;
export type DatabaseProfile = z.infer<typeof PROFILE_SECTIONS.database>;
export type NodesProfile = z.infer<typeof PROFILE_SECTIONS.nodes>;
export type LogsProfile = z.infer<typeof PROFILE_SECTIONS.logs>;
export type AlarmProfile = z.infer<typeof PROFILE_SECTIONS.alarms>;
export type EdgeProfile = z.infer<typeof PROFILE_SECTIONS.edge>;
export type SecretsProfile = z.infer<typeof PROFILE_SECTIONS.secrets>;
export type ApplicationProfile = z.infer<typeof PROFILE_SECTIONS.application>;
export type ReleaseProfile = z.infer<typeof PROFILE_SECTIONS.release>;
export type RecoveryProfile = z.infer<typeof PROFILE_SECTIONS.recovery>;

/** Node counts and instance types belonged to the managed node group that elastic capacity replaced. */
const REMOVED_NODE_KEY_TEXT = "no value: node capacity is elastic now (EKS Auto Mode sizes it from overrides.app.maxReplicas and the "
    + "container requests), so remove this key; overrides.nodes takes only diskSizeGiB, instanceCategories and minInstanceCpu";
const removedNodeKey = () => z.never({ error: REMOVED_NODE_KEY_TEXT }).optional();

/** A stack file's `overrides`: any value of any section, each checked as the profiles are. */
export const overridesSchema = z.strictObject({
    network: PROFILE_SECTIONS.network.partial(),
    app: PROFILE_SECTIONS.app.partial(),
    database: PROFILE_SECTIONS.database.partial(),
    nodes: PROFILE_SECTIONS.nodes.partial().extend({
        instanceTypes: removedNodeKey(),
        minSize: removedNodeKey(),
        desiredSize: removedNodeKey(),
        maxSize: removedNodeKey(),
    }),
    logs: PROFILE_SECTIONS.logs.partial(),
    alarms: PROFILE_SECTIONS.alarms.partial(),
    edge: PROFILE_SECTIONS.edge.partial(),
    secrets: PROFILE_SECTIONS.secrets.partial(),
    application: PROFILE_SECTIONS.application.partial(),
    release: PROFILE_SECTIONS.release.partial(),
    recovery: PROFILE_SECTIONS.recovery.partial(),
}).partial();

export type ProfileOverrides = z.infer<typeof overridesSchema>;
