import { PUBLIC_ACCESS_HIPAA } from "../lib/citations";
import { deniesInsecureTransport, isPublicAllow, statementsOf, type Statement } from "../lib/documents";
import { type ClinicalPolicy, resourceRule, stackRule } from "../lib/policy";
import { type StackResource, type StackView, refersTo } from "../lib/stack";
import { CLOUDFRONT, EC2, LB, S3 } from "../lib/types";
import { type Maybe, UNKNOWN, elements, isKnown, isPresent, isUnknown, present, presentOrPending } from "../lib/values";

export interface SseDefaultInputs {
    sseAlgorithm?: Maybe<string>;
    kmsMasterKeyId?: Maybe<string>;
}

export interface SseRuleInputs {
    applyServerSideEncryptionByDefault?: Maybe<SseDefaultInputs>;
}

interface GrantInputs {
    type?: Maybe<string>;
    uri?: Maybe<string>;
}

/** Inputs of `aws.s3.Bucket`, including its deprecated inline configuration. */
export interface BucketInputs {
    bucket?: Maybe<string>;
    acl?: Maybe<string>;
    grants?: Maybe<Maybe<GrantInputs>[]>;
    policy?: unknown;
    serverSideEncryptionConfiguration?: Maybe<{ rule?: Maybe<SseRuleInputs> }>;
    versioning?: Maybe<{ enabled?: Maybe<boolean> }>;
    logging?: Maybe<{ targetBucket?: Maybe<string> }>;
    lifecycleRules?: Maybe<Maybe<object>[]>;
}

/** Inputs of the deprecated `aws.s3.BucketV2`, whose inline configuration is plural. */
export interface BucketV2Inputs {
    bucket?: Maybe<string>;
    acl?: Maybe<string>;
    grants?: Maybe<Maybe<GrantInputs>[]>;
    policy?: unknown;
    serverSideEncryptionConfigurations?: Maybe<
        Maybe<{ rules?: Maybe<Maybe<{ applyServerSideEncryptionByDefaults?: Maybe<Maybe<SseDefaultInputs>[]> }>[]> }>[]
    >;
    versionings?: Maybe<Maybe<{ enabled?: Maybe<boolean> }>[]>;
    loggings?: Maybe<Maybe<{ targetBucket?: Maybe<string> }>[]>;
    lifecycleRules?: Maybe<Maybe<object>[]>;
}

export interface BucketEncryptionInputs {
    bucket?: Maybe<string>;
    rules?: Maybe<Maybe<SseRuleInputs>[]>;
}

export interface BucketPublicAccessBlockInputs {
    bucket?: Maybe<string>;
    blockPublicAcls?: Maybe<boolean>;
    blockPublicPolicy?: Maybe<boolean>;
    ignorePublicAcls?: Maybe<boolean>;
    restrictPublicBuckets?: Maybe<boolean>;
}

export interface BucketVersioningInputs {
    bucket?: Maybe<string>;
    versioningConfiguration?: Maybe<{ status?: Maybe<string> }>;
}

export interface BucketLoggingInputs {
    bucket?: Maybe<string>;
    targetBucket?: Maybe<string>;
}

export interface BucketAclInputs {
    bucket?: Maybe<string>;
    acl?: Maybe<string>;
    accessControlPolicy?: Maybe<{ grants?: Maybe<Maybe<{ grantee?: Maybe<GrantInputs> }>[]> }>;
}

export interface BucketPolicyInputs {
    bucket?: Maybe<string>;
    policy?: unknown;
}

export interface BucketOwnershipControlsInputs {
    bucket?: Maybe<string>;
    rule?: Maybe<{ objectOwnership?: Maybe<string> }>;
}

/** Inputs of the standalone `aws.s3.BucketReplicationConfig`. */
export interface BucketReplicationInputs {
    rules?: Maybe<
        Maybe<{
            status?: Maybe<string>;
            destination?: Maybe<{ encryptionConfiguration?: Maybe<{ replicaKmsKeyId?: Maybe<string> }> }>;
            sourceSelectionCriteria?: Maybe<{ sseKmsEncryptedObjects?: Maybe<{ status?: Maybe<string> }> }>;
        }>[]
    >;
}

