import { PUBLIC_ACCESS_HIPAA } from "../lib/citations";
import { type ClinicalPolicy, type Finding, resourceRule, stackRule } from "../lib/policy";
import { type StackResource, type StackView, refersTo } from "../lib/stack";
import { COVERAGE, RDS } from "../lib/types";
import { type Maybe, elements, isKnown, isPresent, isUnknown, presentOrPending } from "../lib/values";

/** Inputs of `aws.rds.Instance` the rules read. */
export interface RdsInstanceInputs {
    engine?: Maybe<string>;
    storageEncrypted?: Maybe<boolean>;
    kmsKeyId?: Maybe<string>;
    replicateSourceDb?: Maybe<string>;
    snapshotIdentifier?: Maybe<string>;
    publiclyAccessible?: Maybe<boolean>;
    backupRetentionPeriod?: Maybe<number>;
    multiAz?: Maybe<boolean>;
    deletionProtection?: Maybe<boolean>;
    autoMinorVersionUpgrade?: Maybe<boolean>;
    monitoringInterval?: Maybe<number>;
    monitoringRoleArn?: Maybe<string>;
    enabledCloudwatchLogsExports?: Maybe<Maybe<string>[]>;
    performanceInsightsEnabled?: Maybe<boolean>;
    performanceInsightsKmsKeyId?: Maybe<string>;
    iamDatabaseAuthenticationEnabled?: Maybe<boolean>;
    parameterGroupName?: Maybe<string>;
    manageMasterUserPassword?: Maybe<boolean>;
    masterUserSecretKmsKeyId?: Maybe<string>;
    password?: Maybe<string>;
    passwordWo?: Maybe<string>;
    skipFinalSnapshot?: Maybe<boolean>;
    caCertIdentifier?: Maybe<string>;
    tags?: Maybe<Record<string, Maybe<string>>>;
}

/** Inputs of `aws.rds.Cluster` the rules read. */
export interface RdsClusterInputs {
    engine?: Maybe<string>;
    storageEncrypted?: Maybe<boolean>;
    kmsKeyId?: Maybe<string>;
    replicationSourceIdentifier?: Maybe<string>;
    snapshotIdentifier?: Maybe<string>;
    backupRetentionPeriod?: Maybe<number>;
    deletionProtection?: Maybe<boolean>;
    autoMinorVersionUpgrade?: Maybe<boolean>;
    enabledCloudwatchLogsExports?: Maybe<Maybe<string>[]>;
    performanceInsightsEnabled?: Maybe<boolean>;
    performanceInsightsKmsKeyId?: Maybe<string>;
    iamDatabaseAuthenticationEnabled?: Maybe<boolean>;
    dbClusterParameterGroupName?: Maybe<string>;
    manageMasterUserPassword?: Maybe<boolean>;
    masterUserSecretKmsKeyId?: Maybe<string>;
    masterPassword?: Maybe<string>;
    masterPasswordWo?: Maybe<string>;
    skipFinalSnapshot?: Maybe<boolean>;
    tags?: Maybe<Record<string, Maybe<string>>>;
}

/** Inputs of `aws.rds.ClusterInstance` the rules read. */
export interface RdsClusterInstanceInputs {
    publiclyAccessible?: Maybe<boolean>;
    autoMinorVersionUpgrade?: Maybe<boolean>;
    monitoringInterval?: Maybe<number>;
    monitoringRoleArn?: Maybe<string>;
    performanceInsightsEnabled?: Maybe<boolean>;
    performanceInsightsKmsKeyId?: Maybe<string>;
    caCertIdentifier?: Maybe<string>;
}

/** Inputs of `aws.rds.ParameterGroup` / `aws.rds.ClusterParameterGroup` the rules read. */
export interface RdsParameterGroupInputs {
    name?: Maybe<string>;
    parameters?: Maybe<Maybe<{ name?: Maybe<string>; value?: Maybe<string> }>[]>;
}

/** Inputs of `aws.rds.Snapshot`, `ClusterSnapshot` and `SnapshotCopy` (manual snapshots) the rules read. */
export interface RdsSnapshotInputs {
    dbSnapshotIdentifier?: Maybe<string>;
    dbInstanceIdentifier?: Maybe<string>;
    dbClusterIdentifier?: Maybe<string>;
    sourceDbSnapshotIdentifier?: Maybe<string>;
    kmsKeyId?: Maybe<string>;
    sharedAccounts?: Maybe<Maybe<string>[]>;
    tags?: Maybe<Record<string, Maybe<string>>>;
}

