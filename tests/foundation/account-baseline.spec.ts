import { strict as assert } from "assert";
import { readFileSync } from "fs";
import * as path from "path";
import { REPOSITORY_ROOT, runOfflinePreview } from "../../infra/offline/preview";
import { RecordedResource } from "../../infra/offline/types";
import { PROJECT, StackConfigError } from "../../stacks";
import { accountOwnershipProblems } from "../../stacks/account";
import { readStackFile } from "../../stacks/stack-file";
import { STACKS, editedStackFile, ofType, policyOf, previewOf, previewWithEdit, single } from "../harness/stacks";

const TYPES = {
    trail: "aws:cloudtrail/trail:Trail",
    key: "aws:kms/key:Key",
    logGroup: "aws:cloudwatch/logGroup:LogGroup",
    bucket: "aws:s3/bucket:Bucket",
    bucketPolicy: "aws:s3/bucketPolicy:BucketPolicy",
    objectLock: "aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration",
    detector: "aws:guardduty/detector:Detector",
    feature: "aws:guardduty/detectorFeature:DetectorFeature",
    hub: "aws:securityhub/account:Account",
    standard: "aws:securityhub/standardsSubscription:StandardsSubscription",
    recorder: "aws:cfg/recorder:Recorder",
    channel: "aws:cfg/deliveryChannel:DeliveryChannel",
    recorderStatus: "aws:cfg/recorderStatus:RecorderStatus",
    ebsDefault: "aws:ebs/encryptionByDefault:EncryptionByDefault",
    ebsKey: "aws:ebs/defaultKmsKey:DefaultKmsKey",
    passwordPolicy: "aws:iam/accountPasswordPolicy:AccountPasswordPolicy",
    publicAccess: "aws:s3/accountPublicAccessBlock:AccountPublicAccessBlock",
};
const ACCOUNT_WIDE = [TYPES.trail, TYPES.passwordPolicy, TYPES.publicAccess];
const REGIONAL = [TYPES.detector, TYPES.feature, TYPES.hub, TYPES.standard, TYPES.recorder, TYPES.channel, TYPES.recorderStatus, TYPES.ebsDefault, TYPES.ebsKey];

const committed = (stack: string) => readStackFile(path.join(REPOSITORY_ROOT, `Pulumi.${stack}.yaml`), PROJECT);
const dependsOn = (resource: RecordedResource, target: RecordedResource) => resource.dependencies.includes(target.urn);

