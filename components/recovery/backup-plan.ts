/**
 * AWS Backup for the stack: a vault at home under the data key, a vault in the DR region under the
 * DR key, one plan whose rule backs up the database and the data buckets into the home vault and
 * copies each recovery point to the DR vault (where AWS Backup re-encrypts it with that vault's key:
 * AWS Backup Developer Guide, "Creating backup copies across AWS Regions", checked 2026-12-01), and
 * the role AWS Backup acts as.
 *
 * Vault lock (production): compliance mode. With ChangeableForDays set, the lock can be changed or
 * removed only until the lock date; from then on no user, the root included, can delete a recovery
 * point before its minimum retention, shorten a retention, or remove the lock (AWS Backup Developer
 * Guide, "AWS Backup Vault Lock"; PutBackupVaultLockConfiguration: ChangeableForDays of 3 or more,
 * a 72-hour cooling-off; checked 2026-12-01). Governance mode (no ChangeableForDays) can be removed
 * by anyone allowed backup:DeleteBackupVaultLockConfiguration, so a stolen admin credential could
 * still destroy every backup; for the only copies of patient data, that is the risk the lock exists
 * to remove. The price is that a locked vault can never be deleted early: production only.
 */
import * as aws from "../aws";
import * as pulumi from "@pulumi/pulumi";
import { VAULT_LOCK_MAX_RETENTION_DAYS } from "../../stacks/profiles";
import { assumableBy, grantToRole } from "../iam";
import { awsManagedPolicyArn } from "../partition";
import { ResourceContext } from "../context";

/**
 * Hour (UTC) of the first backup of the day. AWS Backup starts no database backup in the hour before
 * or during the maintenance window (AWS Backup Developer Guide, "Backup plan options and
 * configuration", checked 2026-12-01); the database's backup window is 03:00-04:00 and its
 * maintenance window Sunday 04:30-05:30 (components/database.ts), so 06:00 with an hour to start is
 * clear of both.
 */
export const BACKUP_START_HOUR_UTC = 6;
/** Days a vault lock stays changeable after it is set: a week to see the first jobs succeed before it becomes permanent. */
export const VAULT_LOCK_GRACE_DAYS = 7;

/** The rule's schedule: every `intervalHours` hours, from BACKUP_START_HOUR_UTC, the same hours every day. */
export function backupSchedule(intervalHours: number): string {
    if (!Number.isInteger(intervalHours) || intervalHours < 1 || intervalHours > 24 || 24 % intervalHours !== 0) {
        throw new Error(`backup interval must be a whole number of hours dividing 24, got ${intervalHours}`);
    }
    const hours = Array.from({ length: 24 / intervalHours }, (_, i) => (BACKUP_START_HOUR_UTC + i * intervalHours) % 24).sort((a, b) => a - b);
    return `cron(0 ${hours.join(",")} * * ? *)`;
}

export interface BackupPlanArgs {
    /** Names the vaults and the plan, e.g. clinical-platform-production. */
    namePrefix: string;
    /** Key of the home vault: the data key. */
    homeKeyArn: pulumi.Input<string>;
    /** Key of the DR vault. */
    drKeyArn: pulumi.Input<string>;
    drProvider: aws.Provider;
    /** ARNs of what the plan backs up: the database and the data buckets (versioned, as S3 backups need). */
    resources: pulumi.Input<string>[];
    /** Hours between recovery points, 24 or a divisor of it. */
    intervalHours: number;
    /** Days each recovery point and its DR copy are kept. */
    retentionDays: number;
    /** Lock both vaults in compliance mode. */
    vaultLock: boolean;
    /** The stack's shared inputs: tags and protection (components/context.ts). */
    context: ResourceContext;
}

/** What each vault's access policy denies everyone. */
export const MANUAL_DELETION_ACTIONS = ["backup:DeleteRecoveryPoint", "backup:UpdateRecoveryPointLifecycle", "backup:PutBackupVaultAccessPolicy"];

/** The AWS-managed policies of the role, as the AWS Managed Policy Reference names them (checked 2026-12-01). */
export const BACKUP_ROLE_MANAGED_POLICIES = [
    "service-role/AWSBackupServiceRolePolicyForBackup",
    "service-role/AWSBackupServiceRolePolicyForRestores",
    "AWSBackupServiceRolePolicyForS3Backup",
    "AWSBackupServiceRolePolicyForS3Restore",
] as const;

export class BackupPlan extends pulumi.ComponentResource {
    readonly vaultNames: { home: pulumi.Output<string>; dr: pulumi.Output<string> };