type DatabaseInputs = RdsInstanceInputs & RdsClusterInputs;

const CONTINGENCY = ["164.308(a)(7)(i)", "164.308(a)(7)(ii)(A)", "164.308(a)(7)(ii)(B)"];
const RETIRED_CA_CERTIFICATES = new Set(["rds-ca-2015", "rds-ca-2019"]);

/** Replicas and snapshot restores inherit encryption and credentials from their source. */
function isDerivedDatabase(db: DatabaseInputs): boolean {
    return isPresent(db.replicateSourceDb) || isPresent(db.replicationSourceIdentifier) || isPresent(db.snapshotIdentifier);
}

export const rdsStorageEncrypted = resourceRule<DatabaseInputs>({
    name: "rds-storage-encrypted",
    description: "RDS instances and clusters encrypt their storage at rest.",
    severity: "critical",
    category: "encryption",
    hipaa: ["164.312(a)(2)(iv)", "164.312(e)(2)(ii)"],
    soc2: ["CC6.1", "PI1.5"],
    remediation: "Set storageEncrypted to true and kmsKeyId to the platform's data key.",
    anchors: { awsConfig: ["RDS_STORAGE_ENCRYPTED"], cdkNag: ["RDSStorageEncrypted"] },
    resourceTypes: [RDS.instance, RDS.cluster],
    *check(db, context) {
        if (isPresent(db.replicateSourceDb) || isPresent(db.replicationSourceIdentifier)) {
            context.notApplicable("A replica's encryption follows its source database.");
        }
        if (db.storageEncrypted !== true) {
            yield "Storage encryption is off (storageEncrypted is not true), so patient data would be stored unencrypted.";
        }
    },
});

export const rdsStorageCustomerManagedKey = resourceRule<DatabaseInputs>({
    name: "rds-storage-customer-managed-key",
    description: "RDS storage is encrypted with a customer-managed KMS key.",
    severity: "high",
    category: "encryption",
    hipaa: ["164.312(a)(2)(iv)"],
    soc2: ["CC6.1"],
    remediation: "Set kmsKeyId to the ARN of the platform's customer-managed data key.",
    resourceTypes: [RDS.instance, RDS.cluster],
    *check(db, context) {
        if (isPresent(db.replicateSourceDb) || isPresent(db.replicationSourceIdentifier)) {
            context.notApplicable("A replica's encryption follows its source database.");
        }
        if (!presentOrPending(db.kmsKeyId)) {
            yield "No kmsKeyId is set, so storage would use the AWS-managed key whose policy and rotation the platform does not control.";
        }
    },
});

export const rdsNoPublicAccess = resourceRule<RdsInstanceInputs>({
    name: "rds-no-public-access",
    description: "RDS database instances are not publicly accessible.",
    severity: "critical",
    category: "public-access",
    hipaa: PUBLIC_ACCESS_HIPAA,
    soc2: ["CC6.6", "CC6.1"],
    remediation: "Set publiclyAccessible to false and place the instance in isolated subnets.",
    anchors: { awsConfig: ["RDS_INSTANCE_PUBLIC_ACCESS_CHECK"], cdkNag: ["RDSInstancePublicAccess"] },
    resourceTypes: [RDS.instance, RDS.clusterInstance],
    *check(db) {
        if (db.publiclyAccessible === true) {
            yield "publiclyAccessible is true, which gives the database a public DNS name reachable from the internet.";
        }
    },
});

export const rdsBackupRetention = resourceRule<DatabaseInputs, { minimumDays: number }>({
    name: "rds-backup-retention",
    description: "RDS automated backups are kept at least the environment's minimum number of days.",
    severity: "high",
    category: "availability",
    hipaa: CONTINGENCY,
    soc2: ["A1.2", "CC7.4"],
    remediation: "Set backupRetentionPeriod to at least the configured minimum (30 days in production).",
    config: {
        minimumDays: { type: "integer", minimum: 1, maximum: 35, default: 7, description: "Fewest days of automated backups." },
    },
    anchors: { awsConfig: ["DB_INSTANCE_BACKUP_ENABLED"], cdkNag: ["RDSInstanceBackupEnabled"] },
    resourceTypes: [RDS.instance, RDS.cluster],
    *check(db, { config, notApplicable }) {
        if (isPresent(db.replicateSourceDb)) {
            notApplicable("A read replica keeps no automated backups of its own; its source does.");
        }
        if (!isKnown(db.backupRetentionPeriod)) {
            yield `backupRetentionPeriod is not set; it must be at least ${config.minimumDays} days.`;
        } else if (db.backupRetentionPeriod < config.minimumDays) {
            yield `Backups are kept ${db.backupRetentionPeriod} days; this environment requires at least ${config.minimumDays}.`;
        }
    },
});

