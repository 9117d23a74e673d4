/**
 * ElastiCache for Redis and Valkey. Inputs checked in the @pulumi/aws 7.48.0
 * elasticache/cluster.d.ts and replicationGroup.d.ts on 2026-12-01: a replication group's engine
 * defaults to redis, and at-rest encryption defaults to off for redis, on for valkey.
 */
import { type ClinicalPolicy, resourceRule } from "../lib/policy";
import { ELASTICACHE } from "../lib/types";
import { type Maybe, isKnown, isPresent, isUnknown, presentOrPending } from "../lib/values";

/** Inputs of `aws.elasticache.Cluster` and `aws.elasticache.ReplicationGroup` the rules read. */
export interface CacheInputs {
    engine?: Maybe<string>;
    replicationGroupId?: Maybe<string>;
    snapshotRetentionLimit?: Maybe<number>;
    atRestEncryptionEnabled?: Maybe<boolean>;
    kmsKeyId?: Maybe<string>;
    transitEncryptionEnabled?: Maybe<boolean>;
    transitEncryptionMode?: Maybe<string>;
}

/**
 * The minimum the AWS Config rule ELASTICACHE_REDIS_CLUSTER_AUTOMATIC_BACKUP_CHECK applies by
 * default (its snapshotRetentionPeriod parameter, default 15; AWS Config developer guide, checked
 * 2026-12-01). The HIPAA conformance pack leaves the parameter at that default.
 */
const DEFAULT_MINIMUM_SNAPSHOT_DAYS = 15;

/** Engines that keep data and take snapshots; Memcached does neither. */
const SNAPSHOTTING_ENGINES: ReadonlySet<string> = new Set(["redis", "valkey"]);

/** The engine a cache runs, with the replication group's documented default. */
function engineOf(cache: CacheInputs, type: string): Maybe<string> {
    if (!isPresent(cache.engine) && type === ELASTICACHE.replicationGroup) {
        return "redis";
    }
    return cache.engine;
}

export const elasticacheAutomaticBackup = resourceRule<CacheInputs, { minimumDays: number }>({
    name: "elasticache-automatic-backup",
    description: "Redis and Valkey caches keep automatic snapshots for at least the minimum number of days.",
    severity: "medium",
    category: "availability",
    hipaa: ["164.308(a)(7)(ii)(A)", "164.308(a)(7)(ii)(B)"],
    soc2: ["A1.2"],
    remediation: `Set snapshotRetentionLimit to at least the configured minimum (default ${DEFAULT_MINIMUM_SNAPSHOT_DAYS} days; ElastiCache allows up to 35).`,
    anchors: { awsConfig: ["ELASTICACHE_REDIS_CLUSTER_AUTOMATIC_BACKUP_CHECK"], cdkNag: ["ElastiCacheRedisClusterAutomaticBackup"] },
    config: {
        minimumDays: { type: "integer", minimum: 1, maximum: 35, default: DEFAULT_MINIMUM_SNAPSHOT_DAYS, description: "Fewest days of automatic snapshots accepted." },
    },
    resourceTypes: [ELASTICACHE.cluster, ELASTICACHE.replicationGroup],
    *check(cache, { type, config }) {
        const engine = engineOf(cache, type);
        // A cluster that joins a replication group takes the group's snapshot settings.
        if ((isKnown(engine) && !SNAPSHOTTING_ENGINES.has(engine)) || (type === ELASTICACHE.cluster && isPresent(cache.replicationGroupId))) {
            return;
        }
        const days = cache.snapshotRetentionLimit;
        if (typeof days !== "number" || days < config.minimumDays) {
            const given = isUnknown(days) ? "unknown" : typeof days === "number" ? `${days} days` : "not set (no automatic snapshots)";
            yield `snapshotRetentionLimit is ${given}; at least ${config.minimumDays} days of automatic snapshots are required.`;
        }
    },
});

export const elasticacheEncryptedAtRest = resourceRule<CacheInputs>({
    name: "elasticache-encrypted-at-rest",
    description: "ElastiCache replication groups encrypt data at rest with a customer-managed KMS key.",
    severity: "high",
    category: "encryption",
    hipaa: ["164.312(a)(2)(iv)", "164.312(e)(2)(ii)"],
    soc2: ["CC6.1"],
    remediation: "Set atRestEncryptionEnabled: true and kmsKeyId to the data key's ARN.",
    resourceTypes: [ELASTICACHE.replicationGroup],
    *check(group, { type }) {
        const enabled = group.atRestEncryptionEnabled;
        const defaultOn = engineOf(group, type) === "valkey" && !isPresent(enabled);
        if (enabled !== true && !defaultOn) {
            yield "atRestEncryptionEnabled is not true, so snapshots and swapped data are stored unencrypted.";
        } else if (!presentOrPending(group.kmsKeyId)) {
            yield "kmsKeyId is not set, so data at rest is encrypted under a service-managed key.";
        }
    },
});

export const elasticacheEncryptedInTransit = resourceRule<CacheInputs>({
    name: "elasticache-encrypted-in-transit",
    description: "ElastiCache replication groups accept only TLS connections.",
    severity: "high",
    category: "encryption",
    hipaa: ["164.312(e)(1)", "164.312(e)(2)(i)"],
    soc2: ["CC6.7"],
    remediation: 'Set transitEncryptionEnabled: true, and transitEncryptionMode "required" (or leave it unset).',
    resourceTypes: [ELASTICACHE.replicationGroup],
    *check(group) {
        if (group.transitEncryptionEnabled !== true) {
            yield "transitEncryptionEnabled is not true, so clients and replicas exchange data in clear text.";
        } else if (group.transitEncryptionMode === "preferred" || isUnknown(group.transitEncryptionMode)) {
            yield 'transitEncryptionMode is not "required", so clients may still connect without TLS.';
        }
    },
});

export const elasticachePolicies: ClinicalPolicy[] = [elasticacheAutomaticBackup, elasticacheEncryptedAtRest, elasticacheEncryptedInTransit];