/**
 * Replication inline on `aws.s3.Bucket` (`replicationConfiguration`) and on `aws.s3.BucketV2`
 * (`replicationConfigurations`, every block a list); field names from the @pulumi/aws 7.48.0
 * types/input.d.ts, checked 2026-12-01. Inline, the key sits on the destination itself and the
 * SSE-KMS criterion is a boolean `enabled`.
 */
interface InlineReplicationRule {
    status?: Maybe<string>;
    destination?: Maybe<{ replicaKmsKeyId?: Maybe<string> }>;
    destinations?: Maybe<Maybe<{ replicaKmsKeyId?: Maybe<string> }>[]>;
    sourceSelectionCriteria?: Maybe<{ sseKmsEncryptedObjects?: Maybe<{ enabled?: Maybe<boolean> }> }>;
    sourceSelectionCriterias?: Maybe<Maybe<{ sseKmsEncryptedObjects?: Maybe<Maybe<{ enabled?: Maybe<boolean> }>[]> }>[]>;
}

export interface InlineReplicationInputs {
    replicationConfiguration?: Maybe<{ rules?: Maybe<Maybe<InlineReplicationRule>[]> }>;
    replicationConfigurations?: Maybe<Maybe<{ rules?: Maybe<Maybe<InlineReplicationRule>[]> }>[]>;
}

const BUCKETS = [S3.bucket, S3.bucketV2] as const;
const BUCKET_IDENTIFIERS = ["bucket", "id"] as const;
const KMS_ALGORITHMS = new Set(["aws:kms", "aws:kms:dsse"]);
const PUBLIC_CANNED_ACLS = new Set(["public-read", "public-read-write", "authenticated-read"]);
const PUBLIC_GRANTEE = /acs\.amazonaws\.com\/groups\/global\/(AllUsers|AuthenticatedUsers)$/;

/** Side resources of `types` whose `bucket` input points at `bucket`. */
function sideResources(stack: StackView, bucket: StackResource, ...types: string[]): StackResource[] {
    return stack.ofType(...types).filter((side) => refersTo(side, "bucket", bucket, BUCKET_IDENTIFIERS));
}

/** Every default-encryption setting that applies to the bucket, inline or from side resources. */
function encryptionDefaults(stack: StackView, bucket: StackResource): Maybe<SseDefaultInputs>[] {
    const defaults: Maybe<SseDefaultInputs>[] = [];
    if (bucket.type === S3.bucket) {
        const configuration = bucket.props<BucketInputs>().serverSideEncryptionConfiguration;
        const rule = isKnown(configuration) ? configuration.rule : configuration;
        if (isPresent(rule)) {
            defaults.push(isKnown(rule) ? rule.applyServerSideEncryptionByDefault : rule);
        }
    } else {
        for (const config of elements(bucket.props<BucketV2Inputs>().serverSideEncryptionConfigurations).known) {
            for (const rule of elements(config.rules).known) {
                defaults.push(...elements(rule.applyServerSideEncryptionByDefaults).known);
            }
        }
    }
    for (const side of sideResources(stack, bucket, S3.encryption, S3.encryptionV2)) {
        const rules = side.props<BucketEncryptionInputs>().rules;
        if (isUnknown(rules)) {
            defaults.push(rules);
        }
        for (const rule of elements(rules).known) {
            defaults.push(rule.applyServerSideEncryptionByDefault);
        }
    }
    return defaults;
}

/**
 * Buckets receiving application load balancer access logs or S3 server access logs: ELB and S3
 * deliver those only to buckets encrypted with SSE-S3, so AES256 is the one acceptable exception there.
 */