export const rdsMultiAz = resourceRule<RdsInstanceInputs>({
    name: "rds-multi-az",
    description: "RDS instances run with a synchronous standby in a second Availability Zone.",
    severity: "high",
    category: "availability",
    hipaa: ["164.308(a)(7)(i)", "164.308(a)(7)(ii)(C)"],
    soc2: ["A1.2"],
    remediation: "Set multiAz to true.",
    anchors: { awsConfig: ["RDS_MULTI_AZ_SUPPORT"], cdkNag: ["RDSMultiAZSupport"] },
    resourceTypes: [RDS.instance],
    *check(db) {
        if (db.multiAz !== true) {
            yield "multiAz is not true, so an Availability Zone outage takes the database down.";
        }
    },
});

export const rdsDeletionProtection = resourceRule<DatabaseInputs>({
    name: "rds-deletion-protection",
    description: "RDS instances and clusters have deletion protection enabled.",
    severity: "high",
    category: "availability",
    hipaa: ["164.308(a)(7)(i)", "164.308(a)(7)(ii)(C)"],
    soc2: ["A1.2", "C1.1"],
    remediation: "Set deletionProtection to true.",
    anchors: { awsConfig: ["RDS_CLUSTER_DELETION_PROTECTION_ENABLED"], cdkNag: ["RDSInstanceDeletionProtectionEnabled"] },
    resourceTypes: [RDS.instance, RDS.cluster],
    *check(db) {
        if (db.deletionProtection !== true) {
            yield "deletionProtection is not true, so a single API call or stack change can delete the database.";
        }
    },
});

/** Fewest days of backups a database holding PHI keeps, whatever its environment's pack config allows. */
export const PHI_MINIMUM_BACKUP_DAYS = 7;

export const rdsPhiProtections = resourceRule<DatabaseInputs>({
    name: "rds-phi-protections",
    description: "A database tagged DataClassification phi has deletion protection, a final snapshot and at least 7 days of backups.",
    severity: "critical",
    category: "availability",
    hipaa: [...CONTINGENCY, "164.310(d)(2)(iv)"],
    soc2: ["A1.2", "C1.1"],
    remediation: "Classify the stack internal or confidential (it then holds no PHI), or give it deletion protection, a final snapshot and 7+ days of backups.",
    resourceTypes: [RDS.instance, RDS.cluster],
    *check(db, context) {
        const tags = db.tags;
        if (isKnown(tags) && tags.DataClassification !== "phi") {
            context.notApplicable("The database is not classified as holding PHI.");
        }
        if (!isKnown(tags)) {
            return;
        }
        if (db.deletionProtection !== true) {
            yield "The database holds PHI but deletionProtection is not true.";
        }
        if (db.skipFinalSnapshot === true) {
            yield "The database holds PHI but skipFinalSnapshot is true, so deleting it leaves no copy.";
        }
        const days = db.backupRetentionPeriod;
        if (!isDerivedDatabase(db) && (!isKnown(days) || days < PHI_MINIMUM_BACKUP_DAYS)) {
            yield `The database holds PHI but keeps ${isKnown(days) ? days : "no"} day(s) of backups; PHI needs at least ${PHI_MINIMUM_BACKUP_DAYS}.`;
        }
    },
});

export const rdsAutoMinorVersionUpgrade = resourceRule<DatabaseInputs>({
    name: "rds-auto-minor-version-upgrade",
    description: "RDS applies minor engine upgrades (security patches) automatically.",
    severity: "medium",
    category: "change-management",
    hipaa: ["164.308(a)(5)(ii)(A)"],
    soc2: ["CC7.1"],
    remediation: "Leave autoMinorVersionUpgrade unset or set it to true.",
    anchors: { awsConfig: ["RDS_AUTOMATIC_MINOR_VERSION_UPGRADE_ENABLED"], cdkNag: ["RDSAutomaticMinorVersionUpgradeEnabled"] },
    resourceTypes: [RDS.instance, RDS.cluster, RDS.clusterInstance],
    *check(db) {
        if (db.autoMinorVersionUpgrade === false) {
            yield "autoMinorVersionUpgrade is false, so engine security patches are not applied.";
        }
    },
});

