/**
 * Cases of the controls the anchors covered only partly or not at all, on services the pack already
 * had rules for: IAM, RDS, AWS Backup coverage and S3 object handling.
 */
import { BACKUP, CLOUDTRAIL, COVERAGE, IAM, RDS, S3 } from "../../../policies/lib/types";
import * as backup from "../../../policies/rules/backup";
import * as iam from "../../../policies/rules/iam";
import * as rds from "../../../policies/rules/rds";
import * as records from "../../../policies/rules/s3-records";
import { describeResourcePolicy, describeStackPolicy } from "../harness/cases";
import { type TestResource, UNKNOWN_VALUE as UNKNOWN, resource } from "../harness/server";

const document = (...statements: Record<string, unknown>[]) => JSON.stringify({ Version: "2012-10-17", Statement: statements });
const allow = (Action: unknown, Resource: unknown) => ({ Effect: "Allow", Action, Resource });
const policy = (...statements: Record<string, unknown>[]) => resource(IAM.policy, "app-policy", { policy: document(...statements) });
const secretsKey = "arn:aws:kms:us-east-1:111122223333:key/3f2b6c1e-0000-4000-8000-000000000001";

describe("IAM policies (full access, admin on wildcard ARNs, KMS decrypt, group members)", () => {
    describeResourcePolicy(iam.iamNoAdminStatements, {
        accepts: { "every action of a service on one bucket": policy(allow("s3:GetObject", "arn:aws:s3:::clinical-assets/index.html")) },
        rejects: {
            'Action "*" on a wildcard ARN (every bucket)': [policy(allow("*", "arn:aws:s3:::*")), /wildcard ARN/],
            'Action "*:*" on every object of a bucket': [policy(allow("*:*", "arn:aws:s3:::clinical-assets/*")), /full administrator access/],
        },
    });

    describeResourcePolicy(iam.iamNoServiceWildcardActions, {
        accepts: { "named actions on one table": policy(allow(["dynamodb:GetItem", "dynamodb:Query"], "arn:aws:dynamodb:us-east-1:111122223333:table/sessions")) },
        rejects: {
            'Action "*" on one specific resource': [policy(allow("*", "arn:aws:s3:::clinical-assets")), /every action of a service: \*/],
            'an inline role policy with Action "*" on a queue': [
                resource(IAM.rolePolicy, "rp", { role: UNKNOWN, policy: document(allow(["*"], "arn:aws:sqs:us-east-1:111122223333:jobs")) }),
                /every action of a service: \*/,
            ],
        },
    });

    const kmsRejection = (subject: TestResource, message: RegExp) => ({ resources: [subject], offenders: [subject.name], message });
    describeStackPolicy(iam.iamNoKmsDecryptOnAllKeys, {
        accepts: {
            "a permissions boundary a deploy policy requires of the roles it creates": (() => {
                const boundary = resource(IAM.policy, "boundary", { policy: document(allow(["kms:Decrypt", "kms:ReEncrypt*"], "*")) });
                const deploy = resource(IAM.policy, "deploy", {
                    policy: document({ ...allow("iam:CreateRole", "arn:aws:iam::111122223333:role/clinical-*"), Condition: { StringEquals: { "iam:PermissionsBoundary": UNKNOWN } } }),
                }, { policy: boundary });
                return [boundary, deploy];
            })(),
            "kms:Decrypt on the secrets key only": [policy(allow("kms:Decrypt", secretsKey))],
            "kms:Decrypt on every key of the account that carries the stack's tag": [
                policy({ ...allow("kms:Decrypt", "arn:aws:kms:*:111122223333:key/*"), Condition: { StringEquals: { "aws:ResourceTag/Environment": "production" } } }),
            ],
            "kms:Decrypt on every key, only through Secrets Manager": [
                policy({ ...allow("kms:Decrypt", "*"), Condition: { StringEquals: { "kms:ViaService": "secretsmanager.us-east-1.amazonaws.com" } } }),
            ],
            "kms:Encrypt and GenerateDataKey on every key, which do not reveal data": [policy(allow(["kms:Encrypt", "kms:GenerateDataKey"], "*"))],
            "a Deny of kms:Decrypt on every key": [policy({ Effect: "Deny", Action: "kms:Decrypt", Resource: "*" })],
        },
        notApplicable: {
            "a KMS key policy, where Resource \"*\" means the key itself": [
                resource("aws:kms/key:Key", "key", { policy: document({ ...allow("kms:*", "*"), Principal: { AWS: "arn:aws:iam::111122223333:root" } }) }),
            ],
        },
        rejects: {
            'kms:Decrypt on Resource "*" in a managed policy': kmsRejection(policy(allow("kms:Decrypt", "*")), /kms:Decrypt on every KMS key/),
            "kms:ReEncrypt* on every key in a region (inline)": kmsRejection(
                resource(IAM.rolePolicy, "rp", { role: UNKNOWN, policy: document(allow("kms:ReEncrypt*", "arn:aws:kms:us-east-1:111122223333:key/*")) }),
                /kms:ReEncryptFrom, kms:ReEncryptTo on every KMS key/,
            ),
            'kms:* on Resource "*"': kmsRejection(policy(allow("kms:*", "*")), /kms:Decrypt, kms:ReEncryptFrom, kms:ReEncryptTo/),
            'kms:De* (case-insensitive) on Resource "*"': kmsRejection(policy(allow("KMS:de*", "*")), /kms:Decrypt on every KMS key/),
            'Action "*" on Resource "*", narrowed by the caller\'s account only': kmsRejection(
                policy({ ...allow("*", "*"), Condition: { StringEquals: { "kms:CallerAccount": "111122223333" } } }),
                /kms:Decrypt/,
            ),
            "a role's inline policy decrypting with every key": kmsRejection(
                resource(IAM.role, "api-role", { assumeRolePolicy: UNKNOWN, inlinePolicies: [{ name: "decrypt", policy: document(allow(["kms:Decrypt"], ["*"])) }] }),
                /kms:Decrypt on every KMS key/,
            ),
            "a managed policy decrypting with every key, attached to a role that also uses another policy as its boundary": {
                resources: (() => {
                    const grant = policy(allow("kms:Decrypt", "*"));
                    const boundary = resource(IAM.policy, "boundary", { policy: document(allow("kms:Decrypt", "*")) });
                    return [grant, boundary, resource(IAM.role, "deploy", { assumeRolePolicy: UNKNOWN, permissionsBoundary: UNKNOWN }, { permissionsBoundary: boundary })];
                })(),
                offenders: ["app-policy"],
                message: /kms:Decrypt on every KMS key/,
            },
        },
    });

    const group = resource(COVERAGE.iamGroup, "auditors", { name: "auditors" });
    const user = resource(IAM.user, "alice", { name: "alice" });
    describeStackPolicy(iam.iamGroupHasUsers, {
        accepts: {
            "a group with a GroupMembership": [group, user, resource(IAM.groupMembership, "members", { group: UNKNOWN, users: [UNKNOWN] }, { group, users: user })],
            "a group a UserGroupMembership names by literal name": [group, user, resource(IAM.userGroupMembership, "alice-groups", { user: "alice", groups: ["auditors"] })],
        },
        rejects: {
            "a group nobody belongs to": { resources: [group, user], offenders: ["auditors"], message: /no members/ },
            "a group whose GroupMembership lists no users": {
                resources: [group, resource(IAM.groupMembership, "members", { group: UNKNOWN, users: [] }, { group })],
                offenders: ["auditors"],
                message: /no members/,
            },
        },
    });
});

