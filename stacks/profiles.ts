/**
 * One profile per environment: the sizes, retention periods and thresholds a stack gets unless its
 * `overrides` block says otherwise. Figures that carry a compliance meaning are explained where set.
 */

export const ENVIRONMENTS = ["dev", "staging", "production"] as const;
export type Environment = (typeof ENVIRONMENTS)[number];

export interface NetworkProfile {
    /** Availability zones the VPC spans; each gets one subnet per tier. */
    azCount: number;
    /** `perAz` keeps egress alive when a zone fails; `single` saves cost. */
    natGateways: "single" | "perAz";
}

export interface AppProfile {
    /** Replicas of the stable slot, the one a rollback sends all traffic to. */
    replicas: number;
    /** Replicas the other slot keeps running, ready to take a canary share at once. */
    warmReplicas: number;
    /** Ceiling of each slot's autoscaler. */
    maxReplicas: number;
    /** Container CPU limit in Kubernetes units (`1000m` = one vCPU). */
    cpuLimit: string;
    /** Container memory limit in Kubernetes units. */
    memoryLimit: string;
    /** Container CPU request; memory request equals the limit so pods are never OOM-evicted first. */
    cpuRequest: string;
}

export interface DatabaseProfile {
    instanceClass: string;
    /** PostgreSQL major version. */
    engineVersion: string;
    allocatedStorageGiB: number;
    /** Upper bound for storage autoscaling. */
    maxAllocatedStorageGiB: number;
    multiAz: boolean;
    backupRetentionDays: number;
    deletionProtection: boolean;
    /** 7 is the free tier; longer periods must be a multiple of 31 or 731. */
    performanceInsightsRetentionDays: number;
    /** Enhanced monitoring granularity in seconds. */
    monitoringIntervalSeconds: number;
}

/**
 * Node capacity is elastic (EKS Auto Mode): how many nodes, and which instance types, follow from the
 * pods waiting to run, within limits computed from the app's ceilings. The profile only shapes them.
 */
export interface NodesProfile {
    /**
     * EC2 instance categories nodes may come from: c (compute, 2 GiB per vCPU), m (general purpose,
     * 4 GiB per vCPU), r (memory, 8 GiB per vCPU). Every profile's pods request 4 GiB per vCPU, so `m`
     * packs them without waste; `c` or `r` strand memory or CPU, and the NodePool limits grow to match.
     */
    instanceCategories: ("c" | "m" | "r")[];
    /**
     * The fewest vCPUs a node may have (default 4). Each node carries fixed reservations and DaemonSets
     * (about 0.5 vCPU and 2.3 GiB); on a 2-vCPU node they leave room for one pod at most.
     */
    minInstanceCpu: number;
    /** Each node's ephemeral (root and data) storage, encrypted with the cluster key. */
    diskSizeGiB: number;
}

export interface AlarmProfile {
    /** 5xx responses as a share of requests, in percent. */
    errorRatePercent: number;
    errorRateWindowMinutes: number;
    latencyP95Milliseconds: number;
    latencyWindowMinutes: number;
    cpuPercent: number;
    memoryPercent: number;
    databaseCpuPercent: number;
    /** Alarm when free database storage falls below this share of allocated storage. */
    databaseFreeStoragePercent: number;
    databaseConnections: number;
}

export interface EdgeProfile {
    /**
     * Requests one client address may make in five minutes before the firewall blocks it. A hospital
     * sends every clinician through a few NAT addresses, so the limit is per site, not per person.
     */
    requestsPerIpPerFiveMinutes: number;
}

/** How the stack's secrets in Secrets Manager live: rotated, and recoverable for a while once deleted. */
export interface SecretsProfile {
    /** Days between automatic rotations of the application secrets. */
    rotationDays: number;
    /** Days Secrets Manager keeps a deleted secret recoverable (7 to 30). */
    recoveryWindowDays: number;
}

/** Settings the API reads from its ConfigMap; none is secret. */
export interface ApplicationProfile {
    /** `NODE_ENV` of the API; production runs `production` only. */
    nodeEnv: "production" | "development";
    /** The API's log level; `debug` may write request bodies, so a PHI stack refuses it. */
    logLevel: "error" | "warn" | "info" | "debug";
    /** Feature flag `ENABLE_NEW_FEATURES`: features not yet released everywhere. */
    enableNewFeatures: boolean;
    /** Feature flag `DEBUG_MODE`: diagnostics for people; refused in production and wherever PHI is held. */
    debugMode: boolean;
}

/** How a release reaches users: its migration, the snapshot before it, smoke tests, canary steps, rollback. */
export interface ReleaseProfile {
    /** How long the migration Job may run before the release is stopped. */
    migrationTimeoutMinutes: number;
    /** Take a manual RDS snapshot named after the release before its migration runs. */
    snapshotBeforeMigration: boolean;
    /** Days a release snapshot is kept before the platform deletes it. */
    snapshotRetentionDays: number;
    /** How long the smoke tests (health endpoints and the smoke command) may take. */
    smokeTimeoutMinutes: number;
    /** Candidate shares `traffic canary` walks through; the last is 100 (the promote). */
    canarySteps: number[];
    /** How long each canary step is held while the candidate's alarms stay OK. */
    canaryHoldMinutes: number;
    /** Return traffic to the stable slot without a person when the candidate's alarms fire. */
    autoRollback: boolean;
}

/**
 * AWS Backup in a stack that names a DR region (clinical-platform:recovery): one plan whose rule backs
 * up the database and the data buckets into the home vault and copies each recovery point to the DR
 * region's vault.
 */
export interface RecoveryProfile {
    /** Hours between recovery points: 24 (daily) or a divisor of 24; never less often than daily. */
    backupIntervalHours: number;
    /** Days each recovery point is kept, in the home vault and as its copy in the DR region. */
    backupRetentionDays: number;
    /**
     * Lock both vaults in compliance mode (components/recovery/vault.ts): after the grace period no
     * one, the account root included, can delete a recovery point before its retention ends or
     * remove the lock. Production only: a locked vault cannot be emptied or deleted early, which a
     * disposable environment must be.
     */
    vaultLock: boolean;
}

/** Hour counts a backup interval may take: they divide a day, so every day gets the same times. */
export const BACKUP_INTERVAL_HOURS = [1, 2, 3, 4, 6, 8, 12, 24] as const;

/**
 * Fewest days production keeps each AWS Backup recovery point (issue 11: 35 days or more), longer
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
    logs: { retentionDays: number };
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