function sseS3LogTargets(stack: StackView): Set<string> {
    const balancers = stack.ofType(...LB.loadBalancer);
    const loggings = stack.ofType(S3.logging, S3.loggingV2);
    return new Set(
        stack
            .ofType(...BUCKETS)
            .filter((bucket) => balancers.some((balancer) => refersTo(balancer, "accessLogs.bucket", bucket, BUCKET_IDENTIFIERS))
                || loggings.some((logging) => refersTo(logging, "targetBucket", bucket, BUCKET_IDENTIFIERS)))
            .map((bucket) => bucket.urn),
    );
}

export const s3DefaultEncryptionKms = stackRule({
    name: "s3-default-encryption-kms",
    description: "Every S3 bucket encrypts new objects by default with SSE-KMS.",
    severity: "critical",
    category: "encryption",
    hipaa: ["164.312(a)(2)(iv)", "164.312(e)(2)(ii)"],
    soc2: ["CC6.1", "PI1.4"],
    remediation:
        'Add a BucketServerSideEncryptionConfiguration for the bucket with sseAlgorithm "aws:kms" and the data key (AES256 only on a bucket receiving load balancer or S3 server access logs).',
    anchors: { awsConfig: ["S3_BUCKET_SERVER_SIDE_ENCRYPTION_ENABLED", "S3_DEFAULT_ENCRYPTION_KMS"], cdkNag: ["S3DefaultEncryptionKMS"] },
    resourceTypes: BUCKETS,
    *check(stack) {
        const logTargets = sseS3LogTargets(stack);
        for (const bucket of stack.ofType(...BUCKETS)) {
            const accepted = logTargets.has(bucket.urn) ? [...KMS_ALGORITHMS, "AES256"] : [...KMS_ALGORITHMS];
            const defaults = encryptionDefaults(stack, bucket);
            const encrypted = defaults.some(
                (d) => isKnown(d) && present(d.sseAlgorithm) && accepted.includes(d.sseAlgorithm),
            );
            if (defaults.length === 0) {
                yield { resource: bucket, message: "The bucket has no server-side encryption configuration, so objects get only SSE-S3, not a KMS key." };
            } else if (!encrypted) {
                yield { resource: bucket, message: "The bucket's default encryption is not aws:kms, so access to objects is not governed by a KMS key policy." };
            }
        }
    },
});

export const s3EncryptionCustomerManagedKey = resourceRule<BucketEncryptionInputs & BucketInputs>({
    name: "s3-encryption-customer-managed-key",
    description: "S3 SSE-KMS default encryption names a customer-managed KMS key.",
    severity: "high",
    category: "encryption",
    hipaa: ["164.312(a)(2)(iv)"],
    soc2: ["CC6.1"],
    remediation: "Set applyServerSideEncryptionByDefault.kmsMasterKeyId to the platform's data key.",
    resourceTypes: [S3.encryption, S3.encryptionV2, S3.bucket],
    *check(inputs, { type }) {
        const rules =
            type === S3.bucket
                ? elements([inputs.serverSideEncryptionConfiguration]).known.map((config) => config.rule)
                : elements(inputs.rules).known;
        for (const rule of rules) {
            const defaults = isKnown(rule) ? rule.applyServerSideEncryptionByDefault : undefined;
            // Whether the algorithm may be anything but KMS is s3-default-encryption-kms's call.
            if (!isKnown(defaults) || !KMS_ALGORITHMS.has(String(defaults.sseAlgorithm))) {
                continue;
            }
            if (!presentOrPending(defaults.kmsMasterKeyId)) {
                yield "An SSE-KMS rule has no kmsMasterKeyId, so it uses the AWS-managed aws/s3 key instead of the platform's key.";
            }
        }
    },
});

