/**
 * OpenSearch Service domains, and the Elasticsearch domains the same service still runs. Both
 * tokens take the same blocks (`encryptAtRest`, `nodeToNodeEncryption`, `vpcOptions`,
 * `domainEndpointOptions`, `logPublishingOptions`; @pulumi/aws 7.48.0 opensearch/domain.d.ts and
 * elasticsearch/domain.d.ts, checked 2026-12-01), so each control is one policy over both.
 */
import { type ClinicalPolicy, resourceRule } from "../lib/policy";
import { SEARCH } from "../lib/types";
import { type Maybe, elements, isKnown, isUnknown, present, presentOrPending } from "../lib/values";

/** Inputs of `aws.opensearch.Domain` and `aws.elasticsearch.Domain` the rules read. */
export interface DomainInputs {
    encryptAtRest?: Maybe<{ enabled?: Maybe<boolean>; kmsKeyId?: Maybe<string> }>;
    nodeToNodeEncryption?: Maybe<{ enabled?: Maybe<boolean> }>;
    vpcOptions?: Maybe<{ subnetIds?: Maybe<Maybe<string>[]> }>;
    domainEndpointOptions?: Maybe<{ enforceHttps?: Maybe<boolean>; tlsSecurityPolicy?: Maybe<string> }>;
    logPublishingOptions?: Maybe<Maybe<{ logType?: Maybe<string>; enabled?: Maybe<boolean>; cloudwatchLogGroupArn?: Maybe<string> }>[]>;
}

const DOMAINS = [SEARCH.opensearchDomain, SEARCH.elasticsearchDomain] as const;

/** The service's own key (alias/aws/es), which the domain uses when encryptAtRest names no key. */
const AWS_MANAGED_ES_KEY = /(^|:)alias\/aws\/es$/;

/**
 * TLS policies that refuse TLS 1.0 and 1.1: the DomainEndpointOptions API reference (checked
 * 2026-12-01) lists Policy-Min-TLS-1-0-2019-07, Policy-Min-TLS-1-2-2019-07 and
 * Policy-Min-TLS-1-2-PFS-2023-10.
 */
const MODERN_TLS_POLICIES: ReadonlySet<string> = new Set(["Policy-Min-TLS-1-2-2019-07", "Policy-Min-TLS-1-2-PFS-2023-10"]);

/** The error log type (OpenSearch application logs); valid log types per the 7.48.0 typings. */
const ERROR_LOGS = "ES_APPLICATION_LOGS";

export const opensearchEncryptedAtRest = resourceRule<DomainInputs>({
    name: "opensearch-encrypted-at-rest",
    description: "OpenSearch and Elasticsearch domains encrypt their indices at rest with a customer-managed KMS key.",
    severity: "high",
    category: "encryption",
    hipaa: ["164.312(a)(2)(iv)", "164.312(e)(2)(ii)"],
    soc2: ["CC6.1"],
    remediation: "Set encryptAtRest { enabled: true, kmsKeyId: <the data key's ARN> }.",
    anchors: { awsConfig: ["OPENSEARCH_ENCRYPTED_AT_REST", "ELASTICSEARCH_ENCRYPTED_AT_REST"], cdkNag: ["OpenSearchEncryptedAtRest"] },
    resourceTypes: DOMAINS,
    *check(domain) {
        const encryption = domain.encryptAtRest;
        if (!isKnown(encryption) || encryption.enabled !== true) {
            yield "encryptAtRest.enabled is not true, so indices, snapshots and swap files are stored unencrypted.";
            return;
        }
        const key = encryption.kmsKeyId;
        if (!presentOrPending(key)) {
            yield "encryptAtRest.kmsKeyId is not set, so the domain is encrypted under the AWS-managed aws/es key.";
        } else if (isKnown(key) && AWS_MANAGED_ES_KEY.test(key)) {
            yield "encryptAtRest.kmsKeyId names the AWS-managed aws/es key, whose policy the account cannot restrict.";
        }
    },
});

export const opensearchNodeToNodeEncryption = resourceRule<DomainInputs>({
    name: "opensearch-node-to-node-encryption",
    description: "OpenSearch and Elasticsearch domains encrypt the traffic between their nodes.",
    severity: "high",
    category: "encryption",
    hipaa: ["164.312(e)(1)", "164.312(e)(2)(ii)"],
    soc2: ["CC6.7"],
    remediation: "Set nodeToNodeEncryption { enabled: true }.",
    anchors: {
        awsConfig: ["OPENSEARCH_NODE_TO_NODE_ENCRYPTION_CHECK", "ELASTICSEARCH_NODE_TO_NODE_ENCRYPTION_CHECK"],
        cdkNag: ["OpenSearchNodeToNodeEncryption"],
    },
    resourceTypes: DOMAINS,
    *check(domain) {
        const encryption = domain.nodeToNodeEncryption;
        if (!isKnown(encryption) || encryption.enabled !== true) {
            yield "nodeToNodeEncryption.enabled is not true, so documents travel between nodes in clear text.";
        }
    },
});

