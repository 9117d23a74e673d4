/**
 * One profile per environment: the sizes, retention periods and thresholds a stack gets unless its
 * `overrides` block says otherwise. Figures that carry a compliance meaning are explained where set.
 */

import type {
    AlarmProfile, AppProfile, ApplicationProfile, DatabaseProfile, EdgeProfile, LogsProfile, NetworkProfile, NodesProfile, RecoveryProfile,
    ReleaseProfile, SecretsProfile,
} from "./profile-schema";

export const ENVIRONMENTS = ["dev", "staging", "production"] as const;
export type Environment = (typeof ENVIRONMENTS)[number];

export type {
    AlarmProfile, AppProfile, ApplicationProfile, DatabaseProfile, EdgeProfile, LogsProfile, NetworkProfile, NodesProfile, RecoveryProfile,
    ReleaseProfile, SecretsProfile,
} from "./profile-schema";
export { BACKUP_INTERVAL_HOURS } from "./profile-schema";

/**
 * Fewest days production keeps each AWS Backup recovery point (35 days or more), longer
 * than the 30 days of RDS automated backups, so a restore point outlives the PITR window.
 */
export const PRODUCTION_MINIMUM_BACKUP_RETENTION_DAYS = 35;

/**
 * Longest retention a locked vault accepts (its maxRetentionDays): a backup or copy job asking for
 * more fails. A locked recovery point cannot be deleted, so a year bounds what a typo can cost;
 * longer archives belong in a store of their own.
 */
export const VAULT_LOCK_MAX_RETENTION_DAYS = 365;

/** Highest class of data a stack may hold; tagged on every resource as DataClassification. */
export type DataClassification = "phi" | "confidential" | "internal";

/**
 * What a stack classified `phi` must have: its data protected in AWS and in Pulumi (`protectData`),
 * database deletion protection, and at least this many days of backups — a week of restore points,
 * the HIPAA contingency plan's data backup and disaster recovery (45 CFR 164.308(a)(7)(ii)(A)-(B)).
 */
export const PHI_MINIMUM_BACKUP_RETENTION_DAYS = 7;

export interface EnvironmentProfile {
    /**
     * The classification a stack gets unless its file sets `dataClassification`. Dev holds no PHI:
     * its data is disposable (one day of backups, no deletion protection), so it works on synthetic
     * or de-identified data and is classified `internal`.
     */
    dataClassification: DataClassification;
    network: NetworkProfile;
    app: AppProfile;
    database: DatabaseProfile;
    nodes: NodesProfile;
    logs: LogsProfile;
    alarms: AlarmProfile;
    edge: EdgeProfile;
    secrets: SecretsProfile;
    application: ApplicationProfile;
    release: ReleaseProfile;
    /** AWS Backup schedule, retention and vault lock; built only in a stack that names a DR region. */
    recovery: RecoveryProfile;
    /**
     * Protect data-bearing resources in Pulumi (`protect`, `retainOnDelete`) and in AWS (deletion
     * protection, final snapshot).
     */
    protectData: boolean;
}

const ALARMS: AlarmProfile = {
    errorRatePercent: 1,
    errorRateWindowMinutes: 5,
    latencyP95Milliseconds: 500,
    latencyWindowMinutes: 1,
    cpuPercent: 80,
    memoryPercent: 85,
    databaseCpuPercent: 80,
    databaseFreeStoragePercent: 10,
    databaseConnections: 400,
};

const RELEASE: ReleaseProfile = {
    migrationTimeoutMinutes: 30,
    snapshotBeforeMigration: false,
    snapshotRetentionDays: 14,
    smokeTimeoutMinutes: 5,
    canarySteps: [10, 25, 50, 100],
    canaryHoldMinutes: 10,
    autoRollback: true,
};

