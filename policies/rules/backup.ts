import { type ClinicalPolicy, type Finding, resourceRule, stackRule } from "../lib/policy";
import { type StackResource, type StackView, refersTo } from "../lib/stack";
import { BACKUP, RDS } from "../lib/types";
import { type Maybe, elements, isKnown, isPresent, isUnknown, present, presentOrPending } from "../lib/values";

/** Inputs of `aws.backup.Vault` the rules read. */
export interface BackupVaultInputs {
    name?: Maybe<string>;
    kmsKeyArn?: Maybe<string>;
    region?: Maybe<string>;
}

/** Inputs of `aws.backup.VaultLockConfiguration` the rules read. */
export interface VaultLockInputs {
    backupVaultName?: Maybe<string>;
    changeableForDays?: Maybe<number>;
    minRetentionDays?: Maybe<number>;
}

/** Inputs of `aws.backup.Plan` the rules read. */
export interface BackupPlanInputs {
    rules?: Maybe<
        Maybe<{
            ruleName?: Maybe<string>;
            targetVaultName?: Maybe<string>;
            copyActions?: Maybe<Maybe<{ destinationVaultArn?: Maybe<string> }>[]>;
        }>[]
    >;
    region?: Maybe<string>;
}

/** Inputs of `aws.backup.Selection` the rules read. */
export interface BackupSelectionInputs {
    planId?: Maybe<string>;
    resources?: Maybe<Maybe<string>[]>;
}

/** Inputs of `aws.rds.InstanceAutomatedBackupsReplication` the rules read. */
export interface BackupReplicationInputs {
    sourceDbInstanceArn?: Maybe<string>;
    kmsKeyId?: Maybe<string>;
    region?: Maybe<string>;
}

/** HIPAA contingency plan: data backup plan (A) and disaster recovery plan (B). */
const BACKUP_AND_DR = ["164.308(a)(7)(i)", "164.308(a)(7)(ii)(A)", "164.308(a)(7)(ii)(B)"];
/** SOC 2: recovery infrastructure and backups (A1.2); recovery that can be carried out, and tested, elsewhere (A1.3). */
const RECOVERY_CRITERIA = ["A1.2", "A1.3"];
const VAULT_IDENTIFIERS = ["name", "id"] as const;
const DATABASE_IDENTIFIERS = ["arn"] as const;
const ARN_REGION = /^arn:[a-z-]+:[a-z0-9-]+:([a-z0-9-]+):/;

/**
 * Where a resource is created: its own `region` input (provider v7), else its explicit provider's
 * region, else the stack's default provider ("default"), whose region is the stack's.
 */
function regionOf(resource: StackResource): string {
    const own = resource.props<{ region?: Maybe<string> }>().region;
    if (isKnown(own) && own !== "") return own;
    return resource.providerRegion ?? "default";
}

/** Databases that keep their own automated backups (replicas and restores from snapshots are covered by their source's). */
function primaryDatabases(stack: StackView): StackResource[] {
    return stack.ofType(RDS.instance, RDS.cluster).filter((db) => {
        const props = db.props<{ replicateSourceDb?: Maybe<string>; replicationSourceIdentifier?: Maybe<string> }>();
        return !isPresent(props.replicateSourceDb) && !isPresent(props.replicationSourceIdentifier);
    });
}

export const backupVaultCustomerManagedKey = resourceRule<BackupVaultInputs>({
    name: "backup-vault-customer-managed-key",
    description: "AWS Backup vaults encrypt recovery points with a customer-managed KMS key.",
    severity: "high",
    category: "encryption",
    hipaa: ["164.312(a)(2)(iv)", "164.308(a)(7)(ii)(A)"],
    soc2: ["CC6.1", "A1.2"],
    remediation: "Set kmsKeyArn of the vault to the platform's customer-managed key of its region (the data key at home, the DR key in the DR region).",
    resourceTypes: [BACKUP.vault],
    *check(vault) {
        if (!presentOrPending(vault.kmsKeyArn)) {
            yield "No kmsKeyArn is set, so recovery points are encrypted with the AWS-managed aws/backup key, whose policy the platform does not control.";
        }
    },
});

export const backupVaultLocked = stackRule<{ minimumRetentionDays: number }>({
    name: "backup-vault-locked",
    description: "Every AWS Backup vault carries a compliance-mode Vault Lock, so no one can delete a recovery point before its retention ends.",
    severity: "high",
    category: "availability",
    hipaa: [...BACKUP_AND_DR, "164.312(c)(1)"],
    soc2: RECOVERY_CRITERIA,
    remediation:
        "Add an aws.backup.VaultLockConfiguration for the vault with changeableForDays (compliance mode) and minRetentionDays of at least the configured minimum.",
    config: {
        minimumRetentionDays: { type: "integer", minimum: 1, maximum: 36500, default: 7, description: "Fewest days the lock keeps each recovery point." },
    },
    resourceTypes: [BACKUP.vault],
    *check(stack, { config }): Iterable<Finding> {
        const locks = stack.ofType(BACKUP.vaultLock);
        for (const vault of stack.ofType(BACKUP.vault)) {
            const own = locks.filter((lock) => refersTo(lock, "backupVaultName", vault, VAULT_IDENTIFIERS));
            if (own.length === 0) {
                yield { resource: vault, message: "The vault has no Vault Lock, so anyone allowed to delete recovery points can destroy every backup in it." };
                continue;
            }
            const lock = own[0].props<VaultLockInputs>();
            if (!present(lock.changeableForDays)) {
                yield { resource: vault, message: "The vault's lock is in governance mode (no changeableForDays), so anyone allowed to remove the lock can still delete recovery points." };
            }
            const days = lock.minRetentionDays;
            if (!isKnown(days) || days < config.minimumRetentionDays) {
                yield { resource: vault, message: `The vault's lock keeps recovery points ${isKnown(days) ? `${days} day(s)` : "no minimum time"}; this environment requires at least ${config.minimumRetentionDays}.` };
            }
        }
    },
});

