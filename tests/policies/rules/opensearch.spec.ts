import { SEARCH } from "../../../policies/lib/types";
import * as rules from "../../../policies/rules/opensearch";
import { describeResourcePolicy } from "../harness/cases";
import { UNKNOWN_VALUE as UNKNOWN, resource } from "../harness/server";

const compliant = {
    engineVersion: "OpenSearch_2.19",
    encryptAtRest: { enabled: true, kmsKeyId: UNKNOWN },
    nodeToNodeEncryption: { enabled: true },
    vpcOptions: { subnetIds: [UNKNOWN, UNKNOWN], securityGroupIds: [UNKNOWN] },
    domainEndpointOptions: { enforceHttps: true, tlsSecurityPolicy: "Policy-Min-TLS-1-2-PFS-2023-10" },
    logPublishingOptions: [{ logType: "ES_APPLICATION_LOGS", cloudwatchLogGroupArn: UNKNOWN, enabled: true }],
};
const domain = (inputs: Record<string, unknown> = {}) => resource(SEARCH.opensearchDomain, "search", { ...compliant, ...inputs });
const legacy = (inputs: Record<string, unknown> = {}) => resource(SEARCH.elasticsearchDomain, "legacy-search", { ...compliant, engineVersion: undefined, elasticsearchVersion: "7.10", ...inputs });
const other = resource("aws:rds/instance:Instance", "db", { engine: "postgres" });

describe("OpenSearch and Elasticsearch policies", () => {
    describeResourcePolicy(rules.opensearchEncryptedAtRest, {
        accepts: {
            "an OpenSearch domain under the data key": domain(),
            "an Elasticsearch domain under a known key ARN": legacy({ encryptAtRest: { enabled: true, kmsKeyId: "arn:aws:kms:eu-west-1:123456789012:key/data" } }),
        },
        notApplicable: { "a database": other },
        rejects: {
            "no encryptAtRest block": [domain({ encryptAtRest: undefined }), /encryptAtRest.enabled is not true/],
            "encryption switched off on an Elasticsearch domain": [legacy({ encryptAtRest: { enabled: false } }), /stored unencrypted/],
            "encryption unknown until the update": [domain({ encryptAtRest: { enabled: UNKNOWN, kmsKeyId: UNKNOWN } }), /encryptAtRest.enabled is not true/],
            "no key": [domain({ encryptAtRest: { enabled: true } }), /AWS-managed aws\/es key/],
            "an empty key": [domain({ encryptAtRest: { enabled: true, kmsKeyId: "" } }), /kmsKeyId is not set/],
            "the aws/es alias": [domain({ encryptAtRest: { enabled: true, kmsKeyId: "alias/aws/es" } }), /names the AWS-managed aws\/es key/],
        },
    });

    describeResourcePolicy(rules.opensearchNodeToNodeEncryption, {
        accepts: { "an OpenSearch domain": domain(), "an Elasticsearch domain": legacy() },
        notApplicable: { "a database": other },
        rejects: {
            "no block": [domain({ nodeToNodeEncryption: undefined }), /nodeToNodeEncryption.enabled is not true/],
            "switched off": [legacy({ nodeToNodeEncryption: { enabled: false } }), /clear text/],
            "unknown": [domain({ nodeToNodeEncryption: { enabled: UNKNOWN } }), /clear text/],
        },
    });

    describeResourcePolicy(rules.opensearchInVpcOnly, {
        accepts: {
            "subnets of the stack, unknown in preview": domain(),
            "known subnet ids": legacy({ vpcOptions: { subnetIds: ["subnet-1"] } }),
            "a subnet list computed in the update": domain({ vpcOptions: { subnetIds: UNKNOWN } }),
        },
        notApplicable: { "a database": other },
        rejects: {
            "a public domain": [domain({ vpcOptions: undefined }), /public endpoint/],
            "an empty subnet list": [legacy({ vpcOptions: { subnetIds: [] } }), /vpcOptions.subnetIds is not set/],
            "blank subnet ids": [domain({ vpcOptions: { subnetIds: [""] } }), /vpcOptions.subnetIds is not set/],
        },
    });

    describeResourcePolicy(rules.opensearchHttpsRequired, {
        accepts: {
            "HTTPS under TLS 1.2 with forward secrecy": domain(),
            "the provider's default enforceHttps with TLS 1.2": legacy({ domainEndpointOptions: { tlsSecurityPolicy: "Policy-Min-TLS-1-2-2019-07" } }),
        },
        notApplicable: { "a database": other },
        rejects: {
            "no endpoint options": [domain({ domainEndpointOptions: undefined }), /domainEndpointOptions is not set/],
            "HTTP allowed": [domain({ domainEndpointOptions: { enforceHttps: false, tlsSecurityPolicy: "Policy-Min-TLS-1-2-2019-07" } }), /plain HTTP/],
            "TLS 1.0 admitted": [legacy({ domainEndpointOptions: { enforceHttps: true, tlsSecurityPolicy: "Policy-Min-TLS-1-0-2019-07" } }), /older than 1\.2/],
            "no TLS policy": [domain({ domainEndpointOptions: { enforceHttps: true } }), /tlsSecurityPolicy is not set/],
            "a TLS policy unknown until the update": [domain({ domainEndpointOptions: { enforceHttps: true, tlsSecurityPolicy: UNKNOWN } }), /tlsSecurityPolicy is not set/],
        },
    });

    describeResourcePolicy(rules.opensearchErrorLogsToCloudWatch, {
        accepts: {
            "application logs to a log group of the stack": domain(),
            "application logs among others, enabled by default": legacy({
                logPublishingOptions: [
                    { logType: "SEARCH_SLOW_LOGS", cloudwatchLogGroupArn: UNKNOWN },
                    { logType: "ES_APPLICATION_LOGS", cloudwatchLogGroupArn: "arn:aws:logs:eu-west-1:123456789012:log-group:/search/errors" },
                ],
            }),
        },
        notApplicable: { "a database": other },
        rejects: {
            "no logs published": [domain({ logPublishingOptions: undefined }), /publishes no ES_APPLICATION_LOGS/],
            "only slow logs": [legacy({ logPublishingOptions: [{ logType: "INDEX_SLOW_LOGS", cloudwatchLogGroupArn: UNKNOWN }] }), /errors of the domain leave no trace/],
            "application logs switched off": [domain({ logPublishingOptions: [{ logType: "ES_APPLICATION_LOGS", cloudwatchLogGroupArn: UNKNOWN, enabled: false }] }), /publishes no/],
            "application logs to a blank log group": [domain({ logPublishingOptions: [{ logType: "ES_APPLICATION_LOGS", cloudwatchLogGroupArn: "" }] }), /publishes no/],
        },
    });
});
