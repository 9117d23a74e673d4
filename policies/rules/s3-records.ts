/**
 * S3 controls on what happens to a bucket's objects after they are written: event notifications,
 * copies in another region, and default Object Lock retention. Each is scoped so that what it asks
 * is right for the bucket: log and audit destinations are copies already, and Object Lock blocks
 * the lifecycle expiry of every object it covers.
 */
import { type ClinicalPolicy, type Finding, stackRule } from "../lib/policy";
import { type StackResource, type StackView, refersTo } from "../lib/stack";
import { BACKUP, BASELINE, CLOUDTRAIL, COVERAGE, S3 } from "../lib/types";
import { type Maybe, isKnown, isUnknown, present } from "../lib/values";
import { logTargets, replicationRules } from "./s3";

const BUCKETS = [S3.bucket, S3.bucketV2];
const BUCKET_IDENTIFIERS = ["bucket", "id"] as const;
/** The tag every platform resource carries with the highest class of data it may hold (stacks/profiles.ts). */
const CLASSIFICATION_TAG = "DataClassification";
const AUDIT_SOURCES: ReadonlyArray<[string, string]> = [[CLOUDTRAIL.trail, "s3BucketName"], [BASELINE.configDeliveryChannel, "s3BucketName"]];

interface ClassificationConfig {
    classifications: string[];
}

const CLASSIFICATIONS_SCHEMA = {
    type: "array" as const,
    items: { type: "string" as const, minLength: 1 },
    uniqueItems: true,
    default: ["phi"],
    description: `Values of the ${CLASSIFICATION_TAG} tag whose buckets the policy judges.`,
};

/** Whether the bucket's classification tag is one of `classes`; unknown tags are judged (they may be). */
function classified(bucket: StackResource, classes: readonly string[]): boolean {
    const tags = bucket.props<{ tags?: Maybe<Record<string, Maybe<string>>> }>().tags;
    if (isUnknown(tags)) return true;
    const value = isKnown(tags) ? tags[CLASSIFICATION_TAG] : undefined;
    return isUnknown(value) || (isKnown(value) && classes.includes(value));
}

/** Buckets receiving CloudTrail log files or AWS Config history (or only those of `sources`). */
function auditDestinations(stack: StackView, sources = AUDIT_SOURCES): Set<string> {
    const buckets = stack.ofType(...BUCKETS);
    return new Set(buckets.filter((bucket) => sources.some(([type, path]) =>
        stack.ofType(type).some((source) => refersTo(source, path, bucket, BUCKET_IDENTIFIERS)))).map((bucket) => bucket.urn));
}

function sideResources(stack: StackView, bucket: StackResource, ...types: string[]): StackResource[] {
    return stack.ofType(...types).filter((side) => refersTo(side, "bucket", bucket, BUCKET_IDENTIFIERS));
}

export const s3EventNotifications = stackRule({
    name: "s3-event-notifications",
    description: "Every S3 bucket publishes object events (to EventBridge, SNS, SQS or Lambda), so changes to stored data can be watched and acted on.",
    severity: "medium",
    category: "logging",
    hipaa: ["164.312(b)", "164.308(a)(1)(ii)(D)"],
    soc2: ["CC7.2"],
    remediation: "Add an aws.s3.BucketNotification for the bucket with eventbridge: true (or a topic, queue or function destination).",
    anchors: { awsConfig: ["S3_EVENT_NOTIFICATIONS_ENABLED"] },
    resourceTypes: BUCKETS,
    *check(stack): Iterable<Finding> {
        for (const bucket of stack.ofType(...BUCKETS)) {
            const publishes = sideResources(stack, bucket, COVERAGE.s3Notification).some((notification) => {
                const inputs = notification.props<Record<string, Maybe<unknown>>>();
                const destinations = ["topics", "queues", "lambdaFunctions"].some((key) => present(inputs[key] as Maybe<unknown[]>));
                return inputs.eventbridge === true || destinations;
            });
            if (!publishes) {
                yield { resource: bucket, message: "The bucket publishes no event notifications (no BucketNotification with eventbridge or a destination), so no one hears of changes to its objects." };
            }
        }
    },
});