describe("RDS policies (snapshots, Aurora Multi-AZ)", () => {
    const encrypted = resource(RDS.instance, "database", { engine: "postgres", identifier: "clinical", storageEncrypted: true });
    const plain = resource(RDS.instance, "legacy", { engine: "mysql", identifier: "legacy", storageEncrypted: false });
    const aurora = resource(RDS.cluster, "aurora", { engine: "aurora-postgresql", clusterIdentifier: "clinical-aurora", storageEncrypted: true });
    const snapshotOf = (db: TestResource, name = "release") =>
        resource(RDS.snapshot, name, { dbInstanceIdentifier: UNKNOWN, dbSnapshotIdentifier: `${name}-1` }, { dbInstanceIdentifier: db });
    describeStackPolicy(rds.rdsSnapshotEncrypted, {
        accepts: {
            "a snapshot of an encrypted instance": [encrypted, snapshotOf(encrypted)],
            "a cluster snapshot of an encrypted Aurora cluster, named by literal identifier": [
                aurora,
                resource(COVERAGE.rdsClusterSnapshot, "aurora-snap", { dbClusterIdentifier: "clinical-aurora", dbClusterSnapshotIdentifier: "aurora-snap-1" }),
            ],
            "a copy of another account's snapshot, encrypted with a key": [
                resource(COVERAGE.rdsSnapshotCopy, "copy", { sourceDbSnapshotIdentifier: "arn:aws:rds:us-east-1:444455556666:snapshot:shared-1", targetDbSnapshotIdentifier: "copy-1", kmsKeyId: UNKNOWN }),
            ],
        },
        rejects: {
            "a snapshot of an unencrypted instance": { resources: [plain, snapshotOf(plain)], offenders: ["release"], message: /does not encrypt its storage/ },
            "a snapshot of a database outside the stack": {
                resources: [resource(RDS.snapshot, "foreign", { dbInstanceIdentifier: "other-db", dbSnapshotIdentifier: "foreign-1" })],
                offenders: ["foreign"],
                message: /not declared in this stack/,
            },
            "a copy without a key of a snapshot of an unencrypted instance": {
                resources: [plain, resource(RDS.snapshot, "legacy-snap", { dbInstanceIdentifier: "legacy", dbSnapshotIdentifier: "legacy-snap-1" }),
                    resource(COVERAGE.rdsSnapshotCopy, "copy", { sourceDbSnapshotIdentifier: "legacy-snap-1", targetDbSnapshotIdentifier: "copy-1" })],
                offenders: ["legacy-snap", "copy"],
                message: /does not encrypt its storage/,
            },
        },
    });

    describeResourcePolicy(rds.rdsSnapshotNotShared, {
        accepts: { "a cluster snapshot shared with nobody": resource(COVERAGE.rdsClusterSnapshot, "cs", { dbClusterIdentifier: "c", dbClusterSnapshotIdentifier: "cs-1" }) },
        rejects: {
            "a public cluster snapshot": [
                resource(COVERAGE.rdsClusterSnapshot, "cs", { dbClusterIdentifier: "c", dbClusterSnapshotIdentifier: "cs-1", sharedAccounts: ["all"] }),
                /public/,
            ],
            "a public snapshot copy": [
                resource(COVERAGE.rdsSnapshotCopy, "copy", { sourceDbSnapshotIdentifier: "s", targetDbSnapshotIdentifier: "t", sharedAccounts: ["all"] }),
                /public/,
            ],
        },
    });

    const member = (name: string, inputs: Record<string, unknown> = {}) =>
        resource(RDS.clusterInstance, name, { clusterIdentifier: UNKNOWN, instanceClass: "db.r7g.large", ...inputs }, { clusterIdentifier: aurora });
    describeStackPolicy(rds.rdsClusterMultiAz, {
        accepts: {
            "Aurora Serverless v1, which has no instances": [resource(RDS.cluster, "sls", { engine: "aurora-postgresql", engineMode: "serverless" })],
            "an Aurora cluster with a writer and a reader placed by RDS": [aurora, member("aurora-1"), member("aurora-2")],
            "an Aurora cluster with instances pinned to two zones": [aurora, member("aurora-1", { availabilityZone: "us-east-1a" }), member("aurora-2", { availabilityZone: "us-east-1b" })],
            "a Multi-AZ DB cluster": [resource(RDS.cluster, "maz", { engine: "postgres", dbClusterInstanceClass: "db.m6gd.large", storageEncrypted: true })],
        },
        rejects: {
            "an Aurora cluster with one instance": { resources: [aurora, member("aurora-1")], offenders: ["aurora"], message: /1 instance\(s\)/ },
            "an Aurora cluster with both instances in one zone": {
                resources: [aurora, member("aurora-1", { availabilityZone: "us-east-1a" }), member("aurora-2", { availabilityZone: "us-east-1a" })],
                offenders: ["aurora"],
                message: /pinned to us-east-1a/,
            },
        },
    });
});