export const s3BlockPublicAccess = stackRule({
    name: "s3-block-public-access",
    description: "Every S3 bucket has its own public access block.",
    severity: "critical",
    category: "public-access",
    hipaa: PUBLIC_ACCESS_HIPAA,
    soc2: ["CC6.1", "CC6.6"],
    remediation: "Add a BucketPublicAccessBlock for the bucket with all four settings true.",
    anchors: { awsConfig: ["S3_BUCKET_PUBLIC_READ_PROHIBITED", "S3_BUCKET_PUBLIC_WRITE_PROHIBITED"], cdkNag: ["S3BucketPublicReadProhibited", "S3BucketPublicWriteProhibited"] },
    resourceTypes: BUCKETS,
    *check(stack) {
        for (const bucket of stack.ofType(...BUCKETS)) {
            if (sideResources(stack, bucket, S3.publicAccessBlock).length === 0) {
                yield { resource: bucket, message: "The bucket has no BucketPublicAccessBlock, so a policy or ACL could make it public." };
            }
        }
    },
});

export const s3PublicAccessBlockSettings = resourceRule<BucketPublicAccessBlockInputs>({
    name: "s3-public-access-block-settings",
    description: "S3 public access blocks turn on all four protections.",
    severity: "critical",
    category: "public-access",
    hipaa: PUBLIC_ACCESS_HIPAA,
    soc2: ["CC6.1", "CC6.6"],
    remediation: "Set blockPublicAcls, blockPublicPolicy, ignorePublicAcls and restrictPublicBuckets to true.",
    anchors: { awsConfig: ["S3_BUCKET_PUBLIC_READ_PROHIBITED", "S3_BUCKET_PUBLIC_WRITE_PROHIBITED"], cdkNag: ["S3BucketLevelPublicAccessProhibited", "S3BucketPublicReadProhibited", "S3BucketPublicWriteProhibited"] },
    resourceTypes: [S3.publicAccessBlock],
    *check(block) {
        const settings = ["blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"] as const;
        const off = settings.filter((setting) => block[setting] !== true);
        if (off.length > 0) {
            yield `${off.join(", ")} ${off.length === 1 ? "is" : "are"} not true, so public access is only partly blocked.`;
        }
    },
});

export const s3NoPublicAcl = resourceRule<BucketInputs & BucketAclInputs>({
    name: "s3-no-public-acl",
    description: "S3 buckets grant nothing to all users or to any authenticated AWS user through ACLs.",
    severity: "critical",
    category: "public-access",
    hipaa: PUBLIC_ACCESS_HIPAA,
    soc2: ["CC6.1"],
    remediation: 'Use the "private" canned ACL (or none, with ACLs disabled) and remove AllUsers / AuthenticatedUsers grants.',
    anchors: { awsConfig: ["S3_BUCKET_ACL_PROHIBITED", "S3_BUCKET_PUBLIC_READ_PROHIBITED", "S3_BUCKET_PUBLIC_WRITE_PROHIBITED"], cdkNag: ["S3BucketPublicReadProhibited", "S3BucketPublicWriteProhibited"] },
    resourceTypes: [S3.bucket, S3.bucketV2, S3.acl, S3.aclV2],
    *check(inputs) {
        if (isKnown(inputs.acl) && PUBLIC_CANNED_ACLS.has(inputs.acl)) {
            yield `The canned ACL ${inputs.acl} opens the bucket beyond the account.`;
        }
        const grantees = [
            ...elements(inputs.grants).known,
            ...elements(isKnown(inputs.accessControlPolicy) ? inputs.accessControlPolicy.grants : undefined).known.map((grant) => grant.grantee),
        ];
        if (grantees.some((grantee) => isKnown(grantee) && isKnown(grantee.uri) && PUBLIC_GRANTEE.test(grantee.uri))) {
            yield "An ACL grant names the AllUsers or AuthenticatedUsers group.";
        }
    },
});