export const rdsEnhancedMonitoring = resourceRule<RdsInstanceInputs>({
    name: "rds-enhanced-monitoring",
    description: "RDS instances publish enhanced OS-level monitoring.",
    severity: "medium",
    category: "logging",
    hipaa: ["164.312(b)"],
    soc2: ["CC7.2"],
    remediation: "Set monitoringInterval to 1–60 seconds and monitoringRoleArn to a role trusted by monitoring.rds.amazonaws.com.",
    anchors: { awsConfig: ["RDS_ENHANCED_MONITORING_ENABLED"], cdkNag: ["RDSEnhancedMonitoringEnabled"] },
    resourceTypes: [RDS.instance, RDS.clusterInstance],
    *check(db) {
        const interval = db.monitoringInterval;
        if (!isKnown(interval) || interval <= 0) {
            yield "monitoringInterval is 0 or unset, so enhanced monitoring is off.";
        } else if (!presentOrPending(db.monitoringRoleArn)) {
            yield "monitoringRoleArn is not set, so RDS cannot publish enhanced monitoring metrics.";
        }
    },
});

/**
 * The logs each engine must export: every security-relevant log type the engine can publish to
 * CloudWatch Logs (RDS API reference, CreateDBInstance / CreateDBCluster EnableCloudwatchLogsExports,
 * checked 2026-12-01). Oracle's oemagent exists only with the OEM option, iam-db-auth-error only with IAM
 * authentication, and Aurora's "instance" log is operational, so none of those is required. A Multi-AZ DB
 * cluster of RDS for MySQL cannot export "audit".
 */
const INSTANCE_LOG_EXPORTS: ReadonlyArray<[RegExp, readonly string[]]> = [
    [/^postgres$/, ["postgresql", "upgrade"]],
    [/^(mysql|mariadb)$/, ["audit", "error", "general", "slowquery"]],
    [/^oracle-/, ["alert", "audit", "listener", "trace"]],
    [/^sqlserver-/, ["agent", "error"]],
    [/^db2-/, ["diag.log", "notify.log"]],
];
const CLUSTER_LOG_EXPORTS: ReadonlyArray<[RegExp, readonly string[]]> = [
    [/^aurora-postgresql$/, ["postgresql"]],
    [/^(aurora|aurora-mysql)$/, ["audit", "error", "general", "slowquery"]],
    [/^postgres$/, ["postgresql", "upgrade"]],
    [/^mysql$/, ["error", "general", "slowquery"]],
];

export const rdsLogExports = resourceRule<DatabaseInputs>({
    name: "rds-log-exports",
    description: "Every RDS database and Aurora cluster exports its engine's audit, error and activity logs to CloudWatch Logs.",
    severity: "high",
    category: "logging",
    hipaa: ["164.308(a)(3)(ii)(A)", "164.308(a)(5)(ii)(C)", "164.312(b)"],
    soc2: ["CC7.2", "CC7.3"],
    remediation:
        'Set enabledCloudwatchLogsExports to the engine\'s logs: PostgreSQL ["postgresql", "upgrade"] (Aurora: ["postgresql"]); MySQL, MariaDB and Aurora MySQL '
        + '["audit", "error", "general", "slowquery"]; Oracle ["alert", "audit", "listener", "trace"]; SQL Server ["agent", "error"].',
    anchors: { awsConfig: ["RDS_LOGGING_ENABLED"], cdkNag: ["RDSLoggingEnabled"] },
    resourceTypes: [RDS.instance, RDS.cluster],
    *check(db, { type }) {
        // A cluster member's logs are exported by its cluster; a replica's by its own settings.
        const table = type === RDS.cluster ? CLUSTER_LOG_EXPORTS : INSTANCE_LOG_EXPORTS;
        const exports = elements(db.enabledCloudwatchLogsExports);
        if (isUnknown(db.engine)) {
            if (exports.known.length === 0 && !exports.hasUnknown) {
                yield "engine is unknown in preview and enabledCloudwatchLogsExports is empty, so no database log reaches CloudWatch.";
            }
            return;
        }
        const required = isKnown(db.engine) ? table.find(([engine]) => engine.test(db.engine as string))?.[1] : undefined;
        if (required === undefined) {
            return;
        }
        // The program lists the exports as literals; an export the preview cannot know may be any log.
        const missing = required.filter((log) => !exports.known.includes(log));
        if (missing.length > 0 && exports.hasUnknown) {
            yield `enabledCloudwatchLogsExports is unknown in preview, so it cannot be shown to include ${missing.join(", ")}.`;
        } else if (missing.length > 0) {
            yield `enabledCloudwatchLogsExports lacks ${missing.join(", ")}, so those ${db.engine} logs never reach CloudWatch.`;
        }
    },
});

