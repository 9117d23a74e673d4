/**
 * Redshift clusters. In @pulumi/aws v7 the cluster has no inline logging block: audit logging is
 * the separate `aws.redshift.Logging` resource, and TLS is forced only through the cluster's
 * parameter group (`require_ssl`); inputs checked in the 7.48.0 redshift/*.d.ts on 2026-12-01.
 */
import type { Finding } from "../lib/policy";
import { type ClinicalPolicy, resourceRule, stackRule } from "../lib/policy";
import { type StackResource, refersTo } from "../lib/stack";
import { REDSHIFT } from "../lib/types";
import { type Maybe, asBoolean, elements, isKnown, isUnknown, knownStrings, present, presentOrPending } from "../lib/values";

/** Inputs of `aws.redshift.Cluster` the rules read. */
export interface RedshiftClusterInputs {
    clusterIdentifier?: Maybe<string>;
    automatedSnapshotRetentionPeriod?: Maybe<number>;
    /** A string in v7 ("true" / "false"), documented as defaulting to true. */
    encrypted?: Maybe<string | boolean>;
    kmsKeyId?: Maybe<string>;
    allowVersionUpgrade?: Maybe<boolean>;
    publiclyAccessible?: Maybe<boolean>;
    enhancedVpcRouting?: Maybe<boolean>;
    preferredMaintenanceWindow?: Maybe<string>;
    clusterParameterGroupName?: Maybe<string>;
    snapshotIdentifier?: Maybe<string>;
}

/** Inputs of `aws.redshift.Logging` the rules read. */
export interface RedshiftLoggingInputs {
    clusterIdentifier?: Maybe<string>;
    logDestinationType?: Maybe<string>;
    bucketName?: Maybe<string>;
    logExports?: Maybe<Maybe<string>[]>;
}

/** Inputs of `aws.redshift.ParameterGroup` the rules read. */
export interface RedshiftParameterGroupInputs {
    name?: Maybe<string>;
    parameters?: Maybe<Maybe<{ name?: Maybe<string>; value?: Maybe<string> }>[]>;
}

/** The audit logs that record who connected and which users changed (valid `logExports` per the 7.48.0 typings). */
const AUDIT_LOG_EXPORTS = ["connectionlog", "userlog"] as const;

export const redshiftBackupEnabled = resourceRule<RedshiftClusterInputs>({
    name: "redshift-backup-enabled",
    description: "Redshift clusters keep automated snapshots.",
    severity: "high",
    category: "availability",
    hipaa: ["164.308(a)(7)(ii)(A)", "164.308(a)(7)(ii)(B)"],
    soc2: ["A1.2"],
    remediation: "Set automatedSnapshotRetentionPeriod to at least 1 day (up to 35), or leave it unset (1 day).",
    anchors: { awsConfig: ["REDSHIFT_BACKUP_ENABLED"], cdkNag: ["RedshiftBackupEnabled"] },
    resourceTypes: [REDSHIFT.cluster],
    *check(cluster) {
        const days = cluster.automatedSnapshotRetentionPeriod;
        // Unset means the documented default of 1 day; 0 turns automated snapshots off.
        if (days === null || days === undefined) {
            return;
        }
        if (!isKnown(days) || typeof days !== "number" || days < 1) {
            yield `automatedSnapshotRetentionPeriod is ${isUnknown(days) ? "unknown" : String(days)}, so no automated snapshot can restore the cluster.`;
        }
    },
});

