/**
 * Disaster recovery in a second region: the database's automated backups replicated there, the
 * backups bucket replicated there with its encryption kept, and AWS Backup (a vault under a
 * customer-managed key, locked in production, a plan with a copy of every recovery point there).
 * Everything in the DR region goes through one provider of its own, with the same account guard as
 * the stack's default provider; the stack-tags transformation (components/stack-tags) tags its
 * resources as everywhere else (no provider sets default tags).
 */
import * as aws from "../aws";
import * as pulumi from "@pulumi/pulumi";
import { POSTGRES_PARAMETERS } from "../database";
import { KEY_SETTINGS, accountAdministers } from "../keys";
import { policyDocument } from "../iam";
import { BackupPlan } from "./backup-plan";
import { BucketReplication } from "./bucket-replication";
import { PlatformContext } from "../context";

export { BACKUP_START_HOUR_UTC, VAULT_LOCK_GRACE_DAYS, backupSchedule } from "./backup-plan";

export interface RecoveryArgs {
    /** Prefix of named resources, e.g. clinical-platform-production. */
    namePrefix: string;
    /** The stack's account; the DR provider refuses credentials for any other, as the default one does. */
    accountId: string;
    /** The stack's own region. */
    homeRegion: string;
    /** Where the copies go; another region than homeRegion. */
    drRegion: string;
    /** The database whose automated backups are replicated and which the backup plan selects. */
    database: {
        arn: pulumi.Input<string>;
        /** PostgreSQL version, for the family of the DR region's restore parameter group. */
        engineVersion: string;
        /** Days the replicated automated backups are kept in the DR region (as at home). */
        backupRetentionDays: number;
    };
    /** The data buckets: the backups bucket replicates to the DR region; both are in the backup plan. */
    buckets: {
        backups: { bucketName: pulumi.Input<string>; arn: pulumi.Input<string>; resource: pulumi.Resource };
        assets: { arn: pulumi.Input<string> };
    };
    /** The key of the backups bucket (and of the home vault): the data key. */
    dataKeyArn: pulumi.Input<string>;
    /** AWS Backup schedule, retention and vault lock from the profile. */
    backup: { intervalHours: number; retentionDays: number; vaultLock: boolean };
    /**
     * The stack's shared inputs (components/context.ts);
     * its protection covers what holds data in the DR region (the DR key, buckets, vaults).
     */
    context: PlatformContext;
}

export class Recovery extends pulumi.ComponentResource {
    /** The DR region's customer-managed key: replicated backups, replicated objects, the DR vault. */
    readonly drKeyArn: pulumi.Output<string>;
    /** The bucket the backups bucket replicates to. */
    readonly drBucketName: pulumi.Output<string>;
    /** Names of the home and DR vaults. */
    readonly vaultNames: { home: pulumi.Output<string>; dr: pulumi.Output<string> };
    /** The parameter group a restore in the DR region uses: the database's parameters. */
    readonly drParameterGroupName: pulumi.Output<string>;

    constructor(name: string, args: RecoveryArgs, opts?: pulumi.ComponentResourceOptions) {
        super("clinical-platform:recovery:Recovery", name, {}, opts);
        if (args.drRegion === args.homeRegion) {
            throw new Error(`recovery: the DR region must differ from the stack's region ${args.homeRegion}`);
        }
        const dr = new aws.Provider(`${name}-${args.drRegion}`, { region: args.drRegion, allowedAccountIds: [args.accountId] }, { parent: this });
        const inDr = { parent: this, provider: dr };
        const stateful = { ...inDr, protect: args.context.protect, retainOnDelete: args.context.protect };
        const partition = aws.getPartitionOutput({}, { parent: this }).partition;

        // One key for everything copied to the DR region. It all is the same data (the database and
        // its exports, already under the one data key at home), read by the same few principals
        // (RDS, S3 replication, AWS Backup and the people restoring), so a key per copy would add
        // keys to rotate and policies to keep in step without separating any reader from any data.
        const key = new aws.kms.Key(`${name}-dr`, {
            ...KEY_SETTINGS,
            description: `${args.namePrefix} disaster-recovery copies in ${args.drRegion}`,
            policy: policyDocument([accountAdministers(pulumi.interpolate`arn:${partition}:iam::${args.accountId}:root`)]),
            tags: { Purpose: "disaster-recovery" },
        }, stateful);
        new aws.kms.Alias(`${name}-dr`, { name: `alias/${args.namePrefix}-dr`, targetKeyId: key.keyId }, inDr);

        // RDS copies every snapshot and transaction log to the DR region as they are ready, so a
        // point-in-time restore works there (Amazon RDS User Guide, "Replicating automated backups to
        // another AWS Region" and "Supported Regions and DB engines for cross-Region automated backups":
        // all available RDS for PostgreSQL versions, Multi-AZ DB instances included; checked 2026-12-01).
        // The call is made in the destination region, hence the DR provider.
        new aws.rds.InstanceAutomatedBackupsReplication(`${name}-database`, {
            sourceDbInstanceArn: args.database.arn,
            kmsKeyId: key.arn,
            retentionPeriod: args.database.backupRetentionDays,
        }, inDr);
        // A restore in the DR region finds the database's parameters (TLS only, auditing) waiting.
        const parameters = new aws.rds.ParameterGroup(`${name}-restore`, {
            name: `${args.namePrefix}-restore`,
            family: `postgres${args.database.engineVersion.split(".")[0]}`,
            description: "Parameters of the clinical database, for restores in the DR region",
            parameters: [...POSTGRES_PARAMETERS],
        }, inDr);

        const replication = new BucketReplication(`${name}-backups`, {
            source: args.buckets.backups,
            sourceKeyArn: args.dataKeyArn,
            homeRegion: args.homeRegion,
            drRegion: args.drRegion,
            drKeyArn: key.arn,
            accountId: args.accountId,
            drProvider: dr,
            context: args.context,
        }, { parent: this });

        const plan = new BackupPlan(`${name}-backup`, {
            namePrefix: args.namePrefix,
            homeKeyArn: args.dataKeyArn,
            drKeyArn: key.arn,
            drProvider: dr,
            resources: [args.database.arn, args.buckets.assets.arn, args.buckets.backups.arn],
            ...args.backup,
            context: args.context,
        }, { parent: this });

        this.drKeyArn = key.arn;
        this.drBucketName = replication.drBucketName;
        this.vaultNames = plan.vaultNames;
        this.drParameterGroupName = parameters.name;
        this.registerOutputs({ drKeyArn: this.drKeyArn, drBucketName: this.drBucketName, vaultNames: this.vaultNames, drParameterGroupName: this.drParameterGroupName });
    }
}