describe("AWS Backup coverage, frequency, retention and deletion", () => {
    const plan = resource(BACKUP.plan, "plan", {
        name: "clinical",
        rules: [{ ruleName: "daily", targetVaultName: "clinical", schedule: "cron(0 6 * * ? *)", lifecycle: { deleteAfter: 35 } }],
    });
    const selection = (inputs: Record<string, unknown>, references: Record<string, TestResource | TestResource[]> = {}) =>
        resource(BACKUP.selection, "selection", { planId: UNKNOWN, iamRoleArn: UNKNOWN, ...inputs }, { planId: plan, ...references });
    const table = resource(COVERAGE.dynamodbTable, "sessions", { billingMode: "PAY_PER_REQUEST", tags: { Backup: "daily" } });
    const volume = resource(COVERAGE.ebsVolume, "scratch", { availabilityZone: "us-east-1a", size: 20, encrypted: true, tags: { Backup: "daily" } });
    const instance = resource(COVERAGE.ec2Instance, "bastion", { ami: "ami-0123456789abcdef0", instanceType: "t3.micro", tags: { Backup: "daily" } });
    const fileSystem = resource(COVERAGE.efsFileSystem, "shared", { encrypted: true, tags: { Backup: "daily" } });
    const aurora = resource(RDS.cluster, "aurora", { engine: "aurora-postgresql", tags: { Backup: "daily" } });

    describeStackPolicy(backup.backupPlanCoversDatabase, {
        accepts: {
            "an Aurora cluster a tag selection picks": [plan, aurora, selection({ selectionTags: [{ type: "STRINGEQUALS", key: "Backup", value: "daily" }] })],
            "an Aurora cluster a wildcard ARN picks": [plan, aurora, selection({ resources: ["arn:aws:rds:*:*:cluster:*"] })],
        },
        rejects: {
            "an Aurora cluster only a selection of instances picks": {
                resources: [plan, aurora, selection({ resources: ["arn:aws:rds:*:*:db:*"] })],
                offenders: ["aurora"],
                message: /No AWS Backup selection/,
            },
            "an Aurora cluster a condition leaves out": {
                resources: [plan, aurora, selection({ resources: ["*"], conditions: [{ stringEquals: [{ key: "aws:ResourceTag/Backup", value: "weekly" }] }] })],
                offenders: ["aurora"],
                message: /No AWS Backup selection/,
            },
        },
    });

    describeStackPolicy(backup.backupPlanCoversDynamodb, {
        accepts: { "a table the selection names": [plan, table, selection({ resources: [UNKNOWN] }, { resources: table })] },
        rejects: { "a table no selection picks": { resources: [plan, table], offenders: ["sessions"], message: /DynamoDB table/ } },
    });

    describeStackPolicy(backup.backupPlanCoversEbsVolume, {
        accepts: { "a volume picked by its Backup tag": [plan, volume, selection({ selectionTags: [{ type: "STRINGEQUALS", key: "Backup", value: "daily" }] })] },
        rejects: {
            "a volume excluded by notResources": {
                resources: [plan, volume, selection({ resources: ["*"], notResources: [UNKNOWN] }, { notResources: volume })],
                offenders: ["scratch"],
                message: /EBS volume/,
            },
        },
    });

    describeStackPolicy(backup.backupPlanCoversEc2Instance, {
        accepts: { "an instance picked by every resource with a matching condition": [plan, instance, selection({ resources: ["*"], conditions: [{ stringLikes: [{ key: "aws:ResourceTag/Backup", value: "dai*" }] }] })] },
        rejects: {
            "an instance whose tag does not match": {
                resources: [plan, instance, selection({ selectionTags: [{ type: "STRINGEQUALS", key: "Backup", value: "weekly" }] })],
                offenders: ["bastion"],
                message: /EC2 instance/,
            },
        },
    });

    describeStackPolicy(backup.backupPlanCoversEfs, {
        accepts: {
            "a file system with automatic backups on": [fileSystem, resource(COVERAGE.efsBackupPolicy, "shared-backups", { fileSystemId: UNKNOWN, backupPolicy: { status: "ENABLED" } }, { fileSystemId: fileSystem })],
            "a file system a plan selects": [plan, fileSystem, selection({ resources: [UNKNOWN] }, { resources: fileSystem })],
        },
        rejects: {
            "a file system whose automatic backups are disabled": {
                resources: [fileSystem, resource(COVERAGE.efsBackupPolicy, "shared-backups", { fileSystemId: UNKNOWN, backupPolicy: { status: "DISABLED" } }, { fileSystemId: fileSystem })],
                offenders: ["shared"],
                message: /EFS file system/,
            },
            "a file system named by a selection of no plan in the stack": {
                resources: [fileSystem, resource(BACKUP.selection, "orphan", { planId: "plan-of-another-stack", resources: [UNKNOWN] }, { resources: fileSystem })],
                offenders: ["shared"],
                message: /EFS file system/,
            },
        },
    });

    const planWith = (rule: Record<string, unknown>) => resource(BACKUP.plan, "plan", { name: "clinical", rules: [{ ruleName: "r", targetVaultName: "clinical", ...rule }] });
    describeResourcePolicy(backup.backupPlanMinFrequencyRetention, {
        accepts: {
            "a daily rule keeping 35 days": plan,
            "a rule every 12 hours keeping 35 days": planWith({ schedule: "cron(0 6,18 * * ? *)", lifecycle: { deleteAfter: 35 } }),
            "a daily rule without a lifecycle (kept until deleted)": planWith({ schedule: "cron(0 6 ? * * *)" }),
            "a daily rule keeping 7 days under a 7-day minimum": { subject: planWith({ schedule: "cron(0 6 * * ? *)", lifecycle: { deleteAfter: 7 } }), config: { minimumRetentionDays: 7 } },
        },
        rejects: {
            "a weekly rule": [planWith({ schedule: "cron(0 6 ? * SUN *)", lifecycle: { deleteAfter: 35 } }), /does not run at least daily/],
            "a monthly rule": [planWith({ schedule: "cron(0 6 1 * ? *)", lifecycle: { deleteAfter: 35 } }), /does not run at least daily/],
            "a rule without a schedule": [planWith({ lifecycle: { deleteAfter: 35 } }), /schedule not set/],
            "a rule keeping 14 days": [planWith({ schedule: "cron(0 6 * * ? *)", lifecycle: { deleteAfter: 14 } }), /14 day\(s\); at least 35/],
            "a rule whose retention is unknown in preview": [planWith({ schedule: "cron(0 6 * * ? *)", lifecycle: { deleteAfter: UNKNOWN } }), /an unknown time/],
            "a plan whose rules are unknown in preview": [resource(BACKUP.plan, "plan", { name: "clinical", rules: UNKNOWN }), /unknown in preview/],
        },
    });

    const vault = resource(BACKUP.vault, "vault", { name: "clinical", kmsKeyArn: UNKNOWN });
    const denyAll = { Effect: "Deny", Principal: { AWS: "*" }, Action: ["backup:DeleteRecoveryPoint", "backup:UpdateRecoveryPointLifecycle", "backup:PutBackupVaultAccessPolicy"], Resource: "*" };
    const vaultPolicy = (statement: Record<string, unknown>, target: TestResource = vault) =>
        resource(COVERAGE.backupVaultPolicy, `${target.name}-policy`, { backupVaultName: UNKNOWN, policy: document(statement) }, { backupVaultName: target });
    describeStackPolicy(backup.backupVaultDeniesManualDeletion, {
        accepts: {
            "a vault whose policy denies everyone the three actions": [vault, vaultPolicy(denyAll)],
            "a policy naming the vault by literal name, Principal \"*\"": [vault, resource(COVERAGE.backupVaultPolicy, "p", { backupVaultName: "clinical", policy: document({ ...denyAll, Principal: "*" }) })],
        },
        rejects: {
            "a vault without an access policy": { resources: [vault], offenders: ["vault"], message: /no access policy/ },
            "a policy that leaves out PutBackupVaultAccessPolicy": {
                resources: [vault, vaultPolicy({ ...denyAll, Action: ["backup:DeleteRecoveryPoint", "backup:UpdateRecoveryPointLifecycle"] })],
                offenders: ["vault"],
                message: /no unconditional Deny/,
            },
            "a Deny that exempts principals by condition": {
                resources: [vault, vaultPolicy({ ...denyAll, Condition: { StringNotEquals: { "aws:userId": "AIDAEXAMPLE" } } })],
                offenders: ["vault"],
                message: /no unconditional Deny/,
            },
            "a policy that is unknown in preview": {
                resources: [vault, resource(COVERAGE.backupVaultPolicy, "p", { backupVaultName: UNKNOWN, policy: UNKNOWN }, { backupVaultName: vault })],
                offenders: ["vault"],
                message: /unknown in preview/,
            },
        },
    });
});

