import { strict as assert } from "assert";
import { RecordedResource } from "../../infra/offline/types";
import { grantOf, ofType, policyOf, previewOf, single } from "../harness/stacks";

const PROVIDER = "pulumi:providers:aws";
const DR_TYPES = [
    "aws:rds/instanceAutomatedBackupsReplication:InstanceAutomatedBackupsReplication",
    "aws:s3/bucketReplicationConfig:BucketReplicationConfig",
    "aws:backup/vault:Vault",
    "aws:backup/vaultLockConfiguration:VaultLockConfiguration",
    "aws:backup/plan:Plan",
    "aws:backup/selection:Selection",
];

/** The provider a resource is managed through: its URN, or undefined for the stack's default provider. */
const providerOf = (resource: RecordedResource) => resource.options.provider?.split("::").slice(0, -1).join("::");
const drProvider = (resources: RecordedResource[]) => single(resources, PROVIDER, "recovery-us-west-2");
const inDr = (resources: RecordedResource[], resource: RecordedResource) => providerOf(resource) === drProvider(resources).urn;
const urnOf = (resources: RecordedResource[], type: string, name: string) => single(resources, type, name).urn;
const KEY = "aws:kms/key:Key";
/** Nested rule inputs, read by path; a wrong path fails the assertion that reads it. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- nested provider inputs, checked by the assertions
type Nested = Record<string, any>;
const BUCKET = "aws:s3/bucket:Bucket";

describe("disaster recovery", () => {
    for (const stack of ["staging", "production"] as const) {
        describe(`in ${stack}`, () => {
            it("manages the DR region through a provider of its own, guarded to the stack's account like the default one", async () => {
                const { resources, config } = await previewOf(stack);
                const provider = drProvider(resources);
                assert.equal(provider.inputs.region, "us-west-2");
                assert.deepEqual(JSON.parse(String(provider.inputs.allowedAccountIds)), [config.account.id]);
            });

            it("keeps what is copied under a rotating customer-managed key in the DR region, administered through IAM", async () => {
                const { resources } = await previewOf(stack);
                const key = single(resources, KEY, "recovery-dr");
                assert.ok(inDr(resources, key));
                assert.equal(key.inputs.enableKeyRotation, true);
                assert.equal(key.inputs.deletionWindowInDays, 30);
                assert.deepEqual(policyOf(key).Statement.map((s) => s.Sid), ["AccountAdministersThroughIam"]);
                assert.deepEqual(key.options, { ...key.options, protect: true, retainOnDelete: true });
                const alias = single(resources, "aws:kms/alias:Alias", "recovery-dr");
                assert.equal(alias.inputs.name, `alias/clinical-platform-${stack}-dr`);
                assert.ok(inDr(resources, alias));
            });

            it("replicates the database's automated backups to the DR region under the DR key, kept as long as at home", async () => {
                const { resources, config } = await previewOf(stack);
                const replication = single(resources, DR_TYPES[0]);
                assert.ok(inDr(resources, replication), "StartDBInstanceAutomatedBackupsReplication is called in the destination region");
                assert.deepEqual(replication.propertyDependencies.sourceDbInstanceArn, [single(resources, "aws:rds/instance:Instance").urn]);
                assert.deepEqual(replication.propertyDependencies.kmsKeyId, [urnOf(resources, KEY, "recovery-dr")]);
                assert.equal(replication.inputs.retentionPeriod, config.database.backupRetentionDays);
            });

            it("keeps the database's parameters waiting in the DR region for a restore", async () => {
                const { resources } = await previewOf(stack);
                const parameters = single(resources, "aws:rds/parameterGroup:ParameterGroup", "recovery-restore");
                assert.ok(inDr(resources, parameters));
                assert.equal(parameters.inputs.name, `clinical-platform-${stack}-restore`);
                assert.equal(parameters.inputs.family, "postgres16");
                const home = single(resources, "aws:rds/parameterGroup:ParameterGroup", "database");
                assert.deepEqual(parameters.inputs.parameters, home.inputs.parameters);
            });

            it("replicates the backups bucket to a versioned DR bucket, re-encrypting every SSE-KMS object with the DR key", async () => {
                const { resources } = await previewOf(stack);
                const replication = single(resources, DR_TYPES[1]);
                assert.equal(providerOf(replication), undefined, "the configuration belongs to the source bucket, at home");
                assert.deepEqual(replication.propertyDependencies.bucket, [urnOf(resources, BUCKET, "storage-backups")]);
                const [rule, ...others] = replication.inputs.rules as Nested[];
                assert.equal(others.length, 0);
                assert.equal(rule.status, "Enabled");
                assert.deepEqual(rule.sourceSelectionCriteria, { sseKmsEncryptedObjects: { status: "Enabled" } });
                assert.deepEqual(rule.deleteMarkerReplication, { status: "Disabled" }, "a delete at home leaves the replica's objects current");
                const drBucket = single(resources, BUCKET, "recovery-backups-dr");
                assert.ok(inDr(resources, drBucket));
                assert.deepEqual([...replication.propertyDependencies.rules].sort(), [drBucket.urn, urnOf(resources, KEY, "recovery-dr")].sort());
                assert.match(String(rule.destination.encryptionConfiguration.replicaKmsKeyId), /^arn:aws:kms:us-west-2:/);
                assert.deepEqual(rule.destination.replicationTime, { status: "Enabled", time: { minutes: 15 } }, "the 15-minute bound the bucket's RPO rests on");

                const versioning = resources.filter((r) => r.type === "aws:s3/bucketVersioning:BucketVersioning" && ["storage-backups", "recovery-backups-dr"].includes(r.name));
                assert.equal(versioning.length, 2);
                for (const v of versioning) assert.deepEqual(v.inputs.versioningConfiguration, { status: "Enabled" }, v.name);
                const encryption = single(resources, "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration", "recovery-backups-dr");
                assert.deepEqual(encryption.propertyDependencies.rules, [urnOf(resources, KEY, "recovery-dr")]);
                const logging = single(resources, "aws:s3/bucketLogging:BucketLogging", "recovery-backups-dr");
                assert.deepEqual(logging.propertyDependencies.targetBucket, [urnOf(resources, BUCKET, "recovery-backups-dr-logs")], "access logs stay in the DR region");
            });

            it("lets S3 replicate only the backups bucket's versions into the DR bucket, using each key only through S3 in its region", async () => {
                const { resources } = await previewOf(stack);
                const role = single(resources, "aws:iam/role:Role", "recovery-backups-replication");
                assert.deepEqual(policyOf(role, "assumeRolePolicy").Statement.map((s) => s.Principal), [{ Service: "s3.amazonaws.com" }]);
                const statements = grantOf(resources, "recovery-backups-replication").Statement;
                const actions = statements.flatMap((s) => ([] as string[]).concat(s.Action as string | string[])).sort();
                assert.deepEqual(actions, [
                    "kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey",
                    "s3:GetObjectVersionAcl", "s3:GetObjectVersionForReplication", "s3:GetObjectVersionTagging", "s3:GetReplicationConfiguration",
                    "s3:ListBucket", "s3:ReplicateObject", "s3:ReplicateTags",
                ]);
                assert.ok(!statements.some((s) => s.Resource === "*" || JSON.stringify(s.Resource).includes("\"*\"")), "no statement on every resource");
                const via = (sid: string) => (statements.find((s) => s.Sid === sid)!.Condition as Record<string, Record<string, unknown>>).StringEquals["kms:ViaService"];
                assert.equal(via("DecryptSource"), "s3.us-east-1.amazonaws.com");
                assert.equal(via("EncryptReplicas"), "s3.us-west-2.amazonaws.com");
            });

            it("backs up the database and both data buckets daily into a vault under the data key, copying each recovery point to a DR vault under the DR key", async () => {
                const { resources, config } = await previewOf(stack);
                const [home, dr] = ["recovery-backup", "recovery-backup-dr"].map((name) => single(resources, DR_TYPES[2], name));
                assert.deepEqual(home.propertyDependencies.kmsKeyArn, [urnOf(resources, KEY, "keys-data")]);
                assert.deepEqual(dr.propertyDependencies.kmsKeyArn, [urnOf(resources, KEY, "recovery-dr")]);
                assert.equal(providerOf(home), undefined);
                assert.ok(inDr(resources, dr));

                const plan = single(resources, DR_TYPES[4]);
                const [rule] = plan.inputs.rules as Nested[];
                assert.match(String(rule.schedule), /^cron\(0 \d{1,2} \* \* \? \*\)$/, "one backup a day");
                assert.deepEqual(rule.lifecycle, { deleteAfter: config.recovery.backupRetentionDays });
                assert.equal(rule.copyActions.length, 1);
                assert.deepEqual(rule.copyActions[0].lifecycle, { deleteAfter: config.recovery.backupRetentionDays });
                assert.match(String(rule.copyActions[0].destinationVaultArn), /^arn:aws:backup:us-west-2:\d{12}:backup-vault:/);
                assert.equal(rule.targetVaultName, home.inputs.name);

                const selection = single(resources, DR_TYPES[5]);
                const selected = [...selection.propertyDependencies.resources].sort();
                assert.deepEqual(selected, [
                    single(resources, "aws:rds/instance:Instance").urn, urnOf(resources, BUCKET, "storage-assets"), urnOf(resources, BUCKET, "storage-backups"),
                ].sort());
                assert.deepEqual(selection.propertyDependencies.planId, [plan.urn]);
            });

            it("gives AWS Backup a role with its backup, restore and S3 managed policies and use of the vaults' keys only", async () => {
                const { resources } = await previewOf(stack);
                const role = single(resources, "aws:iam/role:Role", "recovery-backup-service");
                assert.deepEqual(policyOf(role, "assumeRolePolicy").Statement.map((s) => s.Principal), [{ Service: "backup.amazonaws.com" }]);
                const managed = ofType(resources, "aws:iam/rolePolicyAttachment:RolePolicyAttachment")
                    .filter((a) => a.propertyDependencies.role?.includes(role.urn) && !a.name.endsWith("-grant"))
                    .map((a) => a.inputs.policyArn).sort();
                assert.deepEqual(managed, [
                    "arn:aws:iam::aws:policy/AWSBackupServiceRolePolicyForS3Backup",
                    "arn:aws:iam::aws:policy/AWSBackupServiceRolePolicyForS3Restore",
                    "arn:aws:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup",
                    "arn:aws:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForRestores",
                ]);
                const keys = grantOf(resources, "recovery-backup-keys", "recovery-backup-service").Statement;
                for (const statement of keys) assert.equal((statement.Resource as string[]).length, 2, String(statement.Sid));
                const selection = single(resources, DR_TYPES[5]);
                assert.deepEqual(selection.propertyDependencies.iamRoleArn, [role.urn]);
            });
        });
    }

    it("locks both of production's vaults in compliance mode for the plan's retention, changeable for a grace period of 3 days or more", async () => {
        const { resources, config } = await previewOf("production");
        const locks = ofType(resources, DR_TYPES[3]);
        assert.deepEqual(locks.map((l) => l.name).sort(), ["recovery-backup", "recovery-backup-dr"]);
        for (const lock of locks) {
            assert.equal(lock.inputs.minRetentionDays, config.recovery.backupRetentionDays);
            assert.ok(Number(lock.inputs.maxRetentionDays) >= config.recovery.backupRetentionDays);
            assert.ok(Number(lock.inputs.changeableForDays) >= 3, "AWS Backup's 72-hour cooling-off; set at all, it means compliance mode");
            assert.deepEqual(lock.propertyDependencies.backupVaultName, [single(resources, DR_TYPES[2], lock.name).urn]);
        }
        assert.ok(inDr(resources, locks.find((l) => l.name === "recovery-backup-dr")!));
    });

    for (const stack of ["staging", "production"] as const) {
        it(`denies everyone manual deletion of ${stack}'s recovery points in both vaults' access policies`, async () => {
            const { resources } = await previewOf(stack);
            const policies = ofType(resources, "aws:backup/vaultPolicy:VaultPolicy");
            assert.deepEqual(policies.map((p) => p.name).sort(), ["recovery-backup", "recovery-backup-dr"]);
            for (const policy of policies) {
                assert.deepEqual(policy.propertyDependencies.backupVaultName, [single(resources, DR_TYPES[2], policy.name).urn]);
                const [statement] = JSON.parse(String(policy.inputs.policy)).Statement;
                assert.deepEqual([statement.Effect, statement.Principal, statement.Resource], ["Deny", { AWS: "*" }, "*"]);
                assert.deepEqual(statement.Action, ["backup:DeleteRecoveryPoint", "backup:UpdateRecoveryPointLifecycle", "backup:PutBackupVaultAccessPolicy"]);
                assert.equal(policy.options.deleteBeforeReplace, true);
            }
            assert.ok(inDr(resources, policies.find((p) => p.name === "recovery-backup-dr")!));
        });
    }

    it("leaves staging's vaults unlocked", async () => {
        const { resources } = await previewOf("staging");
        assert.deepEqual(ofType(resources, DR_TYPES[3]), []);
    });

    it("builds none of it in dev, which names no DR region", async () => {
        const { resources } = await previewOf("dev");
        assert.deepEqual(resources.filter((r) => DR_TYPES.includes(r.type)).map((r) => r.type), []);
        assert.deepEqual(resources.filter((r) => r.name.startsWith("recovery")).map((r) => r.name), []);
        assert.deepEqual(ofType(resources, PROVIDER).filter((p) => p.inputs.region === "us-west-2"), []);
    });
});