export const s3ReplicationEnabled = stackRule<ClassificationConfig>({
    name: "s3-replication-enabled",
    description:
        "Every S3 bucket holding the configured classes of data (PHI by default) keeps a copy elsewhere: replication, or an AWS Backup plan that selects it. Log and audit destinations and replicas are exempt.",
    severity: "high",
    category: "availability",
    hipaa: ["164.308(a)(7)(ii)(A)", "164.308(a)(7)(ii)(B)"],
    soc2: ["A1.2", "A1.3"],
    remediation:
        'Add an aws.s3.BucketReplicationConfig with an "Enabled" rule to a bucket in the DR region, or add the bucket\'s ARN to an aws.backup.Selection of a plan that copies cross-region.',
    // AWS Config's S3_BUCKET_REPLICATION_ENABLED asks for replication on every bucket. A copy by an AWS
    // Backup plan (whose cross-region copy backup-plan-cross-region-copy requires) serves the same
    // contingency purpose; log and audit buckets are copies of activity, and a replica is the copy.
    anchors: { awsConfig: ["S3_BUCKET_REPLICATION_ENABLED"], cdkNag: ["S3BucketReplicationEnabled"] },
    config: { classifications: CLASSIFICATIONS_SCHEMA },
    resourceTypes: BUCKETS,
    *check(stack, { config }): Iterable<Finding> {
        const exempt = new Set([...logTargets(stack), ...auditDestinations(stack)]);
        const replications = stack.ofType(S3.replication);
        const plans = stack.ofType(BACKUP.plan);
        const selections = stack.ofType(BACKUP.selection).filter((selection) => plans.some((plan) => refersTo(selection, "planId", plan, ["id"])));
        for (const bucket of stack.ofType(...BUCKETS)) {
            if (exempt.has(bucket.urn) || !classified(bucket, config.classifications)) continue;
            if (replications.some((replication) => refersTo(replication, "rules", bucket, ["arn"]))) continue;
            const enabled = (rules: ReturnType<typeof replicationRules>) => rules.some((rule) => isKnown(rule) && rule.status === "Enabled");
            const replicated = enabled(replicationRules(bucket.type, bucket.props()))
                || sideResources(stack, bucket, S3.replication).some((side) => enabled(replicationRules(side.type, side.props())));
            const backedUp = selections.some((selection) => refersTo(selection, "resources", bucket, ["arn"]));
            if (!replicated && !backedUp) {
                yield { resource: bucket, message: "The bucket has no enabled replication rule and no AWS Backup plan selects it, so its data has no copy outside the bucket." };
            }
        }
    },
});

export const s3DefaultObjectLock = stackRule<ClassificationConfig & { allDataBuckets: boolean }>({
    name: "s3-default-object-lock",
    description:
        "Buckets receiving CloudTrail log files, of the configured classes of data (PHI by default), lock every new object for a default retention.",
    severity: "high",
    category: "logging",
    hipaa: ["164.312(b)", "164.312(c)(1)", "164.312(c)(2)"],
    soc2: ["CC7.2", "PI1.5"],
    remediation: "Create the bucket with objectLockEnabled: true and add a BucketObjectLockConfiguration whose rule.defaultRetention gives a mode and days (or years).",
    // AWS Config's S3_BUCKET_DEFAULT_LOCK_ENABLED asks it of every bucket. Object Lock keeps every version
    // until its retention ends, whatever the lifecycle says, and a replicated source needs a locked
    // destination; the platform's data buckets are versioned and copied by a (locked, in production) AWS
    // Backup vault instead. So by default it is asked where tampering is the threat the control exists
    // for: the account's activity record. allDataBuckets extends it to every bucket of the configured classes.
    anchors: { awsConfig: ["S3_BUCKET_DEFAULT_LOCK_ENABLED"] },
    config: {
        classifications: CLASSIFICATIONS_SCHEMA,
        allDataBuckets: { type: "boolean", default: false, description: "Judge every bucket of the configured classes, not only audit destinations." },
    },
    resourceTypes: BUCKETS,
    *check(stack, { config }): Iterable<Finding> {
        const audit = auditDestinations(stack, AUDIT_SOURCES.filter(([type]) => type === CLOUDTRAIL.trail));
        for (const bucket of stack.ofType(...BUCKETS)) {
            if (!classified(bucket, config.classifications) || !(config.allDataBuckets || audit.has(bucket.urn))) continue;
            const locks = sideResources(stack, bucket, COVERAGE.s3ObjectLock);
            const enabled = bucket.props<{ objectLockEnabled?: Maybe<boolean> }>().objectLockEnabled === true
                || locks.some((lock) => lock.props<{ objectLockEnabled?: Maybe<string> }>().objectLockEnabled === "Enabled");
            const retention = locks.some((lock) => {
                const rule = lock.props<{ rule?: Maybe<{ defaultRetention?: Maybe<{ mode?: Maybe<string>; days?: Maybe<number>; years?: Maybe<number> }> }> }>().rule;
                const defaults = isKnown(rule) ? rule.defaultRetention : undefined;
                return isKnown(defaults) && present(defaults.mode) && ((isKnown(defaults.days) && defaults.days > 0) || (isKnown(defaults.years) && defaults.years > 0));
            });
            if (!enabled) {
                yield { resource: bucket, message: "Object Lock is not enabled on the bucket (objectLockEnabled), so its audit records can be overwritten or deleted." };
            } else if (!retention) {
                yield { resource: bucket, message: "The bucket has no default Object Lock retention (BucketObjectLockConfiguration rule.defaultRetention with mode and days), so new objects are not locked." };
            }
        }
    },
});

export const s3RecordsPolicies: ClinicalPolicy[] = [s3EventNotifications, s3ReplicationEnabled, s3DefaultObjectLock];