export const rdsPerformanceInsightsEncrypted = resourceRule<DatabaseInputs>({
    name: "rds-performance-insights-encrypted",
    description: "Performance Insights data, which contains query text, is encrypted with a customer-managed key.",
    severity: "high",
    category: "encryption",
    hipaa: ["164.312(a)(2)(iv)"],
    soc2: ["CC6.1"],
    remediation: "Set performanceInsightsKmsKeyId to the data key whenever performanceInsightsEnabled is true.",
    resourceTypes: [RDS.instance, RDS.cluster, RDS.clusterInstance],
    *check(db) {
        if (db.performanceInsightsEnabled === true && !presentOrPending(db.performanceInsightsKmsKeyId)) {
            yield "Performance Insights is on without performanceInsightsKmsKeyId, so captured SQL text uses the AWS-managed key.";
        }
    },
});

export const rdsIamDatabaseAuth = resourceRule<DatabaseInputs>({
    name: "rds-iam-database-auth",
    description: "RDS accepts IAM authentication so people and services need no static database passwords.",
    severity: "medium",
    category: "access-control",
    hipaa: ["164.312(d)", "164.312(a)(1)"],
    soc2: ["CC6.1"],
    remediation: "Set iamDatabaseAuthenticationEnabled to true.",
    resourceTypes: [RDS.instance, RDS.cluster],
    *check(db) {
        if (db.iamDatabaseAuthenticationEnabled !== true) {
            yield "iamDatabaseAuthenticationEnabled is not true.";
        }
    },
});

export const rdsManagedMasterPassword = resourceRule<DatabaseInputs>({
    name: "rds-managed-master-password",
    description: "The master password is generated, stored and rotated by RDS in Secrets Manager.",
    severity: "high",
    category: "access-control",
    hipaa: ["164.308(a)(5)(ii)(D)", "164.312(a)(2)(iv)"],
    soc2: ["CC6.1"],
    remediation: "Set manageMasterUserPassword to true and remove password / masterPassword from the program.",
    resourceTypes: [RDS.instance, RDS.cluster],
    *check(db, context) {
        if (isDerivedDatabase(db)) {
            context.notApplicable("A replica or a restore from a snapshot takes its master credentials from its source.");
        }
        if (db.manageMasterUserPassword === true) {
            return;
        }
        if (isUnknown(db.manageMasterUserPassword)) {
            yield "manageMasterUserPassword is unknown in preview, so the master password cannot be shown to be managed by RDS.";
            return;
        }
        const given = [db.password, db.passwordWo, db.masterPassword, db.masterPasswordWo].some(isPresent);
        yield given
            ? "The master password is passed in by the program instead of being managed by RDS (manageMasterUserPassword is not true)."
            : "manageMasterUserPassword is not true, so the master password is neither stored in Secrets Manager nor rotated.";
    },
});

export const rdsMasterSecretCustomerManagedKey = resourceRule<DatabaseInputs>({
    name: "rds-master-secret-customer-managed-key",
    description: "The RDS-managed master secret is encrypted with a customer-managed key.",
    severity: "medium",
    category: "encryption",
    hipaa: ["164.312(a)(2)(iv)"],
    soc2: ["CC6.1"],
    remediation: "Set masterUserSecretKmsKeyId to the platform's secrets key.",
    resourceTypes: [RDS.instance, RDS.cluster],
    *check(db) {
        if (db.manageMasterUserPassword === true && !presentOrPending(db.masterUserSecretKmsKeyId)) {
            yield "masterUserSecretKmsKeyId is not set, so the master secret uses the AWS-managed Secrets Manager key.";
        }
    },
});

export const rdsFinalSnapshot = resourceRule<DatabaseInputs>({
    name: "rds-final-snapshot",
    description: "Deleting an RDS database leaves a final snapshot.",
    severity: "medium",
    category: "availability",
    hipaa: ["164.308(a)(7)(ii)(A)"],
    soc2: ["A1.2", "C1.1"],
    remediation: "Leave skipFinalSnapshot false and set finalSnapshotIdentifier.",
    resourceTypes: [RDS.instance, RDS.cluster],
    *check(db) {
        if (db.skipFinalSnapshot === true) {
            yield "skipFinalSnapshot is true, so deleting the database discards its data without a snapshot.";
        }
    },
});