export const backupPlanCoversDatabase = stackRule({
    name: "backup-plan-covers-database",
    description: "Every database is selected by an AWS Backup plan, so its recovery points outlive the database and can be copied away.",
    severity: "high",
    category: "availability",
    hipaa: BACKUP_AND_DR,
    soc2: RECOVERY_CRITERIA,
    remediation: "Add the database's ARN to the resources of an aws.backup.Selection of the stack's backup plan.",
    anchors: { awsConfig: ["RDS_IN_BACKUP_PLAN", "AURORA_RESOURCES_PROTECTED_BY_BACKUP_PLAN"], cdkNag: ["RDSInBackupPlan"] },
    resourceTypes: [RDS.instance, RDS.cluster],
    *check(stack): Iterable<Finding> {
        const plans = stack.ofType(BACKUP.plan);
        const selections = stack.ofType(BACKUP.selection).filter((selection) => plans.some((plan) => refersTo(selection, "planId", plan, ["id"])));
        for (const db of primaryDatabases(stack)) {
            if (!selections.some((selection) => refersTo(selection, "resources", db, DATABASE_IDENTIFIERS))) {
                yield { resource: db, message: "No AWS Backup selection of a backup plan names this database, so it has no backups beyond its own automated ones." };
            }
        }
    },
});

export const backupPlanCrossRegionCopy = stackRule({
    name: "backup-plan-cross-region-copy",
    description: "Every AWS Backup rule copies each recovery point to a vault in another region.",
    severity: "high",
    category: "availability",
    hipaa: BACKUP_AND_DR,
    soc2: RECOVERY_CRITERIA,
    remediation: "Add a copyActions entry to each rule whose destinationVaultArn is a vault in the stack's DR region.",
    resourceTypes: [BACKUP.plan],
    *check(stack): Iterable<Finding> {
        const vaults = stack.ofType(BACKUP.vault);
        for (const plan of stack.ofType(BACKUP.plan)) {
            const rules = plan.props<BackupPlanInputs>().rules;
            if (isUnknown(rules)) continue;
            const named = plan.propertyDependencies.rules ?? [];
            const referenced = vaults.filter((vault) => named.includes(vault.urn));
            for (const rule of elements(rules).known) {
                const copies = elements(rule.copyActions);
                if (copies.hasUnknown) continue;
                const name = isKnown(rule.ruleName) ? rule.ruleName : "a rule";
                if (copies.known.length === 0) {
                    yield { resource: plan, message: `Backup rule ${name} has no copy action, so its recovery points live only in the region they protect.` };
                    continue;
                }
                const target = vaults.find((vault) => isKnown(rule.targetVaultName) && vault.props<BackupVaultInputs>().name === rule.targetVaultName);
                const home = target ? regionOf(target) : regionOf(plan);
                const elsewhere = copies.known.some((copy) => {
                    const destination = copy.destinationVaultArn;
                    if (!isKnown(destination)) {
                        // Unknown until the vault exists: one of the vaults the rule refers to, other than its target.
                        return referenced.some((vault) => vault !== target && regionOf(vault) !== home);
                    }
                    const vault = vaults.find((candidate) => {
                        const vaultName = candidate.props<BackupVaultInputs>().name;
                        return isKnown(vaultName) && destination.endsWith(`:backup-vault:${vaultName}`);
                    });
                    if (vault) return regionOf(vault) !== home;
                    // A vault of another stack or account, judged by the region in its ARN.
                    const region = ARN_REGION.exec(destination)?.[1];
                    return region !== undefined && (home === "default" || region !== home);
                });
                if (!elsewhere) {
                    yield { resource: plan, message: `Backup rule ${name} copies only to a vault in its own region, which a regional outage takes with it.` };
                }
            }
        }
    },
});

export const rdsBackupsReplicatedToDrRegion = stackRule({
    name: "rds-backups-replicated-to-dr-region",
    description: "Every database instance replicates its automated backups to a DR region, so a point-in-time restore works when its own region is lost.",
    severity: "high",
    category: "availability",
    hipaa: BACKUP_AND_DR,
    soc2: RECOVERY_CRITERIA,
    remediation:
        "Add an aws.rds.InstanceAutomatedBackupsReplication for the instance, created through the DR region's provider with kmsKeyId of the DR key.",
    resourceTypes: [RDS.instance],
    *check(stack): Iterable<Finding> {
        const replications = stack.ofType(RDS.automatedBackupsReplication);
        for (const db of primaryDatabases(stack).filter((candidate) => candidate.type === RDS.instance)) {
            const own = replications.filter((replication) => refersTo(replication, "sourceDbInstanceArn", db, DATABASE_IDENTIFIERS));
            if (own.length === 0) {
                yield { resource: db, message: "The database's automated backups are not replicated to another region, so losing its region loses every restore point." };
            } else if (!own.some((replication) => regionOf(replication) !== regionOf(db))) {
                yield { resource: db, message: "The database's automated backups are replicated within its own region, which a regional outage takes with it." };
            } else if (own.every((replication) => !presentOrPending(replication.props<BackupReplicationInputs>().kmsKeyId))) {
                yield { resource: db, message: "The replicated backups name no kmsKeyId in the DR region, so an encrypted database's backups cannot be replicated." };
            }
        }
    },
});

export const backupPolicies: ClinicalPolicy[] = [
    backupVaultCustomerManagedKey,
    backupVaultLocked,
    backupPlanCoversDatabase,
    backupPlanCrossRegionCopy,
    rdsBackupsReplicatedToDrRegion,
];
