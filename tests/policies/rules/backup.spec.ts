import { BACKUP, RDS } from "../../../policies/lib/types";
import * as rules from "../../../policies/rules/backup";
import { describeResourcePolicy, describeStackPolicy } from "../harness/cases";
import { UNKNOWN_VALUE as UNKNOWN, inRegion, resource } from "../harness/server";

const DR = "us-west-2";
const homeVault = resource(BACKUP.vault, "vault", { name: "clinical-production", kmsKeyArn: UNKNOWN });
const drVault = inRegion(resource(BACKUP.vault, "vault-dr", { name: "clinical-production-dr", kmsKeyArn: UNKNOWN }), DR);
const lock = (vault: typeof homeVault, inputs: Record<string, unknown>) =>
    resource(BACKUP.vaultLock, `${vault.name}-lock`, { backupVaultName: UNKNOWN, ...inputs }, { backupVaultName: vault });
const compliance = { minRetentionDays: 35, maxRetentionDays: 365, changeableForDays: 7 };

const rule = (copyActions: unknown[]) => ({ ruleName: "daily", targetVaultName: "clinical-production", schedule: "cron(0 6 * * ? *)", copyActions });
const plan = (copyActions: unknown[], references = [homeVault, drVault]) =>
    resource(BACKUP.plan, "plan", { name: "clinical-production", rules: [rule(copyActions)] }, { rules: references });

const database = resource(RDS.instance, "database", { engine: "postgres" });
const replica = resource(RDS.instance, "reader", { engine: "postgres", replicateSourceDb: UNKNOWN }, { replicateSourceDb: database });
const selection = (resources: unknown[], references: Record<string, typeof database | (typeof database)[]>) =>
    resource(BACKUP.selection, "selection", { planId: UNKNOWN, iamRoleArn: UNKNOWN, resources }, references);
const replication = (inputs: Record<string, unknown> = {}) =>
    resource(RDS.automatedBackupsReplication, "replication", { sourceDbInstanceArn: UNKNOWN, kmsKeyId: UNKNOWN, retentionPeriod: 30, ...inputs }, { sourceDbInstanceArn: database });

describe("AWS Backup and disaster-recovery policies", () => {
    describeResourcePolicy(rules.backupVaultCustomerManagedKey, {
        accepts: {
            "a vault under a customer-managed key": homeVault,
        },
        rejects: {
            "a vault on the AWS-managed aws/backup key": [resource(BACKUP.vault, "vault", { name: "v" }), /aws\/backup key/],
        },
    });

    describeStackPolicy(rules.backupVaultLocked, {
        accepts: {
            "vaults locked in compliance mode for the required minimum": {
                resources: [homeVault, drVault, lock(homeVault, compliance), lock(drVault, compliance)],
                config: { minimumRetentionDays: 35 },
            },
            "a lock matched to its vault by literal name": [homeVault, resource(BACKUP.vaultLock, "lock", { backupVaultName: "clinical-production", ...compliance })],
        },
        rejects: {
            "a vault without a lock": {
                resources: [homeVault, drVault, lock(homeVault, compliance)],
                offenders: ["vault-dr"],
                message: /no Vault Lock/,
            },
            "a lock in governance mode, which whoever may remove it can lift": {
                resources: [homeVault, lock(homeVault, { minRetentionDays: 35, maxRetentionDays: 365 })],
                offenders: ["vault"],
                message: /governance mode/,
            },
            "a lock whose cooling-off period is unknown in preview": {
                resources: [homeVault, lock(homeVault, { ...compliance, changeableForDays: UNKNOWN })],
                offenders: ["vault"],
                message: /governance mode/,
            },
            "a lock shorter than the environment's minimum": {
                resources: [homeVault, lock(homeVault, { ...compliance, minRetentionDays: 7 })],
                offenders: ["vault"],
                message: /7 day\(s\); this environment requires at least 35/,
                config: { minimumRetentionDays: 35 },
            },
            "a lock whose minimum retention is unknown in preview": {
                resources: [homeVault, lock(homeVault, { ...compliance, minRetentionDays: UNKNOWN })],
                offenders: ["vault"],
                message: /no minimum time; this environment requires at least 35/,
                config: { minimumRetentionDays: 35 },
            },
        },
    });

    describeStackPolicy(rules.backupPlanCoversDatabase, {
        accepts: {
            "a database a selection of the plan names": [database, plan([]), selection([UNKNOWN], { resources: database, planId: plan([]) })],
            "a read replica, covered by its source's backups": [
                database, replica, plan([]), selection([UNKNOWN], { resources: database, planId: plan([]) }),
            ],
        },
        rejects: {
            "a database no selection names": {
                resources: [database, plan([]), selection(["arn:aws:s3:::assets"], { planId: plan([]) })],
                offenders: ["database"],
                message: /No AWS Backup selection/,
            },
            "a database named by a selection that belongs to no plan of the stack": {
                resources: [database, selection([UNKNOWN], { resources: database })],
                offenders: ["database"],
                message: /No AWS Backup selection/,
            },
        },
    });

    describeStackPolicy(rules.backupPlanCrossRegionCopy, {
        accepts: {
            "a rule copying to the DR region's vault, ARN unknown until it exists": [homeVault, drVault, plan([{ destinationVaultArn: UNKNOWN }])],
            "a rule copying to the DR region's vault by its known ARN": [
                homeVault, drVault, plan([{ destinationVaultArn: "arn:aws:backup:us-west-2:111122223333:backup-vault:clinical-production-dr" }]),
            ],
        },
        rejects: {
            "a rule without a copy action": {
                resources: [homeVault, plan([], [homeVault])],
                offenders: ["plan"],
                message: /no copy action/,
            },
            "a rule copying to another vault of the same region": {
                resources: [
                    homeVault,
                    resource(BACKUP.vault, "vault-second", { name: "clinical-production-second", kmsKeyArn: UNKNOWN }),
                    plan([{ destinationVaultArn: "arn:aws:backup:us-east-1:111122223333:backup-vault:clinical-production-second" }]),
                ],
                offenders: ["plan"],
                message: /only to a vault in its own region/,
            },
        },
    });

    describeStackPolicy(rules.rdsBackupsReplicatedToDrRegion, {
        accepts: {
            "backups replicated through the DR region's provider under a key there": [database, inRegion(replication(), DR)],
            "backups replicated with the v7 region argument": [database, replication({ region: DR })],
        },
        rejects: {
            "a database whose backups stay in its region": {
                resources: [database],
                offenders: ["database"],
                message: /not replicated to another region/,
            },
            "a replication made in the database's own region": {
                resources: [database, replication()],
                offenders: ["database"],
                message: /within its own region/,
            },
            "a replication without a key in the DR region": {
                resources: [database, inRegion(replication({ kmsKeyId: undefined }), DR)],
                offenders: ["database"],
                message: /no kmsKeyId/,
            },
        },
    });
});