export const PROFILES: Readonly<Record<Environment, EnvironmentProfile>> = {
    dev: {
        dataClassification: "internal",
        network: { azCount: 2, natGateways: "single" },
        app: { replicas: 1, warmReplicas: 1, maxReplicas: 2, cpuLimit: "500m", memoryLimit: "1Gi", cpuRequest: "250m" },
        database: {
            instanceClass: "db.t4g.medium",
            engineVersion: "16",
            allocatedStorageGiB: 20,
            maxAllocatedStorageGiB: 100,
            multiAz: false,
            backupRetentionDays: 1,
            deletionProtection: false,
            performanceInsightsRetentionDays: 7,
            monitoringIntervalSeconds: 60,
        },
        nodes: { instanceCategories: ["m"], minInstanceCpu: 4, diskSizeGiB: 50 },
        logs: { retentionDays: 30 },
        alarms: { ...ALARMS, databaseConnections: 80 },
        edge: { requestsPerIpPerFiveMinutes: 2000 },
        secrets: { rotationDays: 90, recoveryWindowDays: 7 },
        application: { nodeEnv: "development", logLevel: "debug", enableNewFeatures: true, debugMode: false },
        release: { ...RELEASE, canarySteps: [50, 100], canaryHoldMinutes: 2 },
        // Dev names no DR region (its data is disposable), so none of this is built there.
        recovery: { backupIntervalHours: 24, backupRetentionDays: 7, vaultLock: false },
        protectData: false,
    },
    staging: {
        dataClassification: "phi",
        network: { azCount: 3, natGateways: "single" },
        app: { replicas: 2, warmReplicas: 2, maxReplicas: 4, cpuLimit: "1000m", memoryLimit: "2Gi", cpuRequest: "500m" },
        database: {
            instanceClass: "db.r6g.large",
            engineVersion: "16",
            allocatedStorageGiB: 50,
            maxAllocatedStorageGiB: 200,
            multiAz: false,
            backupRetentionDays: 7,
            deletionProtection: true,
            performanceInsightsRetentionDays: 7,
            monitoringIntervalSeconds: 30,
        },
        nodes: { instanceCategories: ["m"], minInstanceCpu: 4, diskSizeGiB: 50 },
        logs: { retentionDays: 90 },
        alarms: { ...ALARMS, databaseConnections: 200 },
        edge: { requestsPerIpPerFiveMinutes: 5000 },
        secrets: { rotationDays: 90, recoveryWindowDays: 30 },
        application: { nodeEnv: "production", logLevel: "info", enableNewFeatures: true, debugMode: false },
        release: { ...RELEASE, canaryHoldMinutes: 5 },
        // Two weeks of daily copies: enough to rehearse a DR restore, not production's cost.
        recovery: { backupIntervalHours: 24, backupRetentionDays: 14, vaultLock: false },
        protectData: true,
    },
    production: {
        dataClassification: "phi",
        network: { azCount: 3, natGateways: "perAz" },
        app: { replicas: 5, warmReplicas: 2, maxReplicas: 10, cpuLimit: "2000m", memoryLimit: "4Gi", cpuRequest: "1000m" },
        database: {
            instanceClass: "db.r6g.xlarge",
            engineVersion: "16",
            allocatedStorageGiB: 100,
            maxAllocatedStorageGiB: 1000,
            multiAz: true,
            backupRetentionDays: 30,
            deletionProtection: true,
            performanceInsightsRetentionDays: 731,
            monitoringIntervalSeconds: 15,
        },
        nodes: { instanceCategories: ["m"], minInstanceCpu: 4, diskSizeGiB: 100 },
        // Six years: HIPAA keeps security documentation for six years (45 CFR 164.316(b)(2)).
        logs: { retentionDays: 2192 },
        alarms: ALARMS,
        edge: { requestsPerIpPerFiveMinutes: 20000 },
        // A month between rotations of the keys that sign patients' sessions; a month to undo a deletion.
        secrets: { rotationDays: 30, recoveryWindowDays: 30 },
        application: { nodeEnv: "production", logLevel: "info", enableNewFeatures: false, debugMode: false },
        // A snapshot named after each release before its migration, kept a month: a release's own
        // restore point, apart from the automated backups.
        release: { ...RELEASE, snapshotBeforeMigration: true, snapshotRetentionDays: 30 },
        recovery: { backupIntervalHours: 24, backupRetentionDays: PRODUCTION_MINIMUM_BACKUP_RETENTION_DAYS, vaultLock: true },
        protectData: true,
    },
};