export const s3BucketPolicyNoPublicAccess = resourceRule<BucketPolicyInputs>({
    name: "s3-bucket-policy-no-public-access",
    description: "S3 bucket policies allow nothing to everyone without a narrowing condition.",
    severity: "critical",
    category: "public-access",
    hipaa: PUBLIC_ACCESS_HIPAA,
    soc2: ["CC6.1", "CC6.3"],
    remediation: "Name specific principals (e.g. cloudfront.amazonaws.com with an aws:SourceArn condition) instead of \"*\".",
    anchors: { awsConfig: ["S3_BUCKET_PUBLIC_READ_PROHIBITED", "S3_BUCKET_PUBLIC_WRITE_PROHIBITED"] },
    resourceTypes: [S3.policy, S3.bucket, S3.bucketV2],
    *check(inputs) {
        const statements = statementsOf(inputs.policy);
        if (Array.isArray(statements) && statements.some(isPublicAllow)) {
            yield 'The bucket policy allows Principal "*" without a condition, which makes the bucket public.';
        }
    },
});

/** Whether a Deny-without-TLS statement covers every S3 action on the bucket and its objects. */
function coversBucketAndObjects(statement: Statement): boolean {
    const allActions = statement.actions.some((action) => action === "s3:*" || action === "*");
    if (!allActions) {
        return false;
    }
    if (statement.incomplete) {
        return true;
    }
    return statement.resources.some((r) => r.endsWith("/*")) && statement.resources.some((r) => !r.endsWith("/*"));
}

export const s3SslRequestsOnly = stackRule({
    name: "s3-ssl-requests-only",
    description: "Every S3 bucket policy denies requests that do not use TLS.",
    severity: "high",
    category: "encryption",
    hipaa: ["164.312(a)(2)(iv)", "164.312(c)(2)", "164.312(e)(1)", "164.312(e)(2)(i)", "164.312(e)(2)(ii)"],
    soc2: ["CC6.7"],
    remediation:
        'Attach a BucketPolicy with {Effect: "Deny", Principal: "*", Action: "s3:*", Resource: [bucket ARN, bucket ARN + "/*"], Condition: {Bool: {"aws:SecureTransport": "false"}}}.',
    anchors: { awsConfig: ["S3_BUCKET_SSL_REQUESTS_ONLY"], cdkNag: ["S3BucketSSLRequestsOnly"] },
    resourceTypes: BUCKETS,
    *check(stack) {
        for (const bucket of stack.ofType(...BUCKETS)) {
            const documents = [
                bucket.props<BucketInputs>().policy,
                ...sideResources(stack, bucket, S3.policy).map((policy) => policy.props<BucketPolicyInputs>().policy),
            ].filter((document) => document !== undefined && document !== null);
            const enforced = documents.some((document) => {
                const statements = statementsOf(document);
                return isUnknown(statements) || (statements?.some((s) => deniesInsecureTransport(s) && coversBucketAndObjects(s)) ?? false);
            });
            if (!enforced) {
                yield {
                    resource: bucket,
                    message: "No bucket policy denies requests made without TLS (aws:SecureTransport = false) on the bucket and its objects.",
                };
            }
        }
    },
});

export const s3VersioningEnabled = stackRule({
    name: "s3-versioning-enabled",
    description: "Every S3 bucket keeps object versions so overwritten or deleted data can be recovered.",
    severity: "high",
    category: "availability",
    hipaa: ["164.308(a)(7)(i)", "164.308(a)(7)(ii)(A)", "164.308(a)(7)(ii)(B)", "164.312(c)(1)", "164.312(c)(2)"],
    soc2: ["A1.2", "PI1.5"],
    remediation: 'Add a BucketVersioning for the bucket with versioningConfiguration.status "Enabled".',
    anchors: { awsConfig: ["S3_BUCKET_VERSIONING_ENABLED"], cdkNag: ["S3BucketVersioningEnabled"] },
    resourceTypes: BUCKETS,
    *check(stack) {
        for (const bucket of stack.ofType(...BUCKETS)) {
            const statuses: unknown[] =
                bucket.type === S3.bucket
                    ? [versioningFlag(bucket)]
                    : elements(bucket.props<BucketV2Inputs>().versionings).known.map((versioning) => versioning.enabled);
            for (const side of sideResources(stack, bucket, S3.versioning, S3.versioningV2)) {
                const configuration = side.props<BucketVersioningInputs>().versioningConfiguration;
                statuses.push(isUnknown(configuration) ? configuration : configuration?.status);
            }
            if (!statuses.some((status) => status === "Enabled" || status === true)) {
                yield { resource: bucket, message: "Versioning is not enabled, so an overwrite or delete destroys the only copy of an object." };
            }
        }
    },
});