export const redshiftClusterConfiguration = stackRule({
    name: "redshift-cluster-configuration",
    description: "Redshift clusters are encrypted with a customer-managed KMS key and write audit logs.",
    severity: "high",
    category: "encryption",
    hipaa: ["164.312(a)(2)(iv)", "164.312(b)", "164.308(a)(1)(ii)(D)"],
    soc2: ["CC6.1", "CC7.2"],
    remediation:
        'Set encrypted: "true" and kmsKeyId to the data key, and add an aws.redshift.Logging for the cluster '
        + '(logDestinationType "cloudwatch" with logExports ["connectionlog", "userlog", "useractivitylog"], or "s3" with bucketName).',
    anchors: { awsConfig: ["REDSHIFT_CLUSTER_CONFIGURATION_CHECK"], cdkNag: ["RedshiftClusterConfiguration"] },
    resourceTypes: [REDSHIFT.cluster],
    *check(stack) {
        const loggings = stack.ofType(REDSHIFT.logging);
        for (const cluster of stack.ofType(REDSHIFT.cluster)) {
            const inputs = cluster.props<RedshiftClusterInputs>();
            const encrypted = asBoolean(inputs.encrypted);
            if (encrypted === false) {
                yield { resource: cluster, message: 'encrypted is "false", so the cluster\'s blocks and snapshots are stored unencrypted.' };
            } else if (encrypted !== true) {
                yield { resource: cluster, message: 'encrypted is not set to "true", which kmsKeyId needs, so the cluster is not encrypted under a key the account controls.' };
            } else if (!presentOrPending(inputs.kmsKeyId)) {
                yield { resource: cluster, message: "kmsKeyId is not set, so the cluster is encrypted under the AWS-managed key." };
            }
            const logging = loggings.find((candidate) => refersTo(candidate, "clusterIdentifier", cluster, ["clusterIdentifier", "id"]));
            if (logging === undefined) {
                yield { resource: cluster, message: "No aws.redshift.Logging names this cluster, so connections and user changes are not audited." };
            } else {
                yield* loggingFindings(cluster, logging.props<RedshiftLoggingInputs>());
            }
        }
    },
});

function* loggingFindings(cluster: StackResource, logging: RedshiftLoggingInputs): Iterable<Finding> {
    const destination = logging.logDestinationType;
    if (destination === "cloudwatch") {
        const exports = elements(logging.logExports);
        const missing = AUDIT_LOG_EXPORTS.filter((log) => !knownStrings(logging.logExports).includes(log));
        if (!exports.hasUnknown && missing.length > 0) {
            yield { resource: cluster, message: `The cluster's Logging exports no ${missing.join(" or ")} to CloudWatch, so its audit trail is incomplete.` };
        }
    } else if (destination === "s3" || destination === null || destination === undefined) {
        if (!presentOrPending(logging.bucketName)) {
            yield { resource: cluster, message: "The cluster's Logging names no bucketName, so its audit logs go nowhere." };
        }
    } else if (!isUnknown(destination)) {
        yield { resource: cluster, message: `The cluster's Logging has logDestinationType ${String(destination)}, which is neither s3 nor cloudwatch.` };
    }
}

export const redshiftMaintenanceSettings = resourceRule<RedshiftClusterInputs>({
    name: "redshift-maintenance-settings",
    description: "Redshift clusters take engine version upgrades, in a maintenance window the program chooses.",
    severity: "medium",
    category: "change-management",
    hipaa: ["164.308(a)(1)(ii)(B)", "164.308(a)(5)(ii)(B)"],
    soc2: ["CC7.1", "CC8.1"],
    remediation: 'Leave allowVersionUpgrade unset (true) or set it to true, and set preferredMaintenanceWindow (e.g. "sun:03:00-sun:03:30").',
    anchors: { awsConfig: ["REDSHIFT_CLUSTER_MAINTENANCESETTINGS_CHECK"], cdkNag: ["RedshiftClusterMaintenanceSettings"] },
    resourceTypes: [REDSHIFT.cluster],
    *check(cluster) {
        // Documented default: true. An explicit false (or one unknown until the update) keeps security fixes out.
        if (cluster.allowVersionUpgrade === false || isUnknown(cluster.allowVersionUpgrade)) {
            yield "allowVersionUpgrade is not true, so engine upgrades carrying security fixes are never applied.";
        }
        if (!present(cluster.preferredMaintenanceWindow)) {
            yield "preferredMaintenanceWindow is not set, so Redshift picks a random weekly window for patching and restarts.";
        }
    },
});

