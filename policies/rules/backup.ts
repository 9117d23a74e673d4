import { type ClinicalPolicy, type Finding, resourceRule, stackRule } from "../lib/policy";
import { type StackResource, type StackView, refersTo } from "../lib/stack";
import { hasPublicPrincipal, statementsOf } from "../lib/documents";
import { BACKUP, COVERAGE, RDS } from "../lib/types";
import { type Maybe, elements, isKnown, isPresent, isUnknown, knownStrings, present, presentOrPending } from "../lib/values";

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
            schedule?: Maybe<string>;
            lifecycle?: Maybe<{ deleteAfter?: Maybe<number> }>;
            copyActions?: Maybe<Maybe<{ destinationVaultArn?: Maybe<string> }>[]>;
        }>[]
    >;
    region?: Maybe<string>;
}

type TagMatch = Maybe<Maybe<{ key?: Maybe<string>; value?: Maybe<string> }>[]>;

/** Inputs of `aws.backup.Selection` the rules read. */
export interface BackupSelectionInputs {
    planId?: Maybe<string>;
    resources?: Maybe<Maybe<string>[]>;
    notResources?: Maybe<Maybe<string>[]>;
    selectionTags?: Maybe<Maybe<{ type?: Maybe<string>; key?: Maybe<string>; value?: Maybe<string> }>[]>;
    conditions?: Maybe<Maybe<{ stringEquals?: TagMatch; stringLikes?: TagMatch; stringNotEquals?: TagMatch; stringNotLikes?: TagMatch }>[]>;
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

/** The ARN a resource of each type will have, with its variable parts as placeholders, for wildcard selections. */
const ARN_SHAPES: Record<string, string> = {
    [RDS.instance]: "arn:aws:rds:region:account:db:name",
    [RDS.cluster]: "arn:aws:rds:region:account:cluster:name",
    [COVERAGE.dynamodbTable]: "arn:aws:dynamodb:region:account:table/name",
    [COVERAGE.ebsVolume]: "arn:aws:ec2:region:account:volume/name",
    [COVERAGE.ec2Instance]: "arn:aws:ec2:region:account:instance/name",
    [COVERAGE.efsFileSystem]: "arn:aws:elasticfilesystem:region:account:file-system/name",
};

/** An AWS Backup resource pattern ("*", or an ARN with * wildcards) as a regular expression. */
function wildcard(pattern: string): RegExp {
    return new RegExp(`^${pattern.replace(/[.+?^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*")}$`);
}

function tagsOf(resource: StackResource): Record<string, Maybe<string>> {
    const tags = resource.props<{ tags?: Maybe<Record<string, Maybe<string>>> }>().tags;
    return isKnown(tags) ? tags : {};
}

/** Whether a condition list (key aws:ResourceTag/<tag>) holds for the tags; an unknown entry does not hold. */
function conditionsHold(tags: Record<string, Maybe<string>>, list: TagMatch, like: boolean, negated: boolean): boolean {
    return elements(list).known.every((entry) => {
        if (!isKnown(entry.key) || !isKnown(entry.value)) return false;
        const tag = tags[entry.key.replace(/^aws:ResourceTag\//, "")];
        const matches = isKnown(tag) && (like ? wildcard(entry.value).test(tag) : tag === entry.value);
        return negated ? !matches : matches;
    });
}

/**
 * Whether a selection picks the resource: by ARN (a reference to it, or a wildcard pattern its ARN
 * fits) or by one of its tags, narrowed by every condition and not excluded by notResources (AWS Backup
 * Developer Guide, "Assigning resources to a backup plan": tags and resources are OR'd, conditions
 * AND'd; checked 2026-12-01).
 */
function selects(selection: StackResource, resource: StackResource): boolean {
    const inputs = selection.props<BackupSelectionInputs>();
    if (refersTo(selection, "notResources", resource, ["arn"])) return false;
    const shape = ARN_SHAPES[resource.type];
    const patterns = knownStrings(inputs.resources).filter((pattern) => pattern.includes("*"));
    const byArn = refersTo(selection, "resources", resource, ["arn"]) || (shape !== undefined && patterns.some((pattern) => wildcard(pattern).test(shape)));
    const tags = tagsOf(resource);
    const byTag = elements(inputs.selectionTags).known.some(
        (tag) => (tag.type ?? "STRINGEQUALS") === "STRINGEQUALS" && isKnown(tag.key) && isKnown(tag.value) && tags[tag.key] === tag.value,
    );
    const conditions = elements(inputs.conditions).known;
    const onlyConditions = !present(inputs.resources) && !present(inputs.selectionTags) && conditions.length > 0;
    if (!byArn && !byTag && !onlyConditions) return false;
    return conditions.every(
        (c) => conditionsHold(tags, c.stringEquals, false, false) && conditionsHold(tags, c.stringLikes, true, false)
            && conditionsHold(tags, c.stringNotEquals, false, true) && conditionsHold(tags, c.stringNotLikes, true, true),
    );
}

/** The selections of the stack's backup plans. How often and how long each plan keeps is `backup-plan-min-frequency-retention`'s to judge. */
function planSelections(stack: StackView): StackResource[] {
    const plans = stack.ofType(BACKUP.plan);
    return stack.ofType(BACKUP.selection).filter((selection) => plans.some((plan) => refersTo(selection, "planId", plan, ["id"])));
}

interface CoverageSpec {
    name: string;
    what: string;
    types: string[];
    awsConfig: string[];
    cdkNag: string[];
    candidates?(stack: StackView): StackResource[];
    /** Another way the resource is backed up, such as EFS automatic backups. */
    alsoCovered?(stack: StackView, resource: StackResource): boolean;
}

function coverageRule(spec: CoverageSpec) {
    return stackRule({
        name: spec.name,
        description: `Every ${spec.what} is selected by an AWS Backup plan of the stack, so its recovery points outlive it and can be copied away.`,
        severity: "high",
        category: "availability",
        hipaa: BACKUP_AND_DR,
        soc2: RECOVERY_CRITERIA,
        remediation: `Add the ${spec.what}'s ARN (or a tag it carries) to an aws.backup.Selection of the stack's backup plan.`,
        anchors: { awsConfig: spec.awsConfig, cdkNag: spec.cdkNag },
        resourceTypes: spec.types,
        *check(stack): Iterable<Finding> {
            const selections = planSelections(stack);
            for (const resource of spec.candidates?.(stack) ?? stack.ofType(...spec.types)) {
                if (selections.some((selection) => selects(selection, resource)) || spec.alsoCovered?.(stack, resource)) continue;
                yield { resource, message: `No AWS Backup selection of a backup plan in the stack picks this ${spec.what} (by ARN or tag), so it has no managed, copyable backups.` };
            }
        },
    });
}

export const backupPlanCoversDatabase = coverageRule({
    name: "backup-plan-covers-database",
    what: "database instance and Aurora cluster",
    types: [RDS.instance, RDS.cluster],
    awsConfig: ["RDS_IN_BACKUP_PLAN", "AURORA_RESOURCES_PROTECTED_BY_BACKUP_PLAN"],
    cdkNag: ["RDSInBackupPlan"],
    candidates: primaryDatabases,
});

export const backupPlanCoversDynamodb = coverageRule({
    name: "backup-plan-covers-dynamodb",
    what: "DynamoDB table",
    types: [COVERAGE.dynamodbTable],
    awsConfig: ["DYNAMODB_IN_BACKUP_PLAN"],
    cdkNag: ["DynamoDBInBackupPlan"],
});

export const backupPlanCoversEbsVolume = coverageRule({
    name: "backup-plan-covers-ebs-volume",
    what: "EBS volume",
    types: [COVERAGE.ebsVolume],
    awsConfig: ["EBS_IN_BACKUP_PLAN"],
    cdkNag: ["EC2EBSInBackupPlan"],
});

export const backupPlanCoversEc2Instance = coverageRule({
    name: "backup-plan-covers-ec2-instance",
    what: "EC2 instance",
    types: [COVERAGE.ec2Instance],
    awsConfig: ["EC2_RESOURCES_PROTECTED_BY_BACKUP_PLAN"],
    cdkNag: [],
});

/** An EFS backup policy of ENABLED puts the file system in AWS Backup's default plan (daily, 35 days; Amazon EFS User Guide, "Automatic backups", checked 2026-12-01). */
function efsAutomaticBackups(stack: StackView, fileSystem: StackResource): boolean {
    return stack.ofType(COVERAGE.efsBackupPolicy).some((policy) => {
        const setting = policy.props<{ backupPolicy?: Maybe<{ status?: Maybe<string> }> }>().backupPolicy;
        return refersTo(policy, "fileSystemId", fileSystem, ["id"]) && isKnown(setting) && setting.status === "ENABLED";
    });
}

export const backupPlanCoversEfs = coverageRule({
    name: "backup-plan-covers-efs",
    what: "EFS file system",
    types: [COVERAGE.efsFileSystem],
    awsConfig: ["EFS_IN_BACKUP_PLAN"],
    cdkNag: ["EFSInBackupPlan"],
    alsoCovered: efsAutomaticBackups,
});

/**
 * Whether an AWS Backup cron expression (minutes hours day-of-month month day-of-week year) runs at
 * least once every day: every day of the month, every month, every day of the week.
 */
function atLeastDaily(schedule: string): boolean {
    const cron = /^cron\((.+)\)$/.exec(schedule.trim());
    if (cron === null) return false;
    const fields = cron[1].trim().split(/\s+/);
    if (fields.length !== 6) return false;
    const [, , dayOfMonth, month, dayOfWeek] = fields;
    const every = (field: string) => field === "*" || field === "?";
    return every(dayOfMonth) && every(month) && (every(dayOfWeek) || /^(1-7|SUN-SAT)$/i.test(dayOfWeek));
}

export const backupPlanMinFrequencyRetention = resourceRule<BackupPlanInputs, { minimumRetentionDays: number }>({
    name: "backup-plan-min-frequency-retention",
    description: "Every AWS Backup plan rule runs at least daily and keeps recovery points at least the configured minimum.",
    severity: "high",
    category: "availability",
    hipaa: BACKUP_AND_DR,
    soc2: RECOVERY_CRITERIA,
    remediation: "Give each rule a daily (or more frequent) cron schedule and lifecycle.deleteAfter of at least the configured minimum (35 days by default).",
    anchors: { awsConfig: ["BACKUP_PLAN_MIN_FREQUENCY_AND_MIN_RETENTION_CHECK"] },
    config: {
        // The conformance pack's parameters: requiredFrequencyValue 1 day, requiredRetentionDays 35.
        minimumRetentionDays: { type: "integer", minimum: 1, maximum: 36500, default: 35, description: "Fewest days each recovery point is kept." },
    },
    resourceTypes: [BACKUP.plan],
    *check(plan, { config }) {
        const rules = elements(plan.rules);
        if (rules.hasUnknown) {
            yield "The plan's rules are unknown in preview, so their schedule and retention cannot be shown.";
            return;
        }
        if (rules.known.length === 0) {
            yield "The plan has no rules, so it backs up nothing.";
        }
        for (const rule of rules.known) {
            const name = isKnown(rule.ruleName) ? rule.ruleName : "a rule";
            if (!present(rule.schedule) || !atLeastDaily(rule.schedule)) {
                yield `Backup rule ${name} does not run at least daily (schedule ${isKnown(rule.schedule) ? rule.schedule : "not set"}), so up to more than a day of changes can be lost.`;
            }
            // Without a lifecycle, recovery points are kept until deleted, which meets any minimum.
            const days = isKnown(rule.lifecycle) ? rule.lifecycle.deleteAfter : rule.lifecycle;
            if (isUnknown(days) || (isKnown(days) && days < config.minimumRetentionDays)) {
                yield `Backup rule ${name} keeps recovery points ${isKnown(days) ? `${days} day(s)` : "an unknown time"}; at least ${config.minimumRetentionDays} are required.`;
            }
        }
    },
});

/** The actions a vault's access policy must deny everyone (the Config rule's list; AWS Backup access policies allow no wildcards in Action). */
const MANUAL_DELETION_ACTIONS = ["backup:DeleteRecoveryPoint", "backup:UpdateRecoveryPointLifecycle", "backup:PutBackupVaultAccessPolicy"];

export const backupVaultDeniesManualDeletion = stackRule({
    name: "backup-vault-denies-manual-deletion",
    description: "Every AWS Backup vault has an access policy that denies everyone deleting recovery points, shortening their lifecycle and replacing the policy.",
    severity: "high",
    category: "availability",
    hipaa: [...BACKUP_AND_DR, "164.312(c)(1)"],
    soc2: RECOVERY_CRITERIA,
    remediation:
        'Add an aws.backup.VaultPolicy for the vault with a Deny statement, Principal "*", Resource "*", of backup:DeleteRecoveryPoint, backup:UpdateRecoveryPointLifecycle and backup:PutBackupVaultAccessPolicy.',
    anchors: { awsConfig: ["BACKUP_RECOVERY_POINT_MANUAL_DELETION_DISABLED"] },
    resourceTypes: [BACKUP.vault],
    *check(stack): Iterable<Finding> {
        const policies = stack.ofType(COVERAGE.backupVaultPolicy);
        for (const vault of stack.ofType(BACKUP.vault)) {
            const own = policies.filter((policy) => refersTo(policy, "backupVaultName", vault, VAULT_IDENTIFIERS));
            if (own.length === 0) {
                yield { resource: vault, message: "The vault has no access policy, so anyone with backup:DeleteRecoveryPoint can delete its recovery points by hand." };
                continue;
            }
            const statements = own.map((policy) => statementsOf(policy.props<{ policy?: unknown }>().policy));
            if (statements.some(isUnknown)) {
                yield { resource: vault, message: "The vault's access policy is unknown in preview, so it cannot be shown to deny manual deletion." };
                continue;
            }
            const denies = statements.flatMap((list) => (Array.isArray(list) ? list : [])).some((statement) =>
                statement.effect === "Deny" && statement.condition === undefined && hasPublicPrincipal(statement) && statement.resources.includes("*")
                && MANUAL_DELETION_ACTIONS.every((action) => statement.actions.includes(action)));
            if (!denies) {
                yield { resource: vault, message: `The vault's access policy has no unconditional Deny to Principal "*" on Resource "*" of ${MANUAL_DELETION_ACTIONS.join(", ")}.` };
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
    backupVaultDeniesManualDeletion,
    backupPlanMinFrequencyRetention,
    backupPlanCoversDatabase,
    backupPlanCoversDynamodb,
    backupPlanCoversEbsVolume,
    backupPlanCoversEc2Instance,
    backupPlanCoversEfs,
    backupPlanCrossRegionCopy,
    rdsBackupsReplicatedToDrRegion,
];