function versioningFlag(bucket: StackResource): Maybe<boolean> {
    const versioning = bucket.props<BucketInputs>().versioning;
    return isKnown(versioning) ? versioning.enabled : versioning;
}

const LOG_TARGET_IDENTIFIERS = ["bucket", "id", "arn", "bucketDomainName"] as const;

/** Buckets that receive logs from S3, load balancers, CloudFront or VPC flow logs. */
export function logTargets(stack: StackView): Set<string> {
    const targets = new Set<string>();
    const buckets = stack.ofType(...BUCKETS);
    const senders: [readonly string[], string][] = [
        [[S3.logging, S3.loggingV2], "targetBucket"],
        [LB.loadBalancer, "accessLogs.bucket"],
        [[CLOUDFRONT.distribution], "loggingConfig.bucket"],
        [[EC2.flowLog], "logDestination"],
        [[S3.bucket], "logging.targetBucket"],
        [[S3.bucketV2], "loggings"],
    ];
    for (const bucket of buckets) {
        if (senders.some(([types, path]) => stack.ofType(...types).some((sender) => refersTo(sender, path, bucket, LOG_TARGET_IDENTIFIERS)))) {
            targets.add(bucket.urn);
        }
    }
    return targets;
}

export const s3AccessLogging = stackRule({
    name: "s3-access-logging",
    description: "Every S3 bucket that is not itself a log destination records server access logs.",
    severity: "high",
    category: "logging",
    hipaa: ["164.308(a)(3)(ii)(A)", "164.312(b)"],
    soc2: ["CC7.2", "CC7.3"],
    remediation: "Add a BucketLogging for the bucket with targetBucket set to the platform's log bucket.",
    anchors: { awsConfig: ["S3_BUCKET_LOGGING_ENABLED"], cdkNag: ["S3BucketLoggingEnabled"] },
    resourceTypes: BUCKETS,
    *check(stack) {
        const targets = logTargets(stack);
        for (const bucket of stack.ofType(...BUCKETS)) {
            if (targets.has(bucket.urn)) {
                continue;
            }
            const inline =
                bucket.type === S3.bucket
                    ? [inlineLogTarget(bucket.props<BucketInputs>().logging)]
                    : elements(bucket.props<BucketV2Inputs>().loggings).known.map((logging) => logging.targetBucket);
            const side = sideResources(stack, bucket, S3.logging, S3.loggingV2).map(
                (logging) => logging.props<BucketLoggingInputs>().targetBucket,
            );
            if (![...inline, ...side].some(isPresent)) {
                yield { resource: bucket, message: "The bucket does not record server access logs, so reads and writes of its objects leave no trail." };
            }
        }
    },
});

function inlineLogTarget(logging: Maybe<{ targetBucket?: Maybe<string> }>): Maybe<string> {
    return isUnknown(logging) ? logging : logging?.targetBucket;
}

export const s3AclsDisabled = stackRule({
    name: "s3-acls-disabled",
    description: "Every S3 bucket enforces bucket-owner object ownership, which disables ACLs.",
    severity: "medium",
    category: "access-control",
    hipaa: ["164.312(a)(1)"],
    soc2: ["CC6.1"],
    remediation:
        'Add a BucketOwnershipControls with rule.objectOwnership "BucketOwnerEnforced" ("BucketOwnerPreferred" only for a bucket receiving CloudFront standard logs).',
    anchors: { awsConfig: ["S3_BUCKET_ACL_PROHIBITED"] },
    resourceTypes: BUCKETS,
    *check(stack) {
        const distributions = stack.ofType(CLOUDFRONT.distribution);
        for (const bucket of stack.ofType(...BUCKETS)) {
            const receivesCloudFrontLogs = distributions.some((d) =>
                refersTo(d, "loggingConfig.bucket", bucket, ["bucket", "bucketDomainName"]),
            );
            const accepted = receivesCloudFrontLogs ? ["BucketOwnerEnforced", "BucketOwnerPreferred"] : ["BucketOwnerEnforced"];
            const owned = sideResources(stack, bucket, S3.ownershipControls).some((controls) => {
                const rule = controls.props<BucketOwnershipControlsInputs>().rule;
                return isKnown(rule) && present(rule.objectOwnership) && accepted.includes(rule.objectOwnership);
            });
            if (!owned) {
                yield { resource: bucket, message: `The bucket does not set object ownership to ${accepted.join(" or ")}, so object ACLs stay in effect.` };
            }
        }
    },
});

