import { strict as assert } from "assert";
import { readFileSync } from "fs";
import * as path from "path";
import { REPOSITORY_ROOT } from "../../infra/offline/preview";
import { RecordedResource } from "../../infra/offline/types";
import { STACKS, ofType, policyOf, previewOf, single } from "../harness/stacks";
import { isUnder } from "../compute/support";
import { assertInPrivateSubnets } from "../harness/function-network";

/** Whether the provider's resource class takes a `tags` input, read from the SDK itself. */
function acceptsTags(type: string): boolean {
    const module = type.split(":")[1];
    const source = readFileSync(require.resolve(`@pulumi/aws/${module}.js`), "utf8");
    return source.includes('resourceInputs["tags"] = args');
}

interface RuntimeLifecycle { runtime: string; deprecation: string; blockCreate: string; blockUpdate: string }
const LAMBDA_RUNTIMES: { checked: string; runtimes: RuntimeLifecycle[] } =
    JSON.parse(readFileSync(path.join(REPOSITORY_ROOT, "infra", "checks", "data", "lambda-runtimes.json"), "utf8"));

/** The account each committed stack file allows (aws:allowedAccountIds). */
const accountOf = (stack: string) => (stack === "dev" ? "444455556666" : "111122223333");
const keyUrn = (resources: RecordedResource[], purpose: string) => single(resources, "aws:kms/key:Key", `keys-${purpose}`).urn;
/** The stack's own data; the account baseline's buckets and keys (in the owner stack) are asserted in account-baseline.spec.ts. */
const ownData = (resources: RecordedResource[], type: string) => ofType(resources, type).filter((r) => !r.name.startsWith("account-"));
const childrenOf = (resources: RecordedResource[], parent: RecordedResource, type: string) =>
    resources.filter((r) => r.parent === parent.parent && r.type === type);