describe("S3 notifications, copies and Object Lock", () => {
    const phi = { DataClassification: "phi" };
    const data = resource(S3.bucket, "backups", { tags: phi });
    const side = (type: string, name: string, inputs: Record<string, unknown>, target: TestResource = data) =>
        resource(type, name, { bucket: UNKNOWN, ...inputs }, { bucket: target });

    describeStackPolicy(records.s3EventNotifications, {
        accepts: {
            "a bucket notifying EventBridge": [data, side(COVERAGE.s3Notification, "n", { eventbridge: true })],
            "a bucket notifying a queue": [data, side(COVERAGE.s3Notification, "n", { queues: [{ queueArn: UNKNOWN, events: ["s3:ObjectCreated:*"] }] })],
        },
        rejects: {
            "a bucket without notifications": { resources: [data], offenders: ["backups"], message: /no event notifications/ },
            "a notification whose EventBridge switch is unknown in preview": {
                resources: [data, side(COVERAGE.s3Notification, "n", { eventbridge: UNKNOWN })],
                offenders: ["backups"],
                message: /no event notifications/,
            },
        },
    });

    const replica = resource(S3.bucket, "backups-dr", { tags: phi });
    const replication = (status: unknown) => side(S3.replication, "r", { role: UNKNOWN, rules: [{ id: "dr", status, destination: { bucket: UNKNOWN } }] });
    const withDestination = (r: TestResource) => ({ ...r, propertyDependencies: { ...r.propertyDependencies, rules: [replica.urn] } });
    const plan = resource(BACKUP.plan, "plan", { name: "clinical", rules: [] });
    const logs = resource(S3.bucket, "logs", { tags: phi });
    describeStackPolicy(records.s3ReplicationEnabled, {
        accepts: {
            "a PHI bucket replicated to the DR region, and its replica": [data, replica, withDestination(replication("Enabled"))],
            "a PHI bucket an AWS Backup plan selects": [data, plan, resource(BACKUP.selection, "s", { planId: UNKNOWN, resources: [UNKNOWN] }, { planId: plan, resources: data })],
            "a PHI bucket receiving server access logs": [logs, resource(S3.logging, "l", { bucket: UNKNOWN, targetBucket: UNKNOWN }, { bucket: data, targetBucket: logs }), data, replica, withDestination(replication("Enabled"))],
            "an internal bucket under a config that judges PHI only": [resource(S3.bucket, "scratch", { tags: { DataClassification: "internal" } })],
        },
        rejects: {
            "a PHI bucket with neither replication nor backup": { resources: [data], offenders: ["backups"], message: /no copy outside the bucket/ },
            "a PHI bucket whose replication rule is disabled": { resources: [data, replica, withDestination(replication("Disabled"))], offenders: ["backups"], message: /no enabled replication rule/ },
            "a bucket whose tags are unknown in preview": { resources: [resource(S3.bucket, "pending", { tags: UNKNOWN })], offenders: ["pending"], message: /no copy/ },
            "a confidential bucket under a config that judges it": {
                resources: [resource(S3.bucket, "reports", { tags: { DataClassification: "confidential" } })],
                offenders: ["reports"],
                message: /no copy/,
                config: { classifications: ["phi", "confidential"] },
            },
        },
    });

    const trailBucket = resource(S3.bucket, "trail-bucket", { objectLockEnabled: true, tags: phi });
    const trail = resource(CLOUDTRAIL.trail, "trail", { s3BucketName: UNKNOWN, isMultiRegionTrail: true }, { s3BucketName: trailBucket });
    const retention = (target: TestResource, defaultRetention: Record<string, unknown>) =>
        side(COVERAGE.s3ObjectLock, `${target.name}-lock`, { rule: { defaultRetention } }, target);
    describeStackPolicy(records.s3DefaultObjectLock, {
        accepts: {
            "an internal trail bucket": [resource(S3.bucket, "dev-trail", { tags: { DataClassification: "internal" } }), resource(CLOUDTRAIL.trail, "t", { s3BucketName: "dev-trail" })],
            "a PHI data bucket, judged only under allDataBuckets": [data],
            "a PHI trail bucket locked for six years in compliance mode": [trailBucket, trail, retention(trailBucket, { mode: "COMPLIANCE", days: 2192 })],
            "a PHI data bucket locked when every data bucket is judged": {
                resources: [resource(S3.bucket, "backups", { objectLockEnabled: true, tags: phi }), retention(data, { mode: "GOVERNANCE", years: 1 })],
                config: { allDataBuckets: true },
            },
        },
        rejects: {
            "a PHI trail bucket without Object Lock": {
                resources: [resource(S3.bucket, "trail-bucket", { tags: phi }), trail],
                offenders: ["trail-bucket"],
                message: /Object Lock is not enabled/,
            },
            "a locked trail bucket without default retention": { resources: [trailBucket, trail], offenders: ["trail-bucket"], message: /no default Object Lock retention/ },
            "a locked trail bucket whose retention mode is unknown in preview": {
                resources: [trailBucket, trail, retention(trailBucket, { mode: UNKNOWN, days: 30 })],
                offenders: ["trail-bucket"],
                message: /no default Object Lock retention/,
            },
            "a PHI data bucket without Object Lock when every data bucket is judged": {
                resources: [data],
                offenders: ["backups"],
                message: /Object Lock is not enabled/,
                config: { allDataBuckets: true },
            },
        },
    });
});
