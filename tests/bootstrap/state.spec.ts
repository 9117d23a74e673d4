import { strict as assert } from "assert";
import { ACCOUNT, SHARED_ACCOUNT, documentOf, ofType, previewOf, single } from "./support";

const BUCKET = "aws:s3/bucket:Bucket";
const KEY = "aws:kms/key:Key";

describe("the account bootstrap's state backend", () => {
    it("names the state bucket after the account and region, never destroys it with its objects, and protects and retains it", async () => {
        const { resources } = await previewOf(SHARED_ACCOUNT);
        const bucket = single(resources, BUCKET, "state");
        assert.equal(bucket.inputs.bucket, `clinical-platform-state-${ACCOUNT}-eu-west-1`);
        assert.equal(bucket.inputs.forceDestroy, false);
        assert.deepEqual(bucket.options, { ...bucket.options, protect: true, retainOnDelete: true });
    });

    it("takes the bucket name from the stack settings when one is given", async () => {
        const { resources } = await previewOf({ ...SHARED_ACCOUNT, "clinical-platform-bootstrap:stateBucketName": "acme-pulumi-state" });
        assert.equal(single(resources, BUCKET, "state").inputs.bucket, "acme-pulumi-state");
    });

    it("keeps every version, encrypts with the state key under SSE-KMS, blocks public access and enforces bucket ownership", async () => {
        const { resources } = await previewOf(SHARED_ACCOUNT);
        const stateKey = single(resources, KEY, "state");
        assert.deepEqual(single(resources, "aws:s3/bucketVersioning:BucketVersioning", "state").inputs.versioningConfiguration, { status: "Enabled" });
        const encryption = single(resources, "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration", "state");
        const [rule] = encryption.inputs.rules as Array<{ applyServerSideEncryptionByDefault: Record<string, unknown>; bucketKeyEnabled: boolean }>;
        assert.equal(rule.applyServerSideEncryptionByDefault.sseAlgorithm, "aws:kms");
        assert.match(String(rule.applyServerSideEncryptionByDefault.kmsMasterKeyId), new RegExp(`^arn:aws:kms:eu-west-1:${ACCOUNT}:key/`));
        assert.ok(encryption.propertyDependencies.rules.includes(stateKey.urn), "the default encryption uses the state key");
        assert.equal(rule.bucketKeyEnabled, true);
        const publicAccess = single(resources, "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", "state").inputs;
        for (const setting of ["blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"]) assert.equal(publicAccess[setting], true, setting);
        assert.deepEqual(single(resources, "aws:s3/bucketOwnershipControls:BucketOwnershipControls", "state").inputs.rule, { objectOwnership: "BucketOwnerEnforced" });
    });

    it("records every request to the state in server access logs, kept six years in a bucket S3 can deliver them to", async () => {
        const { resources } = await previewOf(SHARED_ACCOUNT);
        const [state, logs] = ["state", "state-access-logs"].map((name) => single(resources, BUCKET, name));
        assert.equal(logs.inputs.bucket, `clinical-platform-state-${ACCOUNT}-eu-west-1-access-logs`);
        assert.equal(logs.options.protect, true);
        const logging = single(resources, "aws:s3/bucketLogging:BucketLogging", "state");
        assert.ok(logging.propertyDependencies.bucket.includes(state.urn));
        assert.equal(logging.inputs.targetBucket, logs.inputs.bucket);
        // S3 delivers server access logs only into a bucket encrypted with SSE-S3.
        const encryption = single(resources, "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration", "state-access-logs");
        assert.deepEqual((encryption.inputs.rules as Array<{ applyServerSideEncryptionByDefault: unknown }>)[0].applyServerSideEncryptionByDefault, { sseAlgorithm: "AES256" });
        const delivery = documentOf(single(resources, "aws:s3/bucketPolicy:BucketPolicy", "state-access-logs")).Statement.find((s) => s.Sid === "S3ServerAccessLogs");
        assert.deepEqual((delivery as unknown as { Principal: unknown }).Principal, { Service: "logging.s3.amazonaws.com" });
        assert.deepEqual(delivery?.Condition, { StringEquals: { "aws:SourceAccount": ACCOUNT } });
        const rules = single(resources, "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration", "state-access-logs").inputs.rules as Array<Record<string, unknown>>;
        assert.ok(rules.some((r) => (r.expiration as { days?: number } | undefined)?.days === 6 * 365));
    });

    it("refuses any request to the bucket that is not made over TLS", async () => {
        const { resources } = await previewOf(SHARED_ACCOUNT);
        const policy = documentOf(single(resources, "aws:s3/bucketPolicy:BucketPolicy", "state"));
        const insecure = policy.Statement.find((s) => s.Condition?.Bool?.["aws:SecureTransport"] === "false");
        assert.ok(insecure, "a statement on aws:SecureTransport false");
        assert.equal(insecure.Effect, "Deny");
        assert.equal((insecure as unknown as { Principal: unknown }).Principal, "*");
    });

    it("expires noncurrent state versions after 90 days and aborts stale multipart uploads", async () => {
        const { resources } = await previewOf(SHARED_ACCOUNT);
        const rules = single(resources, "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration", "state").inputs.rules as Array<Record<string, unknown>>;
        const noncurrent = rules.find((r) => r.noncurrentVersionExpiration !== undefined);
        assert.deepEqual(noncurrent?.noncurrentVersionExpiration, { noncurrentDays: 90 });
        assert.equal(noncurrent?.status, "Enabled");
        assert.ok(rules.some((r) => r.abortIncompleteMultipartUpload !== undefined && r.status === "Enabled"));
    });

    it("creates a state key and a secrets-provider key, each rotated yearly, protected and retained, administered only through the account's IAM", async () => {
        const { resources } = await previewOf(SHARED_ACCOUNT);
        const keys = ofType(resources, KEY);
        assert.deepEqual(keys.map((k) => k.name).sort(), ["pulumi-secrets", "state"]);
        for (const key of keys) {
            assert.equal(key.inputs.enableKeyRotation, true, key.name);
            assert.equal(key.inputs.rotationPeriodInDays, 365, key.name);
            assert.equal(key.inputs.deletionWindowInDays, 30, key.name);
            assert.equal(key.options.protect, true, key.name);
            assert.equal(key.options.retainOnDelete, true, key.name);
            const principals = documentOf(key).Statement.map((s) => (s as unknown as { Principal: unknown }).Principal);
            assert.deepEqual(principals, [{ AWS: `arn:aws:iam::${ACCOUNT}:root` }], key.name);
        }
        const aliases = ofType(resources, "aws:kms/alias:Alias").map((a) => a.inputs.name).sort();
        assert.deepEqual(aliases, ["alias/clinical-platform-pulumi-secrets", "alias/clinical-platform-pulumi-state"]);
    });

    it("outputs the backend URL and the secrets provider that pulumi login and pulumi stack init take", async () => {
        const { outputs } = await previewOf(SHARED_ACCOUNT);
        assert.equal(outputs.backendUrl, `s3://clinical-platform-state-${ACCOUNT}-eu-west-1?region=eu-west-1`);
        assert.equal(outputs.secretsProvider, "awskms://alias/clinical-platform-pulumi-secrets?region=eu-west-1");
    });
});
