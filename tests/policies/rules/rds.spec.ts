import { RDS } from "../../../policies/lib/types";
import * as rules from "../../../policies/rules/rds";
import { describeResourcePolicy, describeStackPolicy } from "../harness/cases";
import { UNKNOWN_VALUE as UNKNOWN, resource } from "../harness/server";

const instance = (inputs: Record<string, unknown>) => resource(RDS.instance, "db", { engine: "postgres", ...inputs });
const cluster = (inputs: Record<string, unknown>) => resource(RDS.cluster, "aurora", { engine: "aurora-postgresql", ...inputs });
const clusterInstance = (inputs: Record<string, unknown>) => resource(RDS.clusterInstance, "aurora-1", inputs);
const snapshot = (inputs: Record<string, unknown>) => resource(RDS.snapshot, "api-green-migrate-snapshot", {
    dbInstanceIdentifier: "clinical-platform-production",
    dbSnapshotIdentifier: "clinical-platform-production-release-1-5-0-0123456789",
    ...inputs,
});

describe("RDS policies", () => {
    describeResourcePolicy(rules.rdsStorageEncrypted, {
        accepts: {
            "an instance with storageEncrypted true": instance({ storageEncrypted: true }),
            "an Aurora cluster with storageEncrypted true": cluster({ storageEncrypted: true }),
        },
        notApplicable: {
            "a read replica, which inherits its source's encryption": instance({ replicateSourceDb: UNKNOWN }),
        },
        rejects: {
            "an instance without storageEncrypted": [instance({}), /Storage encryption is off/],
            "a cluster with storageEncrypted false": [cluster({ storageEncrypted: false }), /Storage encryption is off/],
            "a cluster whose encryption is unknown in preview": [cluster({ storageEncrypted: UNKNOWN }), /Storage encryption is off/],
        },
    });

    describeResourcePolicy(rules.rdsStorageCustomerManagedKey, {
        accepts: {
            "an instance whose kmsKeyId is the data key's unknown ARN": instance({ storageEncrypted: true, kmsKeyId: UNKNOWN }),
        },
        rejects: {
            "an encrypted instance using the AWS-managed key": [instance({ storageEncrypted: true }), /No kmsKeyId/],
        },
    });

    describeResourcePolicy(rules.rdsNoPublicAccess, {
        accepts: {
            "a private instance": instance({ publiclyAccessible: false }),
            "an instance that leaves publiclyAccessible at its false default": instance({}),
            "a private Aurora instance": clusterInstance({ publiclyAccessible: false }),
        },
        rejects: {
            "a publicly accessible instance": [instance({ publiclyAccessible: true }), /publiclyAccessible is true/],
            "a publicly accessible Aurora instance": [clusterInstance({ publiclyAccessible: true }), /publiclyAccessible/],
        },
    });

    describeResourcePolicy(rules.rdsBackupRetention, {
        accepts: {
            "seven days of backups under the default minimum": instance({ backupRetentionPeriod: 7 }),
            "thirty days of backups under the production minimum": { subject: instance({ backupRetentionPeriod: 30 }), config: { minimumDays: 30 } },
            "one day of backups under the dev minimum": { subject: cluster({ backupRetentionPeriod: 1 }), config: { minimumDays: 1 } },
        },
        rejects: {
            "seven days of backups under the production minimum": [
                { subject: instance({ backupRetentionPeriod: 7 }), config: { minimumDays: 30 } },
                /kept 7 days; this environment requires at least 30/,
            ],
            "an instance that never sets backupRetentionPeriod": [instance({}), /backupRetentionPeriod is not set/],
            "an instance whose retention is unknown in preview": [instance({ backupRetentionPeriod: UNKNOWN }), /backupRetentionPeriod is not set/],
        },
    });

    describeResourcePolicy(rules.rdsMultiAz, {
        accepts: {
            "a Multi-AZ instance": instance({ multiAz: true }),
        },
        notApplicable: {
            "a single-AZ instance exempted by name in the pack config": { subject: instance({ multiAz: false }), config: { exemptResources: [{ resource: "db", reason: "a test database" }] } },
        },
        rejects: {
            "an instance whose multiAz is unknown in preview": [instance({ multiAz: UNKNOWN }), /multiAz is not true/],
            "a single-AZ instance": [instance({ multiAz: false }), /multiAz is not true/] },
    });

    describeResourcePolicy(rules.rdsDeletionProtection, {
        accepts: {
            "a protected instance": instance({ deletionProtection: true }),
            "a protected cluster": cluster({ deletionProtection: true }),
        },
        rejects: {
            "an instance without deletion protection": [instance({}), /deletionProtection is not true/],
            "a cluster whose deletion protection is unknown in preview": [cluster({ deletionProtection: UNKNOWN }), /deletionProtection is not true/],
        },
    });

    describeResourcePolicy(rules.rdsPhiProtections, {
        accepts: {
            "a PHI database with deletion protection, a final snapshot and a week of backups":
                instance({ tags: { DataClassification: "phi" }, deletionProtection: true, skipFinalSnapshot: false, backupRetentionPeriod: 7 }),
        },
        notApplicable: {
            "an internal database with one day of backups and no deletion protection, as dev has":
                instance({ tags: { DataClassification: "internal" }, deletionProtection: false, skipFinalSnapshot: true, backupRetentionPeriod: 1 }),
        },
        rejects: {
            "a PHI cluster whose protections are unknown in preview, which cannot be shown to protect it": [
                cluster({ tags: { DataClassification: "phi" }, deletionProtection: UNKNOWN, backupRetentionPeriod: UNKNOWN }),
                [/holds PHI but deletionProtection is not true/, /keeps no day\(s\) of backups/],
            ],
            "a PHI database without deletion protection": [
                instance({ tags: { DataClassification: "phi" }, deletionProtection: false, backupRetentionPeriod: 7 }),
                /holds PHI but deletionProtection is not true/,
            ],
            "a PHI database with one day of backups, even where the environment's minimum is one day": [
                instance({ tags: { DataClassification: "phi" }, deletionProtection: true, backupRetentionPeriod: 1 }),
                /keeps 1 day\(s\) of backups; PHI needs at least 7/,
            ],
            "a PHI database that skips its final snapshot": [
                instance({ tags: { DataClassification: "phi" }, deletionProtection: true, backupRetentionPeriod: 30, skipFinalSnapshot: true }),
                /skipFinalSnapshot is true/,
            ],
        },
    });

    describeResourcePolicy(rules.rdsAutoMinorVersionUpgrade, {
        accepts: { "an instance that keeps the default": instance({}) },
        rejects: { "an instance that turns minor upgrades off": [instance({ autoMinorVersionUpgrade: false }), /security patches/] },
    });

    describeResourcePolicy(rules.rdsEnhancedMonitoring, {
        accepts: {
            "an instance monitored every 60 s by a role created in the same preview": instance({ monitoringInterval: 60, monitoringRoleArn: UNKNOWN }),
        },
        rejects: {
            "an instance without monitoring": [instance({}), /enhanced monitoring is off/],
            "an instance with an interval but no role": [instance({ monitoringInterval: 30 }), /monitoringRoleArn is not set/],
            "an instance whose interval is unknown in preview": [instance({ monitoringInterval: UNKNOWN, monitoringRoleArn: UNKNOWN }), /enhanced monitoring is off/],
        },
    });

    describeResourcePolicy(rules.rdsLogExports, {
        accepts: {
            "an engine with no CloudWatch log exports (RDS Custom)": resource(RDS.instance, "c", { engine: "custom-oracle-ee" }),
            "a PostgreSQL instance exporting postgresql and upgrade logs": instance({ enabledCloudwatchLogsExports: ["postgresql", "upgrade"] }),
            "an Aurora PostgreSQL cluster exporting postgresql logs": cluster({ enabledCloudwatchLogsExports: ["postgresql"] }),
            "a MySQL instance exporting its four logs": resource(RDS.instance, "legacy", { engine: "mysql", enabledCloudwatchLogsExports: ["audit", "error", "general", "slowquery"] }),
            "a MariaDB instance exporting its four logs": resource(RDS.instance, "m", { engine: "mariadb", enabledCloudwatchLogsExports: ["audit", "error", "general", "slowquery"] }),
            "an Oracle instance exporting alert, audit, listener and trace": resource(RDS.instance, "o", { engine: "oracle-ee", enabledCloudwatchLogsExports: ["alert", "audit", "listener", "trace"] }),
            "a SQL Server instance exporting agent and error": resource(RDS.instance, "s", { engine: "sqlserver-se", enabledCloudwatchLogsExports: ["agent", "error"] }),
            "an Aurora MySQL cluster exporting its four logs": resource(RDS.cluster, "am", { engine: "aurora-mysql", enabledCloudwatchLogsExports: ["audit", "error", "general", "slowquery"] }),
            "a Multi-AZ MySQL DB cluster exporting error, general and slowquery": resource(RDS.cluster, "mc", { engine: "mysql", enabledCloudwatchLogsExports: ["error", "general", "slowquery"] }),
        },
        rejects: {
            "a MySQL instance without the audit log": [resource(RDS.instance, "legacy", { engine: "mysql", enabledCloudwatchLogsExports: ["error", "general", "slowquery"] }), /lacks audit/],
            "a MariaDB instance exporting nothing": [resource(RDS.instance, "m", { engine: "mariadb" }), /lacks audit, error, general, slowquery/],
            "an Oracle instance without the listener log": [resource(RDS.instance, "o", { engine: "oracle-se2", enabledCloudwatchLogsExports: ["alert", "audit", "trace"] }), /lacks listener/],
            "a SQL Server instance without the agent log": [resource(RDS.instance, "s", { engine: "sqlserver-ex", enabledCloudwatchLogsExports: ["error"] }), /lacks agent/],
            "an Aurora MySQL cluster without slowquery": [resource(RDS.cluster, "am", { engine: "aurora-mysql", enabledCloudwatchLogsExports: ["audit", "error", "general"] }), /lacks slowquery/],
            "an instance whose engine is unknown in preview and exports nothing": [resource(RDS.instance, "u", { engine: UNKNOWN }), /engine is unknown in preview/],
            "a PostgreSQL instance exporting only postgresql logs": [instance({ enabledCloudwatchLogsExports: ["postgresql"] }), /lacks upgrade/],
            "an Aurora cluster exporting nothing": [cluster({}), /lacks postgresql/],
            "a PostgreSQL instance whose exports are unknown in preview": [instance({ enabledCloudwatchLogsExports: UNKNOWN }), /unknown in preview/],
            "a PostgreSQL instance with one export unknown in preview": [
                instance({ enabledCloudwatchLogsExports: ["postgresql", UNKNOWN] }),
                /cannot be shown to include upgrade/,
            ],
        },
    });

    describeResourcePolicy(rules.rdsPerformanceInsightsEncrypted, {
        accepts: {
            "Performance Insights under the data key": instance({ performanceInsightsEnabled: true, performanceInsightsKmsKeyId: UNKNOWN }),
            "an instance without Performance Insights": instance({}),
        },
        rejects: {
            "Performance Insights under the AWS-managed key": [clusterInstance({ performanceInsightsEnabled: true }), /performanceInsightsKmsKeyId/],
        },
    });

    describeResourcePolicy(rules.rdsIamDatabaseAuth, {
        accepts: { "an instance accepting IAM authentication": instance({ iamDatabaseAuthenticationEnabled: true }) },
        rejects: {
            "an instance whose IAM authentication is unknown in preview": [instance({ iamDatabaseAuthenticationEnabled: UNKNOWN }), /iamDatabaseAuthenticationEnabled is not true/],
            "an instance with password authentication only": [instance({}), /iamDatabaseAuthenticationEnabled is not true/] },
    });

    describeResourcePolicy(rules.rdsManagedMasterPassword, {
        accepts: {
            "an instance whose password RDS manages": instance({ manageMasterUserPassword: true }),
        },
        notApplicable: {
            "a replica, which has no master password of its own": instance({ replicateSourceDb: "primary" }),
        },
        rejects: {
            "an instance given a password by the program": [instance({ password: UNKNOWN }), /passed in by the program/],
            "a cluster with neither a managed nor a given password": [cluster({}), /neither stored in Secrets Manager nor rotated/],
            "an instance whose password management is unknown in preview": [instance({ manageMasterUserPassword: UNKNOWN }), /unknown in preview/],
        },
    });

    describeResourcePolicy(rules.rdsMasterSecretCustomerManagedKey, {
        accepts: {
            "a managed master secret under the secrets key": instance({ manageMasterUserPassword: true, masterUserSecretKmsKeyId: UNKNOWN }),
        },
        rejects: {
            "a managed master secret under the AWS-managed key": [instance({ manageMasterUserPassword: true }), /masterUserSecretKmsKeyId/],
        },
    });

    describeResourcePolicy(rules.rdsFinalSnapshot, {
        accepts: { "an instance that keeps a final snapshot": instance({ finalSnapshotIdentifier: "db-final" }) },
        rejects: { "an instance that skips its final snapshot": [instance({ skipFinalSnapshot: true }), /without a snapshot/] },
    });

    describeResourcePolicy(rules.rdsCaCertificateCurrent, {
        accepts: {
            "an instance on the rsa2048-g1 CA": instance({ caCertIdentifier: "rds-ca-rsa2048-g1" }),
            "an instance on the default CA": instance({}),
        },
        rejects: { "an instance on the retired 2019 CA": [instance({ caCertIdentifier: "rds-ca-2019" }), /retired CA/] },
    });

    const forceSsl = resource(RDS.parameterGroup, "postgres16", {
        family: "postgres16",
        parameters: [{ name: "rds.force_ssl", value: "1" }],
    });
    const lenient = resource(RDS.parameterGroup, "lenient", { name: "lenient", parameters: [{ name: "rds.force_ssl", value: "0" }] });
    const clusterGroup = resource(RDS.clusterParameterGroup, "aurora16", { parameters: [{ name: "rds.force_ssl", value: "1" }] });
    describeStackPolicy(rules.rdsPostgresForceSsl, {
        accepts: {
            "an instance bound to a force_ssl group whose name is unknown": [
                forceSsl,
                resource(RDS.instance, "db", { engine: "postgres", parameterGroupName: UNKNOWN }, { parameterGroupName: forceSsl }),
            ],
            "an instance naming a force_ssl group by its literal name": [
                resource(RDS.parameterGroup, "named", { name: "clinical-pg", parameters: [{ name: "rds.force_ssl", value: "1" }] }),
                resource(RDS.instance, "db", { engine: "postgres", parameterGroupName: "clinical-pg" }),
            ],
            "an Aurora PostgreSQL cluster bound to a force_ssl cluster group": [
                clusterGroup,
                resource(RDS.cluster, "aurora", { engine: "aurora-postgresql", dbClusterParameterGroupName: UNKNOWN }, { dbClusterParameterGroupName: clusterGroup }),
            ],
        },
        rejects: {
            "an instance on the default parameter group": {
                resources: [resource(RDS.instance, "db", { engine: "postgres" })],
                offenders: ["db"],
                message: /default parameter group/,
            },
            "an instance whose group sets rds.force_ssl to 0": {
                resources: [lenient, resource(RDS.instance, "db", { engine: "postgres", parameterGroupName: "lenient" })],
                offenders: ["db"],
                message: /does not set rds.force_ssl to 1/,
            },
            "an instance whose group's rds.force_ssl value is unknown in preview": {
                resources: [
                    resource(RDS.parameterGroup, "pending", { name: "pending", parameters: [{ name: "rds.force_ssl", value: UNKNOWN }] }),
                    resource(RDS.instance, "db", { engine: "postgres", parameterGroupName: "pending" }),
                ],
                offenders: ["db"],
                message: /unknown in preview, so rds.force_ssl = 1 cannot be shown/,
            },
            "an instance whose group's parameter list is unknown in preview": {
                resources: [
                    resource(RDS.parameterGroup, "pending", { name: "pending", parameters: UNKNOWN }),
                    resource(RDS.instance, "db", { engine: "postgres", parameterGroupName: "pending" }),
                ],
                offenders: ["db"],
                message: /unknown in preview/,
            },
            "an instance naming a group outside the stack": {
                resources: [resource(RDS.instance, "db", { engine: "postgres", parameterGroupName: "shared-pg" })],
                offenders: ["db"],
                message: /not defined in this stack/,
            },
        },
    });

    describeResourcePolicy(rules.rdsSnapshotRetentionTagged, {
        accepts: {
            "a release snapshot kept for 30 days": snapshot({ tags: { "clinical-platform:retain-days": "30", Environment: "production" } }),
            "a snapshot whose tags are computed at deployment time": snapshot({ tags: UNKNOWN }),
        },
        notApplicable: {
            "a database instance": instance({}),
        },
        rejects: {
            "a snapshot without tags": [snapshot({}), /no clinical-platform:retain-days tag/],
            "a snapshot kept for zero days": [snapshot({ tags: { "clinical-platform:retain-days": "0" } }), /no clinical-platform:retain-days tag of whole days/],
            "a snapshot kept for 'a month'": [snapshot({ tags: { "clinical-platform:retain-days": "a month" } }), /whole days/],
        },
    });

    describeResourcePolicy(rules.rdsSnapshotNotShared, {
        accepts: {
            "a snapshot shared with nobody": snapshot({}),
            "a snapshot shared with the configured recovery account": { subject: snapshot({ sharedAccounts: ["444455556666"] }), config: { allowedAccounts: ["444455556666"] } },
        },
        notApplicable: {
            "a database instance": instance({ publiclyAccessible: false }),
        },
        rejects: {
            "a public snapshot": [snapshot({ sharedAccounts: ["all"] }), /public/],
            "a snapshot shared with an account the config does not allow": [snapshot({ sharedAccounts: ["444455556666"] }), /shared with account 444455556666/],
        },
    });
});