export const s3LifecycleConfigured = stackRule({
    name: "s3-lifecycle-configured",
    description: "Every S3 bucket has lifecycle rules that expire or transition data on a schedule.",
    severity: "medium",
    category: "availability",
    hipaa: ["164.310(d)(2)(i)"],
    soc2: ["C1.2"],
    remediation: "Add a BucketLifecycleConfiguration for the bucket (e.g. expire noncurrent versions, abort incomplete uploads).",
    anchors: { awsConfig: ["S3_VERSION_LIFECYCLE_POLICY_CHECK"] },
    resourceTypes: BUCKETS,
    *check(stack) {
        // A rule counts when it is known to be on: the program writes lifecycle rules as literals, so a
        // list or status the preview cannot know is not shown to be a retention schedule.
        for (const bucket of stack.ofType(...BUCKETS)) {
            const inline = elements(bucket.props<{ lifecycleRules?: Maybe<Maybe<{ enabled?: Maybe<boolean> }>[]> }>().lifecycleRules);
            const side = sideResources(stack, bucket, S3.lifecycle, S3.lifecycleV2)
                .map((config) => elements(config.props<{ rules?: Maybe<Maybe<{ status?: Maybe<string> }>[]> }>().rules));
            const active = inline.known.some((rule) => rule.enabled === true) || side.some((rules) => rules.known.some((rule) => rule.status === "Enabled"));
            if (active) continue;
            const unknown = inline.hasUnknown || side.some((rules) => rules.hasUnknown)
                || inline.known.some((rule) => isUnknown(rule.enabled)) || side.some((rules) => rules.known.some((rule) => isUnknown(rule.status)));
            yield {
                resource: bucket,
                message: unknown
                    ? "The bucket's lifecycle rules are unknown in preview, so no enabled retention schedule can be shown."
                    : "The bucket has no enabled lifecycle rule, so data is kept (and billed) with no retention schedule.",
            };
        }
    },
});

/** One replication rule in the shape the rule judges, whichever form declared it. */
interface ReplicationRuleView {
    status: Maybe<string>;
    /** Every destination key; a rule is compliant only when each one is given. */
    keys: Maybe<string>[];
    /** Every SSE-KMS criterion; "Enabled" / true when KMS-encrypted objects are replicated. */
    sseKms: Maybe<string | boolean>[];
}

/** The list under `value`, or one unknown entry when the list itself is unknown. */
function listOf<T>(value: Maybe<readonly Maybe<T>[]>): Maybe<T>[] {
    const { known, hasUnknown } = elements(value);
    return hasUnknown ? [...known, UNKNOWN] : known;
}

/** `value[key]` for a known object, the unknown itself for an unknown one. */
function field(value: unknown, key: string): Maybe<unknown> {
    if (isUnknown(value)) {
        return value;
    }
    return value !== null && typeof value === "object" ? (value as Record<string, Maybe<unknown>>)[key] : undefined;
}