    constructor(name: string, args: BackupPlanArgs, opts?: pulumi.ComponentResourceOptions) {
        super("clinical-platform:recovery:BackupPlan", name, {}, opts);
        const parent = { parent: this };
        if (args.vaultLock && args.retentionDays > VAULT_LOCK_MAX_RETENTION_DAYS) {
            throw new Error(`backup retention of ${args.retentionDays} days exceeds the locked vaults' maximum of ${VAULT_LOCK_MAX_RETENTION_DAYS}`);
        }

        const vault = (vaultName: string, keyArn: pulumi.Input<string>, provider?: aws.Provider) => {
            const where = { parent: this, provider };
            const created = new aws.backup.Vault(vaultName, {
                name: vaultName === name ? args.namePrefix : `${args.namePrefix}-dr`,
                kmsKeyArn: keyArn,
                forceDestroy: false,
            }, { ...where, protect: args.context.protect, retainOnDelete: args.context.protect });
            // No one deletes a recovery point, shortens its lifecycle or swaps this policy by hand; AWS
            // Backup's own lifecycle expiry is not an API call of a principal and still runs (AWS Backup
            // Developer Guide, "Vault access policies"; Config rule backup-recovery-point-manual-deletion-disabled
            // wants Principal and Resource "*"; checked 2026-12-01). Since the policy denies its own
            // replacement, a change deletes it first and creates the new one.
            new aws.backup.VaultPolicy(vaultName, {
                backupVaultName: created.name,
                policy: JSON.stringify({
                    Version: "2012-10-17",
                    Statement: [{
                        Sid: "DenyManualDeletionOfRecoveryPoints",
                        Effect: "Deny",
                        Principal: { AWS: "*" },
                        Action: MANUAL_DELETION_ACTIONS,
                        Resource: "*",
                    }],
                }),
            }, { ...where, replaceOnChanges: ["policy"], deleteBeforeReplace: true });
            if (args.vaultLock) {
                // Jobs whose retention falls outside [min, max] fail, so min is the plan's own retention.
                new aws.backup.VaultLockConfiguration(vaultName, {
                    backupVaultName: created.name,
                    minRetentionDays: args.retentionDays,
                    maxRetentionDays: VAULT_LOCK_MAX_RETENTION_DAYS,
                    changeableForDays: VAULT_LOCK_GRACE_DAYS,
                }, where);
            }
            return created;
        };
        const home = vault(name, args.homeKeyArn);
        const dr = vault(`${name}-dr`, args.drKeyArn, args.drProvider);

        const lifecycle = { deleteAfter: args.retentionDays };
        const plan = new aws.backup.Plan(name, {
            name: args.namePrefix,
            rules: [{
                ruleName: args.intervalHours === 24 ? "daily" : `every-${args.intervalHours}-hours`,
                targetVaultName: home.name,
                schedule: backupSchedule(args.intervalHours),
                scheduleExpressionTimezone: "Etc/UTC",
                startWindow: 60,
                completionWindow: 24 * 60,
                lifecycle,
                copyActions: [{ destinationVaultArn: dr.arn, lifecycle }],
                recoveryPointTags: args.context.tags,
            }],
        }, parent);

        const role = new aws.iam.Role(`${name}-service`, {
            assumeRolePolicy: assumableBy("backup.amazonaws.com"),
            description: "AWS Backup backs up, copies and restores the stack's data as this role",
        }, parent);
        const attachments = BACKUP_ROLE_MANAGED_POLICIES.map((policy) => new aws.iam.RolePolicyAttachment(`${name}-${policy.split("/").pop()}`, {
            role: role.name,
            policyArn: awsManagedPolicyArn(policy, parent),
        }, parent));
        // The vaults' keys are customer-managed: the role encrypts recovery points and their copies
        // with them, and lets the services it calls do so through grants for AWS resources only.
        const keys = [args.homeKeyArn, args.drKeyArn];
        const grant = grantToRole(this, `${name}-keys`, role, [
            {
                Sid: "UseVaultKeys",
                Effect: "Allow",
                Action: ["kms:Encrypt", "kms:Decrypt", "kms:ReEncryptFrom", "kms:ReEncryptTo", "kms:GenerateDataKey", "kms:DescribeKey"],
                Resource: keys,
            },
            {
                Sid: "GrantVaultKeysToAwsServices",
                Effect: "Allow",
                Action: ["kms:CreateGrant", "kms:RetireGrant"],
                Resource: keys,
                Condition: { Bool: { "kms:GrantIsForAWSResource": "true" } },
            },
        ]);

        new aws.backup.Selection(name, {
            name: `${args.namePrefix}-data`,
            planId: plan.id,
            iamRoleArn: role.arn,
            resources: args.resources,
            // AWS Backup checks the role when the first job runs; it is ready before the selection exists.
        }, { parent: this, dependsOn: [...attachments, grant] });

        this.vaultNames = { home: home.name, dr: dr.name };
        this.registerOutputs({ vaultNames: this.vaultNames });
    }
}