export const opensearchInVpcOnly = resourceRule<DomainInputs>({
    name: "opensearch-in-vpc-only",
    description: "OpenSearch and Elasticsearch domains are reachable only inside a VPC, never on a public endpoint.",
    severity: "critical",
    category: "public-access",
    hipaa: ["164.312(a)(1)", "164.312(e)(1)"],
    soc2: ["CC6.1", "CC6.6"],
    remediation: "Set vpcOptions { subnetIds: <private subnets>, securityGroupIds: [...] }.",
    anchors: { awsConfig: ["OPENSEARCH_IN_VPC_ONLY", "ELASTICSEARCH_IN_VPC_ONLY"], cdkNag: ["OpenSearchInVPCOnly"] },
    resourceTypes: DOMAINS,
    *check(domain) {
        const vpc = domain.vpcOptions;
        // Subnet ids of the stack's own subnets are unknown in a first preview: a pending id counts.
        const subnets = elements(isKnown(vpc) ? vpc.subnetIds : undefined);
        if (!subnets.hasUnknown && !subnets.known.some((id) => present(id))) {
            yield "vpcOptions.subnetIds is not set, so the domain gets a public endpoint on the internet.";
        }
    },
});

export const opensearchHttpsRequired = resourceRule<DomainInputs>({
    name: "opensearch-https-required",
    description: "OpenSearch and Elasticsearch domains accept only HTTPS, under a TLS policy that refuses TLS 1.0 and 1.1.",
    severity: "high",
    category: "encryption",
    hipaa: ["164.312(e)(1)", "164.312(e)(2)(i)"],
    soc2: ["CC6.7"],
    remediation: 'Set domainEndpointOptions { enforceHttps: true, tlsSecurityPolicy: "Policy-Min-TLS-1-2-PFS-2023-10" }.',
    anchors: { awsConfig: ["OPENSEARCH_HTTPS_REQUIRED"] },
    resourceTypes: DOMAINS,
    *check(domain) {
        const endpoint = domain.domainEndpointOptions;
        if (!isKnown(endpoint)) {
            yield "domainEndpointOptions is not set, so HTTPS is not enforced and the TLS policy is the service default, which admits TLS 1.0.";
            return;
        }
        // The provider defaults enforceHttps to true inside the block; only an explicit false or unknown fails.
        if (endpoint.enforceHttps === false || isUnknown(endpoint.enforceHttps)) {
            yield "domainEndpointOptions.enforceHttps is not true, so clients may send queries and documents over plain HTTP.";
        }
        const tls = endpoint.tlsSecurityPolicy;
        if (!present(tls)) {
            yield "domainEndpointOptions.tlsSecurityPolicy is not set, so the service default, which admits TLS 1.0, applies.";
        } else if (!MODERN_TLS_POLICIES.has(tls)) {
            yield `domainEndpointOptions.tlsSecurityPolicy is ${tls}, which admits TLS versions older than 1.2.`;
        }
    },
});

export const opensearchErrorLogsToCloudWatch = resourceRule<DomainInputs>({
    name: "opensearch-error-logs-to-cloudwatch",
    description: "OpenSearch and Elasticsearch domains publish their error (application) logs to CloudWatch Logs.",
    severity: "medium",
    category: "logging",
    hipaa: ["164.312(b)", "164.308(a)(1)(ii)(D)"],
    soc2: ["CC7.2"],
    remediation: `Add logPublishingOptions { logType: "${ERROR_LOGS}", cloudwatchLogGroupArn: <a log group of the stack>, enabled: true }.`,
    anchors: {
        awsConfig: ["OPENSEARCH_LOGS_TO_CLOUDWATCH", "ELASTICSEARCH_LOGS_TO_CLOUDWATCH"],
        cdkNag: ["OpenSearchErrorLogsToCloudWatch"],
    },
    resourceTypes: DOMAINS,
    *check(domain) {
        const options = elements(domain.logPublishingOptions);
        const published = options.known.some(
            (option) => isKnown(option) && option.logType === ERROR_LOGS && option.enabled !== false && !isUnknown(option.enabled)
                && presentOrPending(option.cloudwatchLogGroupArn),
        );
        if (!published && !options.hasUnknown) {
            yield `logPublishingOptions publishes no ${ERROR_LOGS} to a log group, so errors of the domain leave no trace.`;
        }
    },
});

export const opensearchPolicies: ClinicalPolicy[] = [
    opensearchEncryptedAtRest,
    opensearchNodeToNodeEncryption,
    opensearchInVpcOnly,
    opensearchHttpsRequired,
    opensearchErrorLogsToCloudWatch,
];