describe("the data tier", () => {
    for (const stack of STACKS) {
        describe(`in ${stack}`, () => {
            it("creates one rotating customer-managed key per purpose", async () => {
                const { resources, config } = await previewOf(stack);
                const keys = ownData(resources, "aws:kms/key:Key");
                // A stack outside us-east-1 adds a key there: the CloudFront firewall's log group must live in that region.
                const edgeKey = config.region === "us-east-1" ? [] : ["edge-firewall-logs"];
                // A stack with a DR region keeps one more there, for what is copied (components/recovery).
                const drKey = config.recovery.drRegion === undefined ? [] : ["recovery-dr"];
                assert.deepEqual(keys.map((k) => k.name).sort(), [...edgeKey, "keys-assets", "keys-cluster", "keys-data", "keys-logs", "keys-secrets", ...drKey]);
                for (const key of keys) {
                    assert.equal(key.inputs.enableKeyRotation, true, key.name);
                    assert.equal(key.inputs.deletionWindowInDays, 30, key.name);
                }
                const logsPolicy = JSON.stringify(policyOf(single(resources, "aws:kms/key:Key", "keys-logs")));
                assert.match(logsPolicy, /logs\.[a-z0-9-]+\.amazonaws\.com/);
            });

            it("encrypts the assets with a key of their own and the backups with the data key, which no service outside the account may use", async () => {
                const { resources } = await previewOf(stack);
                const encryptionOf = (bucket: string) => resources.find((r) => r.type === "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration" && r.name === bucket)!;
                assert.deepEqual(encryptionOf("storage-assets").propertyDependencies.rules, [keyUrn(resources, "assets")]);
                assert.deepEqual(encryptionOf("storage-backups").propertyDependencies.rules, [keyUrn(resources, "data")]);
                const dataKeyPolicy = policyOf(single(resources, "aws:kms/key:Key", "keys-data"));
                assert.deepEqual(dataKeyPolicy.Statement.filter((s) => JSON.stringify(s.Principal).includes("Service")), []);
            });

            it("names in the cluster key's policy only the account and the cluster role, which exists before the key", async () => {
                const { resources } = await previewOf(stack);
                const key = single(resources, "aws:kms/key:Key", "keys-cluster");
                const role = single(resources, "aws:iam/role:Role", "cluster-roles-cluster");
                const statements = policyOf(key).Statement;
                const principals = statements.map((s) => JSON.stringify(s.Principal));
                assert.ok(!principals.some((p) => p.includes("aws-service-role")), "no service-linked role, which a fresh account lacks");
                const roleArn = String(role.inputs.arn ?? "");
                const forRole = statements.filter((s) => s.Sid !== "AccountAdministersThroughIam");
                assert.deepEqual(forRole.map((s) => s.Sid), ["ClusterRoleUsesKey", "ClusterRoleGrantsToAwsServices"]);
                for (const statement of forRole) {
                    assert.match(String((statement.Principal as { AWS: string }).AWS), /^arn:aws:iam::\d{12}:role\/cluster-roles-cluster-/);
                    if (roleArn) assert.equal((statement.Principal as { AWS: string }).AWS, roleArn);
                }
                assert.deepEqual(key.propertyDependencies.policy, [role.urn], "the key is created after the role it names");
                const [use, grants] = forRole;
                assert.ok(!([] as string[]).concat(use.Action as string[]).includes("kms:CreateGrant"), "grants are not part of plain use");
                assert.deepEqual(grants.Action, ["kms:CreateGrant", "kms:ListGrants", "kms:RevokeGrant"]);
                assert.deepEqual(grants.Condition, { Bool: { "kms:GrantIsForAWSResource": "true" } });
            });

            it("keeps the database in the isolated subnets, encrypted, private and TLS-only", async () => {
                const { resources, config } = await previewOf(stack);
                const db = single(resources, "aws:rds/instance:Instance");
                assert.equal(db.inputs.storageEncrypted, true);
                assert.equal(db.inputs.publiclyAccessible, false);
                assert.deepEqual(db.propertyDependencies.kmsKeyId, [keyUrn(resources, "data")]);
                assert.deepEqual(db.propertyDependencies.performanceInsightsKmsKeyId, [keyUrn(resources, "data")]);
                assert.equal(db.inputs.manageMasterUserPassword, true);
                assert.equal(db.inputs.password, undefined);
                assert.deepEqual(db.propertyDependencies.masterUserSecretKmsKeyId, [keyUrn(resources, "secrets")]);
                assert.deepEqual(db.inputs.enabledCloudwatchLogsExports, ["postgresql", "upgrade"]);
                assert.equal(db.inputs.monitoringInterval, config.database.monitoringIntervalSeconds);
                assert.ok(db.propertyDependencies.monitoringRoleArn?.length);
                assert.equal(db.inputs.backupRetentionPeriod, config.database.backupRetentionDays);
                assert.equal(db.inputs.multiAz, config.database.multiAz);

                const parameters = single(resources, "aws:rds/parameterGroup:ParameterGroup", "database");
                // TLS only, 1.2 or later; connections, disconnections, DDL and role changes audited
                // (DESIGN: rds.force_ssl=1; pgaudit loaded at boot, so it applies after a reboot).
                const byName = new Map((parameters.inputs.parameters as Array<{ name: string; value: string; applyMethod?: string }>).map((p) => [p.name, p]));
                assert.equal(byName.get("rds.force_ssl")?.value, "1");
                assert.equal(byName.get("ssl_min_protocol_version")?.value, "TLSv1.2");
                assert.equal(byName.get("log_connections")?.value, "1");
                assert.equal(byName.get("log_disconnections")?.value, "1");
                assert.equal(byName.get("log_statement")?.value, "ddl");
                assert.deepEqual(byName.get("pgaudit.log")?.value.split(",").sort(), ["ddl", "role"]);
                assert.ok(byName.get("shared_preload_libraries")?.value.split(",").includes("pgaudit"), "pgaudit is loaded");
                assert.equal(byName.get("shared_preload_libraries")?.applyMethod, "pending-reboot", "a static parameter RDS applies only after a reboot");
                const subnetGroup = single(resources, "aws:rds/subnetGroup:SubnetGroup");
                const isolated = ofType(resources, "aws:ec2/subnet:Subnet").filter((s) => (s.inputs.tags as Record<string, string>).Tier === "isolated");
                assert.deepEqual([...subnetGroup.propertyDependencies.subnetIds].sort(), isolated.map((s) => s.urn).sort());
            });

            it("lets only members of the client group reach PostgreSQL", async () => {
                const { resources } = await previewOf(stack);
                const ingress = ofType(resources, "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule").filter((r) => r.name.startsWith("database"));
                assert.equal(ingress.length, 1);
                assert.deepEqual([ingress[0].inputs.fromPort, ingress[0].inputs.toPort, ingress[0].inputs.cidrIpv4], [5432, 5432, undefined]);
                assert.deepEqual(ingress[0].propertyDependencies.referencedSecurityGroupId, [single(resources, "aws:ec2/securityGroup:SecurityGroup", "database-clients").urn]);
            });

            it("protects data in AWS and in Pulumi outside dev", async () => {
                const { resources, config } = await previewOf(stack);
                const guarded = stack !== "dev";
                const db = single(resources, "aws:rds/instance:Instance");
                assert.equal(db.inputs.deletionProtection, guarded);
                assert.equal(db.inputs.skipFinalSnapshot, !guarded);
                assert.equal(typeof db.inputs.finalSnapshotIdentifier, guarded ? "string" : "undefined");
                const stateful = [
                    db,
                    ...ownData(resources, "aws:s3/bucket:Bucket"),
                    ...ownData(resources, "aws:kms/key:Key"),
                    ...ofType(resources, "aws:secretsmanager/secret:Secret"),
                ];
                // Secrets: the two application secrets and the automatic rollback's GitHub token. The DR
                // region adds its key, the backups replica and that replica's log bucket.
                assert.equal(stateful.length, 1 + 3 + 5 + 2 + 1 + (config.region === "us-east-1" ? 0 : 1) + (config.recovery.drRegion === undefined ? 0 : 3));
                for (const resource of stateful) {
                    assert.deepEqual(resource.options, { ...resource.options, protect: guarded, retainOnDelete: guarded }, resource.name);
                }
            });

            it("gives every bucket blocked public access, enforced ownership, encryption, versioning, EventBridge notifications and a TLS-only policy", async () => {
                const { resources, config } = await previewOf(stack);
                const buckets = ownData(resources, "aws:s3/bucket:Bucket");
                const drBuckets = config.recovery.drRegion === undefined ? [] : ["recovery-backups-dr", "recovery-backups-dr-logs"];
                assert.deepEqual(buckets.map((b) => b.name).sort(), [...drBuckets, "storage-assets", "storage-backups", "storage-logs"]);
                for (const bucket of buckets) {
                    const [block] = childrenOf(resources, bucket, "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock");
                    assert.deepEqual(
                        [block.inputs.blockPublicAcls, block.inputs.blockPublicPolicy, block.inputs.ignorePublicAcls, block.inputs.restrictPublicBuckets],
                        [true, true, true, true],
                    );
                    const [ownership] = childrenOf(resources, bucket, "aws:s3/bucketOwnershipControls:BucketOwnershipControls");
                    assert.deepEqual(ownership.inputs.rule, { objectOwnership: "BucketOwnerEnforced" });
                    const [notification] = childrenOf(resources, bucket, "aws:s3/bucketNotification:BucketNotification");
                    assert.equal(notification.inputs.eventbridge, true, bucket.name);
                    const [versioning] = childrenOf(resources, bucket, "aws:s3/bucketVersioning:BucketVersioning");
                    assert.deepEqual(versioning.inputs.versioningConfiguration, { status: "Enabled" });
                    const [encryption] = childrenOf(resources, bucket, "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration");
                    const algorithm = (encryption.inputs.rules as Array<{ applyServerSideEncryptionByDefault: { sseAlgorithm: string } }>)[0].applyServerSideEncryptionByDefault.sseAlgorithm;
                    // S3 server access logs and load-balancer logs are delivered only to SSE-S3 buckets.
                    assert.equal(algorithm, bucket.name.endsWith("logs") ? "AES256" : "aws:kms", bucket.name);
                    const [policy] = childrenOf(resources, bucket, "aws:s3/bucketPolicy:BucketPolicy");
                    const denyInsecure = policyOf(policy).Statement.find((s) => s.Sid === "DenyInsecureTransport");
                    // Everyone, every S3 action, on the bucket and its objects, whenever TLS is not used.
                    assert.equal(denyInsecure?.Effect, "Deny");
                    assert.equal(denyInsecure?.Principal, "*");
                    assert.equal(denyInsecure?.Action, "s3:*");
                    assert.deepEqual(denyInsecure?.Condition, { Bool: { "aws:SecureTransport": "false" } });
                    assert.deepEqual(policy.propertyDependencies.bucket, [bucket.urn]);
                }
            });

            it("lets no other stack's deploy role publish into or delete from its assets bucket", async () => {
                const { resources } = await previewOf(stack);
                const bucket = single(resources, "aws:s3/bucket:Bucket", "storage-assets");
                const [policy] = childrenOf(resources, bucket, "aws:s3/bucketPolicy:BucketPolicy");
                const deny = policyOf(policy).Statement.filter((s) => s.Effect === "Deny" && JSON.stringify(s.Action).includes("s3:PutObject"));
                assert.equal(deny.length, 1);
                assert.deepEqual(deny[0].Condition, {
                    // Every stack's deploy role, as the account bootstrap names them, but this stack's own.
                    ArnLike: { "aws:PrincipalArn": "arn:aws:iam::" + accountOf(stack) + ":role/clinical-platform-deploy-*" },
                    ArnNotEquals: { "aws:PrincipalArn": `arn:aws:iam::${accountOf(stack)}:role/clinical-platform-deploy-${stack}` },
                });
                assert.deepEqual([...(deny[0].Action as string[])].sort(), ["s3:DeleteObject", "s3:DeleteObjectVersion", "s3:PutObject"]);
            });

            it("logs access to the assets and backups buckets into the log bucket", async () => {
                const { resources } = await previewOf(stack);
                const logBucket = single(resources, "aws:s3/bucket:Bucket", "storage-logs");
                // The DR region's replica logs into a log bucket of its own region (tests/foundation/recovery.spec.ts).
                const logging = ofType(resources, "aws:s3/bucketLogging:BucketLogging").filter((l) => l.name.startsWith("storage-"));
                assert.deepEqual(logging.map((l) => l.name).sort(), ["storage-assets", "storage-backups"]);
                assert.ok(logging.every((l) => l.propertyDependencies.targetBucket?.includes(logBucket.urn)));
            });

            it("keeps application secrets in Secrets Manager under the secrets key, rotated, never in plain text", async () => {
                const { resources, document } = await previewOf(stack);
                const secrets = ofType(resources, "aws:secretsmanager/secret:Secret").filter((s) => isUnder(resources, s, "secrets"));
                assert.equal(secrets.length, 2);
                assert.ok(secrets.every((s) => s.propertyDependencies.kmsKeyId?.[0] === keyUrn(resources, "secrets")));
                assert.equal(ofType(resources, "aws:secretsmanager/secretRotation:SecretRotation").length, 2);
                const versions = document.resources.filter((r) => r.type === "aws:secretsmanager/secretVersion:SecretVersion");
                assert.ok(versions.every((v) => String(v.inputs.secretString).startsWith("[secret sha256:")));
                const random = ofType(resources, "random:index/randomPassword:RandomPassword");
                assert.ok(random.every((r) => Number(r.inputs.length) >= 32));
            });

            it("writes each application secret twice, so AWSPREVIOUS names a version before the first rotation, and rotates only once the values, grant and invoke permission exist", async () => {
                const { resources } = await previewOf(stack);
                const secrets = ofType(resources, "aws:secretsmanager/secret:Secret").filter((s) => isUnder(resources, s, "secrets"));
                const versions = ofType(resources, "aws:secretsmanager/secretVersion:SecretVersion");
                const grant = single(resources, "aws:iam/rolePolicyAttachment:RolePolicyAttachment", "secrets-rotation-grant");
                const permission = single(resources, "aws:lambda/permission:Permission", "secrets-rotation");
                for (const secret of secrets) {
                    const own = versions.filter((v) => v.propertyDependencies.secretId?.includes(secret.urn));
                    assert.equal(own.length, 2, secret.name);
                    const [first, second] = own.sort((a, b) => a.dependencies.length - b.dependencies.length);
                    assert.ok(second.dependencies.includes(first.urn), `${second.name} is written after ${first.name}`);
                    // Rotation owns the value and the labels after the first write: a later `up` that
                    // wrote them back would undo a rotation and revoke the tokens signed since.
                    for (const version of [first, second]) {
                        assert.deepEqual([...(version.options.ignoreChanges ?? [])].sort(), ["secretString", "versionStages"], `${version.name} leaves the value and labels to rotation`);
                        assert.ok((version.inputs.versionStages as string[]).includes("AWSCURRENT"), `${version.name} is written as current`);
                    }
                    const ownLabels = [first, second].map((v) => (v.inputs.versionStages as string[]).filter((label) => !label.startsWith("AWS")));
                    assert.ok(ownLabels.every((labels) => labels.length === 1) && ownLabels[0][0] !== ownLabels[1][0], "each write keeps a label of its own, so Secrets Manager never deletes it");
                    const rotation = ofType(resources, "aws:secretsmanager/secretRotation:SecretRotation").find((r) => r.propertyDependencies.secretId?.includes(secret.urn));
                    assert.ok(rotation, `${secret.name} rotates`);
                    for (const before of [first, second, grant, permission]) assert.ok(rotation.dependencies.includes(before.urn), `${rotation.name} waits for ${before.name}`);
                }
            });

            it("rotates with a Lambda runtime AWS has not deprecated, whose function creation and update are not blocked", async () => {
                const { resources } = await previewOf(stack);
                const rotator = single(resources, "aws:lambda/function:Function", "secrets-rotation");
                const lifecycle = LAMBDA_RUNTIMES.runtimes.find((r) => r.runtime === rotator.inputs.runtime);
                assert.ok(lifecycle, `${rotator.inputs.runtime} is in the runtimes table`);
                for (const date of [lifecycle.deprecation, lifecycle.blockCreate, lifecycle.blockUpdate]) assert.ok(date > LAMBDA_RUNTIMES.checked, `${lifecycle.runtime}: ${date}`);
                assert.ok(single(resources, "aws:lambda/function:Function", "secrets-rotation").dependencies.includes(
                    single(resources, "aws:iam/rolePolicyAttachment:RolePolicyAttachment", "secrets-rotation-grant").urn));
            });

            it("rotates from the VPC's private subnets, HTTPS out only", async () => {
                const { resources } = await previewOf(stack);
                assertInPrivateSubnets(resources, "secrets-rotation");
            });

            it("tags every taggable resource with environment, owner, data classification and cost centre", async () => {
                const { resources } = await previewOf(stack);
                const taggable = resources.filter((r) => r.type.startsWith("aws:") && acceptsTags(r.type));
                assert.ok(taggable.length > 40);
                for (const resource of taggable) {
                    const tags = (resource.inputs.tags ?? {}) as Record<string, string>;
                    assert.deepEqual(
                        [tags.Environment, tags.Owner, tags.DataClassification, tags.CostCenter],
                        // Dev holds no PHI: its data is disposable, so it works on synthetic data only.
                        [stack, "clinical-platform-team", stack === "dev" ? "internal" : "phi", "CC-1042"],
                        resource.urn,
                    );
                }
            });
        });
    }
});
