import { ELASTICACHE } from "../../../policies/lib/types";
import * as rules from "../../../policies/rules/elasticache";
import { describeResourcePolicy } from "../harness/cases";
import { UNKNOWN_VALUE as UNKNOWN, resource } from "../harness/server";

const group = (inputs: Record<string, unknown> = {}) =>
    resource(ELASTICACHE.replicationGroup, "cache", {
        description: "session cache",
        engine: "valkey",
        nodeType: "cache.r7g.large",
        snapshotRetentionLimit: 15,
        atRestEncryptionEnabled: true,
        kmsKeyId: UNKNOWN,
        transitEncryptionEnabled: true,
        transitEncryptionMode: "required",
        ...inputs,
    });
const cluster = (inputs: Record<string, unknown> = {}) => resource(ELASTICACHE.cluster, "cache-node", { engine: "redis", nodeType: "cache.t4g.small", numCacheNodes: 1, ...inputs });
const other = resource("aws:rds/instance:Instance", "db", { engine: "postgres" });

describe("ElastiCache policies", () => {
    describeResourcePolicy(rules.elasticacheAutomaticBackup, {
        accepts: {
            "a node of a replication group, which takes the group's snapshots": cluster({ engine: undefined, replicationGroupId: UNKNOWN }),
            "a Memcached cluster": cluster({ engine: "memcached" }),
            "a Valkey group keeping 15 days": group(),
            "a standalone Redis node keeping 35 days": cluster({ snapshotRetentionLimit: 35 }),
            "7 days where the pack config asks for 7": { subject: group({ snapshotRetentionLimit: 7 }), config: { minimumDays: 7 } },
        },
        notApplicable: {
            "a database": other,
        },
        rejects: {
            "no automatic snapshots (default Redis engine)": [group({ engine: undefined, snapshotRetentionLimit: undefined }), /not set \(no automatic snapshots\)/],
            "snapshots turned off": [cluster({ snapshotRetentionLimit: 0 }), /is 0 days; at least 15/],
            "fewer days than the minimum": [group({ snapshotRetentionLimit: 14 }), /is 14 days; at least 15/],
            "unknown until the update": [group({ snapshotRetentionLimit: UNKNOWN }), /is unknown/],
        },
    });

    describeResourcePolicy(rules.elasticacheEncryptedAtRest, {
        accepts: {
            "a Valkey group under the data key": group(),
            "Valkey's default at-rest encryption, under the data key": group({ atRestEncryptionEnabled: undefined }),
            "a Redis group under a known key": group({ engine: "redis", kmsKeyId: "arn:aws:kms:eu-west-1:123456789012:key/data" }),
        },
        notApplicable: { "a standalone node": cluster(), "a database": other },
        rejects: {
            "Redis's default (no encryption)": [group({ engine: "redis", atRestEncryptionEnabled: undefined }), /atRestEncryptionEnabled is not true/],
            "encryption switched off": [group({ atRestEncryptionEnabled: false }), /stored unencrypted/],
            "no customer-managed key": [group({ kmsKeyId: undefined }), /service-managed key/],
        },
    });

    describeResourcePolicy(rules.elasticacheEncryptedInTransit, {
        accepts: { "TLS required": group(), "TLS on, mode left to its default": group({ transitEncryptionMode: undefined }) },
        notApplicable: { "a standalone node": cluster(), "a database": other },
        rejects: {
            "no TLS": [group({ transitEncryptionEnabled: undefined, transitEncryptionMode: undefined }), /transitEncryptionEnabled is not true/],
            "TLS only preferred": [group({ transitEncryptionMode: "preferred" }), /not "required"/],
            "TLS unknown until the update": [group({ transitEncryptionEnabled: UNKNOWN }), /clear text/],
        },
    });
});
