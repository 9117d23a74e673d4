import { REDSHIFT } from "../../../policies/lib/types";
import * as rules from "../../../policies/rules/redshift";
import { describeResourcePolicy, describeStackPolicy } from "../harness/cases";
import { type TestResource, UNKNOWN_VALUE as UNKNOWN, resource } from "../harness/server";

const tlsGroup = resource(REDSHIFT.parameterGroup, "warehouse-params", {
    name: "warehouse",
    family: "redshift-2.0",
    parameters: [{ name: "require_ssl", value: "true" }, { name: "enable_user_activity_logging", value: "true" }],
});
const cluster = (inputs: Record<string, unknown> = {}, references: Record<string, TestResource> = { clusterParameterGroupName: tlsGroup }) =>
    resource(REDSHIFT.cluster, "warehouse", {
        clusterIdentifier: "warehouse",
        nodeType: "ra3.xlplus",
        encrypted: "true",
        kmsKeyId: UNKNOWN,
        automatedSnapshotRetentionPeriod: 35,
        allowVersionUpgrade: true,
        publiclyAccessible: false,
        enhancedVpcRouting: true,
        preferredMaintenanceWindow: "sun:03:00-sun:03:30",
        clusterParameterGroupName: UNKNOWN,
        manageMasterPassword: true,
        ...inputs,
    }, references);
const warehouse = cluster();
const logging = (target: TestResource, inputs: Record<string, unknown> = {}) =>
    resource(REDSHIFT.logging, `${target.name}-audit`, {
        clusterIdentifier: UNKNOWN,
        logDestinationType: "cloudwatch",
        logExports: ["connectionlog", "userlog", "useractivitylog"],
        ...inputs,
    }, { clusterIdentifier: target });
const other = resource("aws:rds/instance:Instance", "db", { engine: "postgres" });

describe("Redshift policies", () => {
    describeResourcePolicy(rules.redshiftBackupEnabled, {
        accepts: { "35 days of snapshots": warehouse, "the default of 1 day": cluster({ automatedSnapshotRetentionPeriod: undefined }) },
        notApplicable: { "a database": other },
        rejects: {
            "snapshots turned off": [cluster({ automatedSnapshotRetentionPeriod: 0 }), /is 0, so no automated snapshot/],
            "a retention unknown until the update": [cluster({ automatedSnapshotRetentionPeriod: UNKNOWN }), /is unknown/],
        },
    });

    describeStackPolicy(rules.redshiftClusterConfiguration, {
        accepts: {
            "encrypted under the data key, auditing to CloudWatch": [tlsGroup, warehouse, logging(warehouse)],
            "auditing to a bucket named by the cluster's identifier": [
                warehouse,
                resource(REDSHIFT.logging, "warehouse-audit", { clusterIdentifier: "warehouse", logDestinationType: "s3", bucketName: UNKNOWN }),
            ],
            "auditing to a bucket, legacy form without a destination type": [warehouse, logging(warehouse, { logDestinationType: undefined, logExports: undefined, bucketName: "audit-logs" })],
        },
        notApplicable: { "a stack without clusters": [other, tlsGroup] },
        rejects: {
            "a cluster stored unencrypted": { resources: [cluster({ encrypted: "false" }), logging(warehouse)], offenders: ["warehouse"], message: /encrypted is "false"/ },
            "encryption left to its default": { resources: [cluster({ encrypted: undefined }), logging(warehouse)], offenders: ["warehouse"], message: /encrypted is not set to "true"/ },
            "encryption unknown until the update": { resources: [cluster({ encrypted: UNKNOWN }), logging(warehouse)], offenders: ["warehouse"], message: /not set to "true"/ },
            "no customer-managed key": { resources: [cluster({ kmsKeyId: undefined }), logging(warehouse)], offenders: ["warehouse"], message: /AWS-managed key/ },
            "no audit logging": { resources: [warehouse], offenders: ["warehouse"], message: /No aws.redshift.Logging names this cluster/ },
            "logging for another cluster only": {
                resources: [warehouse, { ...cluster({ clusterIdentifier: "other" }, {}), name: "other", urn: "urn:pulumi:test::clinical-platform::aws:redshift/cluster:Cluster::other" }, resource(REDSHIFT.logging, "other-audit", { clusterIdentifier: "other", bucketName: "audit" })],
                offenders: ["warehouse"],
                message: /No aws.redshift.Logging/,
            },
            "CloudWatch audit without the connection log": { resources: [warehouse, logging(warehouse, { logExports: ["useractivitylog"] })], offenders: ["warehouse"], message: /exports no connectionlog or userlog/ },
            "S3 audit without a bucket": { resources: [warehouse, logging(warehouse, { logDestinationType: "s3", logExports: undefined, bucketName: "" })], offenders: ["warehouse"], message: /names no bucketName/ },
        },
    });

    describeResourcePolicy(rules.redshiftMaintenanceSettings, {
        accepts: { "version upgrades allowed": warehouse, "the default (allowed)": cluster({ allowVersionUpgrade: undefined }) },
        notApplicable: { "a database": other },
        rejects: {
            "version upgrades refused": [cluster({ allowVersionUpgrade: false }), /allowVersionUpgrade is not true/],
            "unknown until the update": [cluster({ allowVersionUpgrade: UNKNOWN }), /security fixes/],
            "no maintenance window": [cluster({ preferredMaintenanceWindow: undefined }), /preferredMaintenanceWindow is not set/],
            "a blank maintenance window": [cluster({ preferredMaintenanceWindow: " " }), /random weekly window/],
        },
    });

    describeResourcePolicy(rules.redshiftNoPublicAccess, {
        accepts: { "a private cluster": warehouse, "the default (private)": cluster({ publiclyAccessible: undefined }) },
        notApplicable: { "a database": other },
        rejects: {
            "a public cluster": [cluster({ publiclyAccessible: true }), /public address/],
            "unknown until the update": [cluster({ publiclyAccessible: UNKNOWN }), /publiclyAccessible is not false/],
        },
    });

    describeResourcePolicy(rules.redshiftEnhancedVpcRouting, {
        accepts: { "enhanced VPC routing": warehouse },
        notApplicable: { "a database": other },
        rejects: {
            "not set": [cluster({ enhancedVpcRouting: undefined }), /enhancedVpcRouting is not true/],
            "switched off": [cluster({ enhancedVpcRouting: false }), /over the internet/],
        },
    });

    describeStackPolicy(rules.redshiftRequireTls, {
        accepts: {
            "a parameter group of the stack requiring TLS": [tlsGroup, warehouse],
            "a group named by a known name": [tlsGroup, cluster({ clusterParameterGroupName: "warehouse" }, {})],
        },
        notApplicable: { "a stack without clusters": [tlsGroup] },
        rejects: {
            "the default parameter group": { resources: [cluster({ clusterParameterGroupName: undefined }, {})], offenders: ["warehouse"], message: /default group applies/ },
            "a group that does not require TLS": {
                resources: [resource(REDSHIFT.parameterGroup, "warehouse-params", { name: "warehouse", family: "redshift-2.0", parameters: [{ name: "require_ssl", value: "false" }] }), warehouse],
                offenders: ["warehouse"],
                message: /does not set require_ssl to true/,
            },
            "a group from outside the stack": { resources: [cluster({ clusterParameterGroupName: "shared" }, {})], offenders: ["warehouse"], message: /not defined in this stack/ },
        },
    });
});