export function replicationRules(type: string, props: Record<string, unknown>): Maybe<ReplicationRuleView>[] {
    if (type === S3.replication) {
        return listOf((props as BucketReplicationInputs).rules).map((rule) =>
            isKnown(rule)
                ? {
                      status: rule.status,
                      keys: [field(field(rule.destination, "encryptionConfiguration"), "replicaKmsKeyId") as Maybe<string>],
                      sseKms: [field(field(rule.sourceSelectionCriteria, "sseKmsEncryptedObjects"), "status") as Maybe<string>],
                  }
                : rule,
        );
    }
    const inputs = props as InlineReplicationInputs;
    const configurations =
        type === S3.bucket
            ? !presentOrPending(inputs.replicationConfiguration) ? [] : [inputs.replicationConfiguration]
            : listOf(inputs.replicationConfigurations);
    return configurations.flatMap((configuration) =>
        listOf(field(configuration, "rules") as Maybe<Maybe<InlineReplicationRule>[]>).map((rule) => {
            if (!isKnown(rule)) {
                return rule;
            }
            const destinations = type === S3.bucket ? [rule.destination] : listOf(rule.destinations);
            const criteria = type === S3.bucket ? [rule.sourceSelectionCriteria] : listOf(rule.sourceSelectionCriterias);
            return {
                status: rule.status,
                keys: destinations.map((destination) => field(destination, "replicaKmsKeyId") as Maybe<string>),
                sseKms: criteria.flatMap((c) => {
                    const objects = field(c, "sseKmsEncryptedObjects");
                    const list = type === S3.bucket ? [objects] : listOf(objects as Maybe<Maybe<unknown>[]>);
                    return list.map((o) => field(o, "enabled") as Maybe<boolean>);
                }),
            };
        }),
    );
}

export const s3ReplicationDestinationEncrypted = resourceRule<Record<string, unknown>>({
    name: "s3-replication-destination-encrypted",
    description: "S3 replication copies KMS-encrypted objects and re-encrypts them with a KMS key at the destination.",
    severity: "medium",
    category: "encryption",
    hipaa: ["164.312(a)(2)(iv)", "164.308(a)(7)(ii)(A)"],
    soc2: ["CC6.1", "A1.2"],
    remediation:
        'In each enabled rule set destination.encryptionConfiguration.replicaKmsKeyId and sourceSelectionCriteria.sseKmsEncryptedObjects.status "Enabled" (inline on the bucket: destination.replicaKmsKeyId and sseKmsEncryptedObjects.enabled).',
    resourceTypes: [S3.replication, S3.bucket, S3.bucketV2],
    *check(props, { type }) {
        for (const rule of replicationRules(type, props)) {
            if (!isKnown(rule)) {
                // A rule list built at deploy time cannot be shown to encrypt replicas.
                yield "A replication rule is unknown until the update runs, so its destination encryption cannot be checked.";
                continue;
            }
            // An unknown status may be "Enabled": judge the rule.
            if (present(rule.status) && rule.status !== "Enabled") {
                continue;
            }
            // The key's ARN is usually that of a key created in the same update, unknown in a
            // first deployment's preview: an unknown key passes, an empty or missing one fails.
            if (rule.keys.length === 0 || !rule.keys.every((key) => presentOrPending(key))) {
                yield "An enabled replication rule has no destination replicaKmsKeyId, so replicas are not encrypted with the platform's key.";
            }
            // The criterion is a literal: unknown, empty or disabled all fail.
            if (rule.sseKms.length === 0 || !rule.sseKms.every((status) => status === "Enabled" || status === true)) {
                yield "An enabled replication rule does not replicate SSE-KMS objects (sourceSelectionCriteria.sseKmsEncryptedObjects).";
            }
        }
    },
});

export const s3Policies: ClinicalPolicy[] = [
    s3DefaultEncryptionKms,
    s3EncryptionCustomerManagedKey,
    s3BlockPublicAccess,
    s3PublicAccessBlockSettings,
    s3NoPublicAcl,
    s3BucketPolicyNoPublicAccess,
    s3SslRequestsOnly,
    s3VersioningEnabled,
    s3AccessLogging,
    s3AclsDisabled,
    s3LifecycleConfigured,
    s3ReplicationDestinationEncrypted,
];