export const rdsCaCertificateCurrent = resourceRule<RdsClusterInstanceInputs>({
    name: "rds-ca-certificate-current",
    description: "RDS server certificates are issued by a current certificate authority.",
    severity: "low",
    category: "encryption",
    hipaa: ["164.312(e)(1)"],
    soc2: ["CC6.7"],
    remediation: "Set caCertIdentifier to rds-ca-rsa2048-g1 (or another current CA), or leave it unset.",
    resourceTypes: [RDS.instance, RDS.clusterInstance],
    *check(db) {
        if (isKnown(db.caCertIdentifier) && RETIRED_CA_CERTIFICATES.has(db.caCertIdentifier)) {
            yield `caCertIdentifier ${db.caCertIdentifier} is a retired CA whose certificates have expired.`;
        }
    },
});

export const rdsPostgresForceSsl = stackRule({
    name: "rds-postgres-force-ssl",
    description: "PostgreSQL databases use a parameter group that rejects connections without TLS.",
    severity: "critical",
    category: "encryption",
    hipaa: ["164.312(e)(1)", "164.312(e)(2)(i)", "164.312(e)(2)(ii)"],
    soc2: ["CC6.7"],
    remediation: 'Give the database a parameter group from this stack with parameter rds.force_ssl = "1".',
    resourceTypes: [RDS.instance, RDS.cluster],
    *check(stack) {
        yield* forceSslFindings(stack, RDS.instance, "postgres", "parameterGroupName", RDS.parameterGroup);
        yield* forceSslFindings(stack, RDS.cluster, "aurora-postgresql", "dbClusterParameterGroupName", RDS.clusterParameterGroup);
    },
});

function* forceSslFindings(
    stack: StackView,
    databaseType: string,
    engine: string,
    groupProperty: "parameterGroupName" | "dbClusterParameterGroupName",
    groupType: string,
): Iterable<Finding> {
    const groups = stack.ofType(groupType);
    for (const database of stack.ofType(databaseType)) {
        const inputs = database.props<DatabaseInputs>();
        if (inputs.engine !== engine || isPresent(inputs.replicateSourceDb)) {
            continue;
        }
        const groupName = inputs[groupProperty];
        if (!presentOrPending(groupName)) {
            yield { resource: database, message: `No ${groupProperty} is set, so the default parameter group applies and rds.force_ssl is not guaranteed.` };
            continue;
        }
        const group = groups.find((candidate) => refersTo(database, groupProperty, candidate, ["name", "id"]));
        if (group === undefined) {
            if (!isUnknown(groupName)) {
                yield { resource: database, message: `Parameter group ${groupName} is not defined in this stack, so rds.force_ssl cannot be verified.` };
            }
            continue;
        }
        const forced = forcesSsl(group);
        if (forced === "unknown") {
            yield { resource: database, message: `Parameter group ${group.name} has parameters that are unknown in preview, so rds.force_ssl = 1 cannot be shown.` };
        } else if (!forced) {
            yield { resource: database, message: `Parameter group ${group.name} does not set rds.force_ssl to 1, so clients may connect without TLS.` };
        }
    }
}

/**
 * Whether the group sets rds.force_ssl to 1. A required setting the preview cannot read is not
 * shown to be set: the program writes parameters as literals, so an unknown one is reported.
 */
function forcesSsl(group: StackResource): boolean | "unknown" {
    const parameters = elements(group.props<RdsParameterGroupInputs>().parameters);
    const forceSsl = parameters.known.filter((parameter) => parameter.name === "rds.force_ssl" || isUnknown(parameter.name));
    if (forceSsl.some((parameter) => parameter.name === "rds.force_ssl" && isKnown(parameter.value) && String(parameter.value) === "1")) {
        return true;
    }
    if (parameters.hasUnknown || forceSsl.some((parameter) => isUnknown(parameter.name) || isUnknown(parameter.value))) {
        return "unknown";
    }
    return false;
}

/** The tag giving the days a manual snapshot is kept (components/blue-green/migration.ts sets it on release snapshots). */
const RETAIN_DAYS_TAG = "clinical-platform:retain-days";

