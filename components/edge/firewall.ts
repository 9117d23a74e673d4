/**
 * The web application firewall in front of CloudFront: AWS managed rules for common exploits,
 * known bad inputs, IP reputation and SQL injection, a per-address rate limit, and logging to an
 * encrypted `aws-waf-logs-` group. A CloudFront web ACL and its log group must live in us-east-1,
 * so everything here is created through a provider for that region.
 */
import * as aws from "../aws";
import * as pulumi from "@pulumi/pulumi";
import { Statement, policyDocument } from "../iam";
import { KEY_SETTINGS, accountAdministers } from "../keys";
import { LogContext, ResourceContext } from "../context";

export const EDGE_REGION = "us-east-1";
export const MANAGED_RULE_GROUPS = [
    "AWSManagedRulesCommonRuleSet",
    "AWSManagedRulesKnownBadInputsRuleSet",
    "AWSManagedRulesAmazonIpReputationList",
    "AWSManagedRulesSQLiRuleSet",
];
/** Headers kept out of the firewall log: they carry credentials. */
export const REDACTED_HEADERS = ["authorization", "cookie"];

/**
 * The shared inputs, where a logs key is in us-east-1 to reuse; absent, a key for these logs is created
 * there (a KMS key serves only its own region). Its protection applies to that key: losing it loses the logs.
 */
export type EdgeFirewallContext = ResourceContext & { logs: Pick<LogContext, "retentionDays"> & Partial<Pick<LogContext, "keyArn">> };

export interface EdgeFirewallArgs {
    /** Prefix of the ACL and log group names, e.g. clinical-platform-production. */
    namePrefix: string;
    /** Requests one address may make in five minutes before it is blocked. */
    requestsPerIpPerFiveMinutes: number;
    /** The stack's shared inputs (components/context.ts), with a logs key only in us-east-1. */
    context: EdgeFirewallContext;
    /** Provider for us-east-1. */
    provider: aws.Provider;
}

export class EdgeFirewall extends pulumi.ComponentResource {
    readonly webAclArn: pulumi.Output<string>;

    constructor(name: string, args: EdgeFirewallArgs, opts?: pulumi.ComponentResourceOptions) {
        super("clinical-platform:edge:Firewall", name, {}, opts);
        const inEdgeRegion = { parent: this, provider: args.provider };

        const logsKeyArn = args.context.logs.keyArn ?? this.createLogsKey(name, args);
        const logGroup = new aws.cloudwatch.LogGroup(`${name}-logs`, {
            // WAF delivers only to groups whose name starts with aws-waf-logs-.
            name: `aws-waf-logs-${args.namePrefix}`,
            retentionInDays: args.context.logs.retentionDays,
            kmsKeyId: logsKeyArn,
        }, inEdgeRegion);

        const visibility = (metricName: string) => ({ cloudwatchMetricsEnabled: true, sampledRequestsEnabled: true, metricName });
        const webAcl = new aws.wafv2.WebAcl(name, {
            name: `${args.namePrefix}-edge`,
            description: "Clinical platform edge: managed rule groups and a per-address rate limit",
            scope: "CLOUDFRONT",
            defaultAction: { allow: {} },
            rules: [
                {
                    name: "rate-limit-per-ip",
                    priority: 0,
                    action: { block: {} },
                    statement: { rateBasedStatement: { limit: args.requestsPerIpPerFiveMinutes, aggregateKeyType: "IP", evaluationWindowSec: 300 } },
                    visibilityConfig: visibility("rate-limit-per-ip"),
                },
                ...MANAGED_RULE_GROUPS.map((group, index) => ({
                    name: group,
                    priority: index + 1,
                    overrideAction: { none: {} },
                    statement: {
                        managedRuleGroupStatement: {
                            vendorName: "AWS",
                            name: group,
                            // Clinical notes are posted as request bodies well above the rule's 8 KB cut-off;
                            // the rule counts them instead of blocking, the other common rules still apply.
                            ruleActionOverrides: group === "AWSManagedRulesCommonRuleSet"
                                ? [{ name: "SizeRestrictions_BODY", actionToUse: { count: {} } }]
                                : undefined,
                        },
                    },
                    visibilityConfig: visibility(group),
                })),
            ],
            visibilityConfig: visibility(`${args.namePrefix}-edge`),
        }, inEdgeRegion);
        new aws.wafv2.WebAclLoggingConfiguration(name, {
            resourceArn: webAcl.arn,
            logDestinationConfigs: [logGroup.arn],
            redactedFields: REDACTED_HEADERS.map((header) => ({ singleHeader: { name: header } })),
        }, inEdgeRegion);

        this.webAclArn = webAcl.arn;
        this.registerOutputs({ webAclArn: this.webAclArn });
    }

    /** For stacks outside us-east-1: their logs key cannot encrypt a group in another region. */
    private createLogsKey(name: string, args: EdgeFirewallArgs): pulumi.Output<string> {
        const lookup = { parent: this, provider: args.provider };
        const account = aws.getCallerIdentityOutput({}, lookup).accountId;
        const partition = aws.getPartitionOutput({}, lookup).partition;
        const statements: Statement[] = [
            accountAdministers(pulumi.interpolate`arn:${partition}:iam::${account}:root`),
            {
                Sid: "EdgeLogGroups",
                Effect: "Allow",
                Principal: { Service: `logs.${EDGE_REGION}.amazonaws.com` },
                Action: ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"],
                Resource: "*",
                Condition: { ArnLike: { "kms:EncryptionContext:aws:logs:arn": pulumi.interpolate`arn:${partition}:logs:${EDGE_REGION}:${account}:log-group:*` } },
            },
        ];
        const key = new aws.kms.Key(`${name}-logs`, {
            ...KEY_SETTINGS,
            description: `${args.namePrefix} edge log encryption (${EDGE_REGION})`,
            policy: policyDocument(statements),
            tags: { Purpose: "edge-logs" },
        }, { ...lookup, protect: args.context.protect, retainOnDelete: args.context.protect });
        new aws.kms.Alias(`${name}-logs`, { name: `alias/${args.namePrefix}-edge-logs`, targetKeyId: key.keyId }, lookup);
        return key.arn;
    }
}
