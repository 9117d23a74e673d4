import { CLOUDFRONT, LB, S3 } from "../../../policies/lib/types";
import * as rules from "../../../policies/rules/s3";
import { describeResourcePolicy, describeStackPolicy } from "../harness/cases";
import { type TestResource, UNKNOWN_VALUE as UNKNOWN, resource } from "../harness/server";

const bucket = resource(S3.bucket, "assets", {});
const logBucket = resource(S3.bucket, "logs", {});
const side = (type: string, name: string, inputs: Record<string, unknown>, target: TestResource = bucket) =>
    resource(type, name, { bucket: UNKNOWN, ...inputs }, { bucket: target });
const kmsRule = { applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: UNKNOWN } };
const tlsOnly = (resources: unknown[]) =>
    JSON.stringify({
        Version: "2012-10-17",
        Statement: [
            {
                Sid: "DenyInsecureTransport",
                Effect: "Deny",
                Principal: "*",
                Action: "s3:*",
                Resource: resources,
                Condition: { Bool: { "aws:SecureTransport": "false" } },
            },
        ],
    });

describe("S3 policies", () => {
    describeStackPolicy(rules.s3DefaultEncryptionKms, {
        accepts: {
            "a bucket with an SSE-KMS configuration (V1 token)": [bucket, side(S3.encryption, "assets-sse", { rules: [kmsRule] })],
            "a bucket with an SSE-KMS configuration (V2 token)": [bucket, side(S3.encryptionV2, "assets-sse", { rules: [kmsRule] })],
            "a bucket with inline SSE-KMS": [
                resource(S3.bucket, "inline", { serverSideEncryptionConfiguration: { rule: kmsRule } }),
            ],
            "the load balancer log bucket with SSE-S3, the only encryption ELB log delivery supports": [
                logBucket,
                side(S3.encryption, "logs-sse", { rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }] }, logBucket),
                resource(LB.loadBalancer[1], "alb", { accessLogs: { bucket: UNKNOWN, enabled: true } }, { accessLogs: logBucket }),
            ],
            "a bucket receiving S3 server access logs with SSE-S3, the only encryption S3 log delivery supports": [
                logBucket,
                side(S3.encryption, "logs-sse", { rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }] }, logBucket),
                bucket,
                side(S3.encryption, "assets-sse", { rules: [kmsRule] }),
                resource(S3.logging, "assets-logging", { bucket: UNKNOWN, targetBucket: UNKNOWN }, { bucket, targetBucket: logBucket }),
            ],
            "a bucket matched to its configuration by literal name": [
                resource(S3.bucket, "named", { bucket: "clinical-assets" }),
                resource(S3.encryption, "named-sse", { bucket: "clinical-assets", rules: [kmsRule] }),
            ],
        },
        rejects: {
            "a bucket without any encryption configuration": {
                resources: [bucket, logBucket, side(S3.encryption, "logs-sse", { rules: [kmsRule] }, logBucket)],
                offenders: ["assets"],
                message: /no server-side encryption configuration/,
            },
            "a bucket encrypted with SSE-S3": {
                resources: [bucket, side(S3.encryption, "assets-sse", { rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }] })],
                offenders: ["assets"],
                message: /not aws:kms/,
            },
        },
    });

    describeResourcePolicy(rules.s3EncryptionCustomerManagedKey, {
        accepts: {
            "a configuration naming the data key": resource(S3.encryptionV2, "sse", { rules: [kmsRule] }),
            "a bucket without inline encryption (its side resource is checked instead)": resource(S3.bucket, "plain", {}),
            "an SSE-S3 rule, whose algorithm is s3-default-encryption-kms's concern": resource(S3.encryption, "sse", {
                rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }],
            }),
        },
        rejects: {
            "a configuration on the AWS-managed key": [
                resource(S3.encryption, "sse", { rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms" } }] }),
                /no kmsMasterKeyId/,
            ],
            "inline SSE-KMS without a key on a bucket": [
                resource(S3.bucket, "inline", { serverSideEncryptionConfiguration: { rule: { applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms" } } } }),
                /no kmsMasterKeyId/,
            ],
        },
    });

    describeStackPolicy(rules.s3BlockPublicAccess, {
        accepts: {
            "a bucket with its public access block": [bucket, side(S3.publicAccessBlock, "assets-pab", {})],
            "a V2 bucket with its public access block": [
                resource(S3.bucketV2, "legacy", {}),
                side(S3.publicAccessBlock, "legacy-pab", {}, resource(S3.bucketV2, "legacy", {})),
            ],
        },
        rejects: {
            "a bucket whose block belongs to another bucket": {
                resources: [bucket, logBucket, side(S3.publicAccessBlock, "logs-pab", {}, logBucket)],
                offenders: ["assets"],
                message: /no BucketPublicAccessBlock/,
            },
        },
    });

    const allBlocked = { blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true };
    describeResourcePolicy(rules.s3PublicAccessBlockSettings, {
        accepts: { "a block with all four settings on": resource(S3.publicAccessBlock, "pab", { bucket: UNKNOWN, ...allBlocked }) },
        rejects: {
            "a block that leaves restrictPublicBuckets off": [
                resource(S3.publicAccessBlock, "pab", { ...allBlocked, restrictPublicBuckets: false }),
                /restrictPublicBuckets is not true/,
            ],
            "a block with no settings": [resource(S3.publicAccessBlock, "pab", {}), /are not true/],
            "a block whose setting is unknown in preview": [resource(S3.publicAccessBlock, "pab", { ...allBlocked, blockPublicAcls: UNKNOWN }), /blockPublicAcls is not true/],
        },
    });

    describeResourcePolicy(rules.s3NoPublicAcl, {
        accepts: {
            "a private bucket ACL": resource(S3.aclV2, "acl", { acl: "private" }),
            "a bucket with no ACL": resource(S3.bucket, "b", {}),
        },
        rejects: {
            "a public-read bucket": [resource(S3.bucket, "b", { acl: "public-read" }), /public-read opens the bucket/],
            "an ACL granting AllUsers": [
                resource(S3.acl, "acl", {
                    accessControlPolicy: {
                        grants: [{ grantee: { type: "Group", uri: "http://acs.amazonaws.com/groups/global/AllUsers" }, permission: "READ" }],
                    },
                }),
                /AllUsers or AuthenticatedUsers/,
            ],
        },
    });

    describeResourcePolicy(rules.s3BucketPolicyNoPublicAccess, {
        accepts: {
            "a CloudFront-only read policy with a SourceArn condition": resource(S3.policy, "p", {
                policy: JSON.stringify({
                    Statement: [
                        {
                            Effect: "Allow",
                            Principal: { Service: "cloudfront.amazonaws.com" },
                            Action: "s3:GetObject",
                            Resource: "arn:aws:s3:::assets/*",
                            Condition: { StringEquals: { "AWS:SourceArn": "arn:aws:cloudfront::123456789012:distribution/E1" } },
                        },
                    ],
                }),
            }),
            "a policy document still unknown at preview": resource(S3.policy, "p", { policy: UNKNOWN }),
        },
        rejects: {
            "a policy allowing everyone to read": [
                resource(S3.policy, "p", {
                    policy: { Statement: [{ Effect: "Allow", Principal: "*", Action: "s3:GetObject", Resource: "arn:aws:s3:::assets/*" }] },
                }),
                /Principal "\*" without a condition/,
            ],
        },
    });

    describeStackPolicy(rules.s3SslRequestsOnly, {
        accepts: {
            "a bucket whose policy denies insecure transport on bucket and objects": [
                bucket,
                side(S3.policy, "assets-policy", { policy: tlsOnly(["arn:aws:s3:::assets", "arn:aws:s3:::assets/*"]) }),
            ],
            "a bucket whose TLS policy is built from its unknown ARN": [bucket, side(S3.policy, "assets-policy", { policy: UNKNOWN })],
            "a TLS statement whose resources are still unknown": [
                bucket,
                side(S3.policy, "assets-policy", { policy: JSON.parse(tlsOnly([UNKNOWN, UNKNOWN])) }),
            ],
            "a policy whose TLS deny sits beside other statements": [
                bucket,
                side(S3.policy, "assets-policy", { policy: JSON.stringify({
                    Version: "2012-10-17",
                    Statement: [
                        { Sid: "CloudFrontReads", Effect: "Allow", Principal: { Service: "cloudfront.amazonaws.com" }, Action: "s3:GetObject", Resource: "arn:aws:s3:::assets/*" },
                        ...JSON.parse(tlsOnly(["arn:aws:s3:::assets", "arn:aws:s3:::assets/*"])).Statement,
                    ],
                }) }),
            ],
        },
        rejects: {
            "a bucket without a bucket policy": { resources: [bucket], offenders: ["assets"], message: /No bucket policy denies/ },
            "a bucket policy without statements": {
                resources: [bucket, side(S3.policy, "assets-policy", { policy: JSON.stringify({ Version: "2012-10-17" }) })],
                offenders: ["assets"],
                message: /No bucket policy denies/,
            },
            "a TLS deny that covers only the objects": {
                resources: [bucket, side(S3.policy, "assets-policy", { policy: tlsOnly(["arn:aws:s3:::assets/*"]) })],
                offenders: ["assets"],
                message: /No bucket policy denies/,
            },
        },
    });

    describeStackPolicy(rules.s3VersioningEnabled, {
        accepts: {
            "a bucket with versioning enabled (V1 token)": [bucket, side(S3.versioning, "v", { versioningConfiguration: { status: "Enabled" } })],
            "a bucket with versioning enabled (V2 token)": [bucket, side(S3.versioningV2, "v", { versioningConfiguration: { status: "Enabled" } })],
            "a bucket with inline versioning": [resource(S3.bucket, "inline", { versioning: { enabled: true } })],
        },
        rejects: {
            "a bucket with versioning suspended": {
                resources: [bucket, side(S3.versioning, "v", { versioningConfiguration: { status: "Suspended" } })],
                offenders: ["assets"],
                message: /Versioning is not enabled/,
            },
            "a bucket without versioning": { resources: [bucket], offenders: ["assets"], message: /Versioning is not enabled/ },
            "a versioning status unknown in preview": {
                resources: [bucket, side(S3.versioning, "v", { versioningConfiguration: { status: UNKNOWN } })],
                offenders: ["assets"],
                message: /Versioning is not enabled/,
            },
        },
    });

    describeStackPolicy(rules.s3AccessLogging, {
        accepts: {
            "a bucket logging to the log bucket, which is itself exempt": [
                bucket,
                logBucket,
                resource(S3.logging, "assets-logging", { bucket: UNKNOWN, targetBucket: UNKNOWN }, { bucket, targetBucket: logBucket }),
            ],
            "a bucket logging through the V2 token to a log bucket named literally": [
                bucket,
                resource(S3.bucket, "logs", { bucket: "clinical-logs" }),
                side(S3.loggingV2, "assets-logging", { targetBucket: "clinical-logs" }),
            ],
            "a bucket that only receives load balancer logs": [
                logBucket,
                resource(LB.loadBalancer[0], "alb", { accessLogs: { bucket: UNKNOWN, enabled: true } }, { accessLogs: logBucket }),
            ],
        },
        rejects: {
            "a bucket that records no access logs": { resources: [bucket], offenders: ["assets"], message: /does not record server access logs/ },
        },
    });

    const ownership = (objectOwnership: string, target: TestResource = bucket) =>
        side(S3.ownershipControls, `${target.name}-ownership`, { rule: { objectOwnership } }, target);
    describeStackPolicy(rules.s3AclsDisabled, {
        accepts: {
            "a bucket with BucketOwnerEnforced": [bucket, ownership("BucketOwnerEnforced")],
            "a CloudFront log bucket with BucketOwnerPreferred": [
                logBucket,
                ownership("BucketOwnerPreferred", logBucket),
                resource(CLOUDFRONT.distribution, "cdn", { loggingConfig: { bucket: UNKNOWN } }, { loggingConfig: logBucket }),
            ],
        },
        rejects: {
            "an ordinary bucket with BucketOwnerPreferred": {
                resources: [bucket, ownership("BucketOwnerPreferred")],
                offenders: ["assets"],
                message: /BucketOwnerEnforced, so object ACLs/,
            },
            "an ownership unknown in preview": {
                resources: [bucket, ownership(UNKNOWN)],
                offenders: ["assets"],
                message: /BucketOwnerEnforced, so object ACLs/,
            },
            "a bucket without ownership controls": { resources: [bucket], offenders: ["assets"], message: /object ACLs stay in effect/ },
        },
    });

    describeStackPolicy(rules.s3LifecycleConfigured, {
        accepts: {
            "a bucket with a lifecycle configuration": [bucket, side(S3.lifecycle, "lc", { rules: [{ id: "expire", status: "Enabled" }] })],
            "a bucket with inline lifecycle rules": [resource(S3.bucket, "inline", { lifecycleRules: [{ enabled: true }] })],
        },
        rejects: {
            "a bucket without lifecycle rules": { resources: [bucket], offenders: ["assets"], message: /no enabled lifecycle rule/ },
            "a bucket whose lifecycle rules are unknown in preview": {
                resources: [bucket, side(S3.lifecycle, "lc", { rules: UNKNOWN })],
                offenders: ["assets"],
                message: /unknown in preview/,
            },
            "a bucket whose only lifecycle rule is disabled": {
                resources: [bucket, side(S3.lifecycle, "lc", { rules: [{ id: "expire", status: "Disabled" }] })],
                offenders: ["assets"],
                message: /no enabled lifecycle rule/,
            },
            "a bucket with an empty lifecycle configuration": {
                resources: [bucket, side(S3.lifecycle, "lc", { rules: [] })],
                offenders: ["assets"],
                message: /no enabled lifecycle rule/,
            },
        },
    });

    const replicationRule = (extra: Record<string, unknown>) => ({ id: "dr", status: "Enabled", destination: { bucket: UNKNOWN }, ...extra });
    describeResourcePolicy(rules.s3ReplicationDestinationEncrypted, {
        accepts: {
            "replication of KMS objects re-encrypted with a KMS key": resource(S3.replication, "r", {
                rules: [
                    replicationRule({
                        destination: { bucket: UNKNOWN, encryptionConfiguration: { replicaKmsKeyId: UNKNOWN } },
                        sourceSelectionCriteria: { sseKmsEncryptedObjects: { status: "Enabled" } },
                    }),
                ],
            }),
            "a disabled replication rule": resource(S3.replication, "r", { rules: [{ id: "off", status: "Disabled" }] }),
            "inline replication on a bucket re-encrypting KMS objects": resource(S3.bucket, "b", {
                replicationConfiguration: {
                    role: UNKNOWN,
                    rules: [replicationRule({ destination: { bucket: UNKNOWN, replicaKmsKeyId: UNKNOWN }, sourceSelectionCriteria: { sseKmsEncryptedObjects: { enabled: true } } })],
                },
            }),
        },
        rejects: {
            "replication without destination encryption": [
                resource(S3.replication, "r", { rules: [replicationRule({ sourceSelectionCriteria: { sseKmsEncryptedObjects: { status: "Enabled" } } })] }),
                /no destination replicaKmsKeyId/,
            ],
            "replication that skips KMS-encrypted objects": [
                resource(S3.replication, "r", {
                    rules: [replicationRule({ destination: { bucket: UNKNOWN, encryptionConfiguration: { replicaKmsKeyId: UNKNOWN } } })],
                }),
                /does not replicate SSE-KMS objects/,
            ],
            "replication whose destination key is an empty string": [
                resource(S3.replication, "r", {
                    rules: [
                        replicationRule({
                            destination: { bucket: UNKNOWN, encryptionConfiguration: { replicaKmsKeyId: "" } },
                            sourceSelectionCriteria: { sseKmsEncryptedObjects: { status: "Enabled" } },
                        }),
                    ],
                }),
                /no destination replicaKmsKeyId/,
            ],
            "replication whose SSE-KMS criterion is unknown in preview": [
                resource(S3.replication, "r", {
                    rules: [
                        replicationRule({
                            destination: { bucket: UNKNOWN, encryptionConfiguration: { replicaKmsKeyId: UNKNOWN } },
                            sourceSelectionCriteria: { sseKmsEncryptedObjects: { status: UNKNOWN } },
                        }),
                    ],
                }),
                /does not replicate SSE-KMS objects/,
            ],
            "inline replication on a bucket without a destination key": [
                resource(S3.bucket, "b", {
                    replicationConfiguration: { role: UNKNOWN, rules: [replicationRule({ sourceSelectionCriteria: { sseKmsEncryptedObjects: { enabled: true } } })] },
                }),
                /no destination replicaKmsKeyId/,
            ],
            "inline replication on a bucket that skips KMS-encrypted objects": [
                resource(S3.bucket, "b", {
                    replicationConfiguration: {
                        role: UNKNOWN,
                        rules: [replicationRule({ destination: { bucket: UNKNOWN, replicaKmsKeyId: UNKNOWN }, sourceSelectionCriteria: { sseKmsEncryptedObjects: { enabled: false } } })],
                    },
                }),
                /does not replicate SSE-KMS objects/,
            ],
            "inline replication on a BucketV2 without a destination key": [
                resource(S3.bucketV2, "b", {
                    replicationConfigurations: [
                        { role: UNKNOWN, rules: [{ id: "dr", status: "Enabled", destinations: [{ bucket: UNKNOWN }], sourceSelectionCriterias: [{ sseKmsEncryptedObjects: [{ enabled: true }] }] }] },
                    ],
                }),
                /no destination replicaKmsKeyId/,
            ],
        },
    });
});