export const rdsSnapshotRetentionTagged = resourceRule<RdsSnapshotInputs>({
    name: "rds-snapshot-retention-tagged",
    description: `Manual RDS snapshots state how long they are kept: a ${RETAIN_DAYS_TAG} tag of whole days, which the expiry function enforces.`,
    severity: "medium",
    category: "availability",
    hipaa: ["164.308(a)(7)(ii)(A)", "164.310(d)(2)(iv)"],
    soc2: ["A1.2", "C1.2"],
    remediation: `Tag the snapshot ${RETAIN_DAYS_TAG} with the days it must be kept (the release profile's snapshotRetentionDays).`,
    resourceTypes: [RDS.snapshot],
    *check(snapshot) {
        if (isUnknown(snapshot.tags)) {
            return;
        }
        const days = isKnown(snapshot.tags) ? snapshot.tags[RETAIN_DAYS_TAG] : undefined;
        if (isUnknown(days)) {
            return;
        }
        if (!isKnown(days) || !/^[1-9]\d*$/.test(days)) {
            yield `The snapshot has no ${RETAIN_DAYS_TAG} tag of whole days, so nothing says when this copy of the data is to be deleted.`;
        }
    },
});

export const rdsSnapshotNotShared = resourceRule<RdsSnapshotInputs, { allowedAccounts: string[] }>({
    name: "rds-snapshot-not-shared",
    description: "Manual RDS snapshots, cluster snapshots and snapshot copies are never public and shared only with the configured accounts.",
    severity: "critical",
    category: "public-access",
    hipaa: ["164.308(a)(4)(ii)(A)", "164.312(a)(1)"],
    soc2: ["CC6.1", "CC6.6"],
    remediation: 'Remove "all" and any account not in the pack config from sharedAccounts; copy data to another account through AWS Backup instead.',
    config: {
        allowedAccounts: {
            type: "array",
            items: { type: "string", pattern: "^\\d{12}$" },
            uniqueItems: true,
            default: [],
            description: "Accounts a manual snapshot may be shared with (such as a recovery account).",
        },
    },
    anchors: { awsConfig: ["RDS_SNAPSHOTS_PUBLIC_PROHIBITED"] },
    resourceTypes: [RDS.snapshot, COVERAGE.rdsClusterSnapshot, COVERAGE.rdsSnapshotCopy],
    *check(snapshot, { config }) {
        const shared = elements(snapshot.sharedAccounts).known.filter((account): account is string => typeof account === "string");
        if (shared.includes("all")) {
            yield 'The snapshot is public (sharedAccounts includes "all"): anyone can restore the database from it.';
        }
        const others = shared.filter((account) => account !== "all" && !config.allowedAccounts.includes(account));
        if (others.length > 0) {
            yield `The snapshot is shared with account${others.length === 1 ? "" : "s"} ${others.join(", ")}, which the pack config does not allow.`;
        }
    },
});


/**
 * A manual snapshot is encrypted exactly when its source database is (RDS User Guide, "Encrypting Amazon
 * RDS resources": a snapshot of an encrypted instance is encrypted with the same key, checked 2026-12-01);
 * a copy is encrypted when its source is or when it names a kmsKeyId.
 */