describe("the account's security baseline", () => {
    describe("belongs to one stack per account", () => {
        it("production owns the account it shares with staging, and dev its own", () => {
            assert.equal(committed("production")["clinical-platform:ownsAccountResources"], "true");
            assert.equal(committed("staging")["clinical-platform:ownsAccountResources"], "false");
            assert.equal(committed("dev")["clinical-platform:ownsAccountResources"], "true");
        });

        it("is created whole by the owner and not at all by the other stack of the account", async () => {
            const owner = await previewOf("production");
            for (const type of [...ACCOUNT_WIDE, ...REGIONAL]) assert.ok(ofType(owner.resources, type).length > 0, `production creates no ${type}`);
            const other = await previewOf("staging");
            assert.deepEqual([...ACCOUNT_WIDE, ...REGIONAL].filter((type) => ofType(other.resources, type).length > 0), []);
            assert.deepEqual(ofType(other.resources, "clinical-platform:account:AccountBaseline"), []);
        });

        it("is refused with two owners in one account and region, naming both stacks", async () => {
            const configFile = editedStackFile("staging", (document) => document.setIn(["config", "clinical-platform:ownsAccountResources"], true));
            await assert.rejects(runOfflinePreview({ stack: "staging", configFile, policy: false, deployChecks: false }), (error: unknown) => {
                assert.ok(error instanceof StackConfigError);
                const regional = error.problems.find((p) => /region us-east-1/.test(p.expected));
                assert.ok(regional, JSON.stringify(error.problems));
                assert.equal(regional.received, "staging and production");
                return true;
            });
        });

        it("is refused when a stack in another region of the account owns nothing there, and when two own that region", () => {
            const base = { accountId: "111122223333", ownsAccountResources: false };
            const owner = { ...base, stack: "production", region: "us-east-1", ownsAccountResources: true };
            const keyOf = (key: string) => `clinical-platform:${key}`;
            const [unowned] = accountOwnershipProblems([owner, { ...base, stack: "staging", region: "eu-west-1" }], keyOf);
            assert.equal(unowned.key, "clinical-platform:ownsRegionalResources");
            assert.match(unowned.expected, /region eu-west-1 \(staging\) with ownsRegionalResources: true/);
            assert.equal(unowned.received, "none");
            assert.deepEqual(accountOwnershipProblems([owner, { ...base, stack: "staging", region: "eu-west-1", ownsRegionalResources: true }], keyOf), []);
            const [twice] = accountOwnershipProblems([
                owner,
                { ...base, stack: "staging", region: "eu-west-1", ownsRegionalResources: true },
                { ...base, stack: "dev", region: "eu-west-1", ownsRegionalResources: true },
            ], keyOf);
            assert.match(twice.expected, /at most one stack of account 111122223333 in region eu-west-1/);
            assert.equal(twice.received, "staging and dev");
        });

        it("in another region of the account, gives a stack with ownsRegionalResources that region's services only, using the account's Config role", async () => {
            const { resources } = await previewWithEdit("staging", (document) => {
                document.setIn(["config", "aws:region"], "eu-west-1");
                document.setIn(["config", "clinical-platform:certificates", "regional"], "arn:aws:acm:eu-west-1:111122223333:certificate/0a1b2c3d-2222-4aaa-8bbb-000000000002");
                document.setIn(["config", "clinical-platform:ownsRegionalResources"], true);
            });
            assert.deepEqual(ACCOUNT_WIDE.filter((type) => ofType(resources, type).length > 0), [], "the account-wide items stay with production");
            for (const type of REGIONAL) assert.ok(ofType(resources, type).length > 0, `no ${type} in eu-west-1`);
            const recorder = single(resources, TYPES.recorder);
            assert.deepEqual(recorder.inputs.recordingGroup, { allSupported: true, includeGlobalResourceTypes: false }, "IAM's global types are recorded in production's region only");
            assert.deepEqual(ofType(resources, "aws:iam/serviceLinkedRole:ServiceLinkedRole"), [], "one Config service-linked role per account, production's");
            assert.equal(recorder.inputs.roleArn, "arn:aws:iam::111122223333:role/aws-service-role/config.amazonaws.com/AWSServiceRoleForConfig");
        });

        it("is named as owned in the pack config of exactly the stacks whose file owns it", () => {
            for (const stack of STACKS) {
                const pack = JSON.parse(readFileSync(path.join(REPOSITORY_ROOT, "policies", "config", `${stack}.json`), "utf8")) as Record<string, { ownsAccountBaseline?: boolean }>;
                assert.equal(pack["account-baseline-complete"]?.ownsAccountBaseline ?? false, committed(stack)["clinical-platform:ownsAccountResources"] === "true", stack);
            }
        });
    });

    describe("in the owner stack", () => {
        it("records every region and the global services, with log file validation, under a key of its own", async () => {
            const { resources } = await previewOf("production");
            const trail = single(resources, TYPES.trail);
            assert.equal(trail.inputs.name, "clinical-platform-production-audit");
            assert.equal(trail.inputs.isMultiRegionTrail, true);
            assert.equal(trail.inputs.includeGlobalServiceEvents, true);
            assert.equal(trail.inputs.enableLogFileValidation, true);
            assert.deepEqual(trail.propertyDependencies.kmsKeyId, [single(resources, TYPES.key, "account-trail-key").urn]);
            assert.equal(trail.options.retainOnDelete, true);
        });

        it("lets CloudTrail use the trail key for this trail only, as CloudTrail's key policy guide gives it", async () => {
            const { resources } = await previewOf("production");
            const statements = policyOf(single(resources, TYPES.key, "account-trail-key")).Statement;
            const trailArn = "arn:aws:cloudtrail:us-east-1:111122223333:trail/clinical-platform-production-audit";
            const encrypt = statements.find((s) => s.Sid === "CloudTrailEncryptsLogFiles")!;
            assert.deepEqual(encrypt.Principal, { Service: "cloudtrail.amazonaws.com" });
            assert.equal(encrypt.Action, "kms:GenerateDataKey*");
            assert.deepEqual(encrypt.Condition, {
                StringEquals: { "aws:SourceArn": trailArn },
                StringLike: { "kms:EncryptionContext:aws:cloudtrail:arn": "arn:aws:cloudtrail:*:111122223333:trail/*" },
            });
            const describeKey = statements.find((s) => s.Sid === "CloudTrailDescribesKey")!;
            assert.deepEqual(describeKey.Condition, { StringEquals: { "aws:SourceArn": trailArn } });
        });

        it("delivers to CloudWatch Logs through a role that may write only the trail's log streams of that group", async () => {
            const { resources } = await previewOf("production");
            const trail = single(resources, TYPES.trail);
            const group = single(resources, TYPES.logGroup, "account-trail-events");
            assert.equal(group.inputs.name, "/aws/cloudtrail/clinical-platform-production");
            assert.deepEqual(group.propertyDependencies.kmsKeyId, [single(resources, TYPES.key, "account-trail-key").urn]);
            assert.equal(group.inputs.retentionInDays, 2192, "six years, production's log retention");
            assert.deepEqual(trail.propertyDependencies.cloudWatchLogsGroupArn, [group.urn]);
            const role = single(resources, "aws:iam/role:Role", "account-trail-logs-role");
            assert.deepEqual(trail.propertyDependencies.cloudWatchLogsRoleArn, [role.urn]);
            assert.deepEqual(JSON.parse(role.inputs.assumeRolePolicy as string).Statement[0].Principal, { Service: "cloudtrail.amazonaws.com" });
            const grant = policyOf(single(resources, "aws:iam/policy:Policy", "account-trail-logs-role"));
            assert.deepEqual(grant.Statement.map((s) => [s.Action, s.Resource]), [[
                ["logs:CreateLogStream", "logs:PutLogEvents"],
                "arn:aws:logs:us-east-1:111122223333:log-group:/aws/cloudtrail/clinical-platform-production:log-stream:111122223333_CloudTrail_*",
            ]]);
        });

        it("records management events and S3 object events of every bucket but its own", async () => {
            const { resources } = await previewOf("production");
            const selectors = single(resources, TYPES.trail).inputs.advancedEventSelectors as Array<{ fieldSelectors: Array<Record<string, unknown>> }>;
            assert.deepEqual(selectors[0].fieldSelectors, [{ field: "eventCategory", equals: ["Management"] }]);
            const data = selectors[1].fieldSelectors;
            assert.deepEqual(data.slice(0, 2), [{ field: "eventCategory", equals: ["Data"] }, { field: "resources.type", equals: ["AWS::S3::Object"] }]);
            assert.equal(data[2].field, "resources.ARN");
            assert.ok(Array.isArray(data[2].notStartsWiths), "the trail's own bucket is left out");
        });

        it("writes to a protected bucket whose policy admits this trail only, and locks every log file for six years in production", async () => {
            const { resources } = await previewOf("production");
            const trail = single(resources, TYPES.trail);
            const bucket = single(resources, TYPES.bucket, "account-trail-bucket");
            assert.equal(bucket.inputs.objectLockEnabled, true);
            assert.equal(bucket.options.protect, true);
            const lock = single(resources, TYPES.objectLock, "account-trail-bucket");
            assert.deepEqual(lock.inputs.rule, { defaultRetention: { mode: "COMPLIANCE", days: 2192 } });
            const policy = single(resources, TYPES.bucketPolicy, "account-trail-bucket");
            assert.ok(dependsOn(trail, policy), "CloudTrail checks the bucket policy when the trail is created");
            const write = policyOf(policy).Statement.find((s) => s.Sid === "AWSCloudTrailWrite")!;
            assert.deepEqual(write.Condition, {
                StringEquals: {
                    "s3:x-amz-acl": "bucket-owner-full-control",
                    "aws:SourceArn": "arn:aws:cloudtrail:us-east-1:111122223333:trail/clinical-platform-production-audit",
                },
            });
        });

        it("logs access to its own buckets into the stack's log bucket, and keeps them and their keys when the stack goes, even in dev", async () => {
            for (const stack of ["production", "dev"] as const) {
                const { resources } = await previewOf(stack);
                const logBucket = single(resources, TYPES.bucket, "storage-logs");
                for (const name of ["account-trail-bucket", "account-regional-config"]) {
                    const bucket = single(resources, TYPES.bucket, name);
                    assert.deepEqual([bucket.options.protect, bucket.options.retainOnDelete], [true, true], `${stack} ${name}`);
                    const logging = single(resources, "aws:s3/bucketLogging:BucketLogging", name);
                    assert.ok(logging.propertyDependencies.targetBucket?.includes(logBucket.urn), `${stack} ${name}`);
                }
                for (const key of ofType(resources, TYPES.key).filter((k) => k.name.startsWith("account-"))) {
                    assert.deepEqual([key.options.protect, key.options.retainOnDelete], [true, true], `${stack} ${key.name}`);
                }
            }
        });

        it("does not lock the log files of an account without PHI (dev)", async () => {
            const { resources } = await previewOf("dev");
            assert.notEqual(single(resources, TYPES.bucket, "account-trail-bucket").inputs.objectLockEnabled, true);
            assert.deepEqual(ofType(resources, TYPES.objectLock), []);
        });

        it("turns GuardDuty on with S3, EKS audit log, RDS login and runtime protection, keeping it when the stack goes", async () => {
            const { resources } = await previewOf("production");
            const detector = single(resources, TYPES.detector);
            assert.equal(detector.inputs.enable, true);
            assert.equal(detector.options.retainOnDelete, true);
            const features = ofType(resources, TYPES.feature);
            assert.deepEqual(features.map((f) => f.inputs.name).sort(), ["EKS_AUDIT_LOGS", "RDS_LOGIN_EVENTS", "RUNTIME_MONITORING", "S3_DATA_EVENTS"]);
            for (const feature of features) {
                assert.equal(feature.inputs.status, "ENABLED");
                assert.deepEqual(feature.propertyDependencies.detectorId, [detector.urn]);
            }
            const runtime = features.find((f) => f.inputs.name === "RUNTIME_MONITORING")!;
            assert.deepEqual(runtime.inputs.additionalConfigurations, [{ name: "EKS_ADDON_MANAGEMENT", status: "ENABLED" }]);
        });

        it("turns Security Hub on with AWS Foundational Security Best Practices only", async () => {
            const { resources } = await previewOf("production");
            const hub = single(resources, TYPES.hub);
            assert.equal(hub.inputs.enableDefaultStandards, false);
            const standard = single(resources, TYPES.standard);
            assert.equal(standard.inputs.standardsArn, "arn:aws:securityhub:us-east-1::standards/aws-foundational-security-best-practices/v/1.0.0");
            assert.ok(dependsOn(standard, hub));
        });

        it("records every supported resource type with AWS Config through its service-linked role, global ones in the owner's region, into an encrypted bucket, switched on", async () => {
            const { resources } = await previewOf("production");
            const recorder = single(resources, TYPES.recorder);
            assert.deepEqual(recorder.inputs.recordingGroup, { allSupported: true, includeGlobalResourceTypes: true });
            // Not a role of the stack's: its permissions boundary would withhold most of what Config reads.
            const serviceRole = single(resources, "aws:iam/serviceLinkedRole:ServiceLinkedRole", "account-regional-config-service-role");
            assert.equal(serviceRole.inputs.awsServiceName, "config.amazonaws.com");
            assert.deepEqual(recorder.propertyDependencies.roleArn, [serviceRole.urn]);
            const channel = single(resources, TYPES.channel);
            const key = single(resources, TYPES.key, "account-regional-config-key");
            assert.deepEqual(channel.propertyDependencies.s3KmsKeyArn, [key.urn]);
            const delivers = policyOf(key).Statement.find((s) => s.Sid === "AWSConfigDeliversForThisAccount")!;
            assert.deepEqual([delivers.Principal, delivers.Action, delivers.Condition], [
                { Service: "config.amazonaws.com" }, ["kms:Decrypt", "kms:GenerateDataKey"], { StringEquals: { "aws:SourceAccount": "111122223333" } },
            ]);
            const status = single(resources, TYPES.recorderStatus);
            assert.equal(status.inputs.isEnabled, true);
            assert.ok(dependsOn(status, channel), "a recorder starts only once it has a delivery channel");
        });

        it("encrypts every new EBS volume by default under a customer-managed key the account uses through EC2", async () => {
            const { resources } = await previewOf("production");
            assert.equal(single(resources, TYPES.ebsDefault).inputs.enabled, true);
            const key = single(resources, TYPES.key, "account-regional-ebs-key");
            assert.deepEqual(single(resources, TYPES.ebsKey).propertyDependencies.keyArn, [key.urn]);
            const throughEc2 = policyOf(key).Statement.find((s) => s.Sid === "AccountUsesKeyThroughEc2")!;
            assert.deepEqual(throughEc2.Condition, { StringEquals: { "kms:CallerAccount": "111122223333", "kms:ViaService": "ec2.us-east-1.amazonaws.com" } });
        });

        it("sets the IAM password policy: 14 characters of every class, 24 remembered, 90 days", async () => {
            const { resources } = await previewOf("production");
            const policy = single(resources, TYPES.passwordPolicy);
            assert.deepEqual(
                [policy.inputs.minimumPasswordLength, policy.inputs.passwordReusePrevention, policy.inputs.maxPasswordAge],
                [14, 24, 90],
            );
            for (const flag of ["requireLowercaseCharacters", "requireUppercaseCharacters", "requireNumbers", "requireSymbols"]) assert.equal(policy.inputs[flag], true, flag);
            assert.equal(policy.options.retainOnDelete, true);
        });
    });
});