export const redshiftNoPublicAccess = resourceRule<RedshiftClusterInputs>({
    name: "redshift-no-public-access",
    description: "Redshift clusters are not reachable from the internet.",
    severity: "critical",
    category: "public-access",
    hipaa: ["164.312(a)(1)", "164.312(e)(1)"],
    soc2: ["CC6.1", "CC6.6"],
    remediation: "Set publiclyAccessible to false (the default) and reach the cluster from inside the VPC.",
    anchors: { awsConfig: ["REDSHIFT_CLUSTER_PUBLIC_ACCESS_CHECK"], cdkNag: ["RedshiftClusterPublicAccess"] },
    resourceTypes: [REDSHIFT.cluster],
    *check(cluster) {
        if (cluster.publiclyAccessible === true || isUnknown(cluster.publiclyAccessible)) {
            yield "publiclyAccessible is not false, so the cluster gets a public address.";
        }
    },
});

export const redshiftEnhancedVpcRouting = resourceRule<RedshiftClusterInputs>({
    name: "redshift-enhanced-vpc-routing",
    description: "Redshift clusters send COPY and UNLOAD traffic through the VPC, where flow logs and endpoints apply.",
    severity: "medium",
    category: "network",
    hipaa: ["164.312(e)(1)"],
    soc2: ["CC6.6"],
    remediation: "Set enhancedVpcRouting to true (and give the VPC an S3 endpoint or NAT route).",
    anchors: { cdkNag: ["RedshiftEnhancedVPCRoutingEnabled"] },
    resourceTypes: [REDSHIFT.cluster],
    *check(cluster) {
        if (cluster.enhancedVpcRouting !== true) {
            yield "enhancedVpcRouting is not true, so data loads and unloads leave the VPC over the internet.";
        }
    },
});

export const redshiftRequireTls = stackRule({
    name: "redshift-require-tls",
    description: "Redshift clusters use a parameter group of the stack that sets require_ssl to true.",
    severity: "critical",
    category: "encryption",
    hipaa: ["164.312(e)(1)", "164.312(e)(2)(i)", "164.312(e)(2)(ii)"],
    soc2: ["CC6.7"],
    remediation: 'Give the cluster (clusterParameterGroupName) a ParameterGroup from this stack with parameter require_ssl = "true".',
    anchors: { awsConfig: ["REDSHIFT_REQUIRE_TLS_SSL"], cdkNag: ["RedshiftRequireTlsSSL"] },
    resourceTypes: [REDSHIFT.cluster],
    *check(stack) {
        const groups = stack.ofType(REDSHIFT.parameterGroup);
        for (const cluster of stack.ofType(REDSHIFT.cluster)) {
            const groupName = cluster.props<RedshiftClusterInputs>().clusterParameterGroupName;
            if (!presentOrPending(groupName)) {
                yield { resource: cluster, message: "No clusterParameterGroupName is set, so the default group applies, whose require_ssl is false." };
                continue;
            }
            const group = groups.find((candidate) => refersTo(cluster, "clusterParameterGroupName", candidate, ["name", "id"]));
            if (group === undefined) {
                if (!isUnknown(groupName)) {
                    yield { resource: cluster, message: `Parameter group ${groupName} is not defined in this stack, so require_ssl cannot be verified.` };
                }
                continue;
            }
            if (!requiresSsl(group)) {
                yield { resource: cluster, message: `Parameter group ${group.name} does not set require_ssl to true, so clients may connect without TLS.` };
            }
        }
    },
});

function requiresSsl(group: StackResource): boolean {
    const parameters = elements(group.props<RedshiftParameterGroupInputs>().parameters);
    if (parameters.hasUnknown) {
        return true;
    }
    return parameters.known.some(
        (parameter) => isKnown(parameter) && parameter.name === "require_ssl"
            && (isUnknown(parameter.value) || (present(parameter.value) && String(parameter.value).toLowerCase() === "true")),
    );
}

export const redshiftPolicies: ClinicalPolicy[] = [
    redshiftBackupEnabled,
    redshiftClusterConfiguration,
    redshiftMaintenanceSettings,
    redshiftNoPublicAccess,
    redshiftEnhancedVpcRouting,
    redshiftRequireTls,
];