export const rdsSnapshotEncrypted = stackRule({
    name: "rds-snapshot-encrypted",
    description: "Every manual RDS snapshot, cluster snapshot and snapshot copy the stack declares is encrypted: its source database in the stack is, or the copy names a KMS key.",
    severity: "critical",
    category: "encryption",
    hipaa: ["164.312(a)(2)(iv)", "164.312(e)(2)(ii)"],
    soc2: ["CC6.1"],
    remediation: "Snapshot only encrypted databases declared in this stack; give a SnapshotCopy of anything else a kmsKeyId.",
    anchors: { awsConfig: ["RDS_SNAPSHOT_ENCRYPTED"] },
    resourceTypes: [RDS.snapshot, COVERAGE.rdsClusterSnapshot, COVERAGE.rdsSnapshotCopy],
    *check(stack): Iterable<Finding> {
        const encrypted = (db: StackResource | undefined): boolean | undefined =>
            db === undefined ? undefined : db.props<DatabaseInputs>().storageEncrypted === true || isDerivedDatabase(db.props<DatabaseInputs>());
        const instances = stack.ofType(RDS.instance);
        const clusters = stack.ofType(RDS.cluster);
        const snapshots = stack.ofType(RDS.snapshot);
        const verdict = (snapshot: StackResource): boolean | undefined => {
            if (snapshot.type === RDS.snapshot) {
                return encrypted(instances.find((db) => refersTo(snapshot, "dbInstanceIdentifier", db, ["identifier", "id"])));
            }
            if (snapshot.type === COVERAGE.rdsClusterSnapshot) {
                return encrypted(clusters.find((db) => refersTo(snapshot, "dbClusterIdentifier", db, ["clusterIdentifier", "id"])));
            }
            if (presentOrPending(snapshot.props<RdsSnapshotInputs>().kmsKeyId)) return true;
            const source = snapshots.find((candidate) => refersTo(snapshot, "sourceDbSnapshotIdentifier", candidate, ["dbSnapshotIdentifier", "dbSnapshotArn", "id"]));
            return source === undefined ? undefined : verdict(source);
        };
        for (const snapshot of stack.ofType(RDS.snapshot, COVERAGE.rdsClusterSnapshot, COVERAGE.rdsSnapshotCopy)) {
            const result = verdict(snapshot);
            if (result === false) {
                yield { resource: snapshot, message: "The snapshot's source database does not encrypt its storage, so the snapshot holds the data unencrypted." };
            } else if (result === undefined) {
                yield { resource: snapshot, message: "The snapshot's source is not declared in this stack (and a copy names no kmsKeyId), so its encryption cannot be shown." };
            }
        }
    },
});

/** Inputs of `aws.rds.ClusterInstance` that place it. */
interface ClusterMemberInputs {
    clusterIdentifier?: Maybe<string>;
    availabilityZone?: Maybe<string>;
}

export const rdsClusterMultiAz = stackRule({
    name: "rds-cluster-multi-az",
    description: "Every Aurora cluster runs instances in at least two Availability Zones (or is a Multi-AZ DB cluster).",
    severity: "high",
    category: "availability",
    hipaa: ["164.308(a)(7)(i)", "164.308(a)(7)(ii)(C)"],
    soc2: ["A1.2"],
    remediation: "Add a second ClusterInstance (a reader, which Aurora promotes on failure) and leave availabilityZone unset or set them to different zones.",
    anchors: { awsConfig: ["RDS_CLUSTER_MULTI_AZ_ENABLED"] },
    resourceTypes: [RDS.cluster],
    *check(stack): Iterable<Finding> {
        const members = stack.ofType(RDS.clusterInstance);
        for (const cluster of stack.ofType(RDS.cluster)) {
            const inputs = cluster.props<{ dbClusterInstanceClass?: Maybe<string>; engineMode?: Maybe<string> }>();
            // A Multi-AZ DB cluster (dbClusterInstanceClass) always spans three zones; Aurora Serverless v1 has no instances.
            if (presentOrPending(inputs.dbClusterInstanceClass) || inputs.engineMode === "serverless") continue;
            const own = members.filter((member) => refersTo(member, "clusterIdentifier", cluster, ["clusterIdentifier", "id"]));
            const zones = own.map((member) => member.props<ClusterMemberInputs>().availabilityZone);
            const pinned = new Set(zones.filter((zone): zone is string => isKnown(zone)));
            if (own.length < 2) {
                yield { resource: cluster, message: `The cluster has ${own.length} instance(s), so an Availability Zone outage leaves it without a failover target.` };
            } else if (zones.every(isKnown) && pinned.size < 2) {
                yield { resource: cluster, message: `Every instance of the cluster is pinned to ${[...pinned].join(", ")}, so one zone's outage takes the cluster down.` };
            }
        }
    },
});

export const rdsPolicies: ClinicalPolicy[] = [
    rdsStorageEncrypted,
    rdsStorageCustomerManagedKey,
    rdsNoPublicAccess,
    rdsBackupRetention,
    rdsMultiAz,
    rdsDeletionProtection,
    rdsPhiProtections,
    rdsAutoMinorVersionUpgrade,
    rdsEnhancedMonitoring,
    rdsLogExports,
    rdsPerformanceInsightsEncrypted,
    rdsIamDatabaseAuth,
    rdsManagedMasterPassword,
    rdsMasterSecretCustomerManagedKey,
    rdsFinalSnapshot,
    rdsCaCertificateCurrent,
    rdsPostgresForceSsl,
    rdsSnapshotRetentionTagged,
    rdsSnapshotNotShared,
    rdsSnapshotEncrypted,
    rdsClusterMultiAz,
];
