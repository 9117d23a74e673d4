/**
 * No two stacks that share an account create the same physical name. AWS refuses a second resource
 * of a name in the name's scope (an S3 bucket name across all of AWS, an IAM or CloudFront name
 * across the account, most names within the account's region), so the stack deployed second fails.
 * Names Pulumi generates carry a random suffix and never collide; only explicit names are judged.
 * The preview hands it the committed stacks of this stack's account, so an S3 bucket name shared
 * with a stack of another account is outside its view (the program lets Pulumi name its buckets).
 */
import type { RecordedResource } from "../offline/types";
import { DeployCheck, DeployCheckFailure, StackPlan, knownString, objectInput } from "./types";

/**
 * Where a name must be unique. `global`: all of AWS (S3 bucket names, across accounts and regions);
 * `account`: the whole account whatever the region (IAM, CloudFront, account-wide switches);
 * `region`: the account's region.
 */
type Scope = "global" | "account" | "region";

interface NameRule {
    /** The input that is the physical name, or how to read it; undefined when the program set none. */
    name: string | ((inputs: Record<string, unknown>) => string | undefined);
    scope: Scope | ((inputs: Record<string, unknown>) => Scope);
    /** Resource types that share one namespace (e.g. IAM roles and service-linked roles) share a label. */
    namespace?: string;
}

/** A resource AWS allows once per account (or account and region): its name is its type. */
const ONCE: (scope: Scope) => NameRule = (scope) => ({ name: () => "(one per account)", scope });

/** The physical name per resource type (types whose names are scoped to a VPC, cluster or parent are left out). */
const RULES: Record<string, NameRule> = {
    // Global across AWS.
    "aws:s3/bucket:Bucket": { name: "bucket", scope: "global" },
    "aws:s3/bucketV2:BucketV2": { name: "bucket", scope: "global", namespace: "aws:s3/bucket:Bucket" },
    // Account-wide: IAM and CloudFront have no regions.
    "aws:iam/role:Role": { name: "name", scope: "account", namespace: "iam role" },
    "aws:iam/serviceLinkedRole:ServiceLinkedRole": {
        // The role's name is AWSServiceRoleFor<service>[_<suffix>]; the service and suffix decide it.
        name: (i) => knownString(i.awsServiceName) && `${i.awsServiceName}${knownString(i.customSuffix) ? `_${i.customSuffix}` : ""}`,
        scope: "account",
        namespace: "iam service-linked role",
    },
    "aws:iam/user:User": { name: "name", scope: "account" },
    "aws:iam/group:Group": { name: "name", scope: "account" },
    "aws:iam/policy:Policy": { name: "name", scope: "account" },
    "aws:iam/instanceProfile:InstanceProfile": { name: "name", scope: "account" },
    "aws:iam/openIdConnectProvider:OpenIdConnectProvider": { name: "url", scope: "account" },
    "aws:iam/accountPasswordPolicy:AccountPasswordPolicy": ONCE("account"),
    "aws:s3/accountPublicAccessBlock:AccountPublicAccessBlock": ONCE("account"),
    "aws:cloudfront/cachePolicy:CachePolicy": { name: "name", scope: "account" },
    "aws:cloudfront/originRequestPolicy:OriginRequestPolicy": { name: "name", scope: "account" },
    "aws:cloudfront/responseHeadersPolicy:ResponseHeadersPolicy": { name: "name", scope: "account" },
    "aws:cloudfront/originAccessControl:OriginAccessControl": { name: "name", scope: "account" },
    "aws:cloudfront/function:Function": { name: "name", scope: "account" },
    // AWS Chatbot configurations are global to the account whatever region manages them.
    "aws:chatbot/slackChannelConfiguration:SlackChannelConfiguration": { name: "configurationName", scope: "account" },
    "aws:chatbot/teamsChannelConfiguration:TeamsChannelConfiguration": { name: "configurationName", scope: "account" },
    "aws:cloudfront/vpcOrigin:VpcOrigin": { name: (i) => knownString(objectInput(i.vpcOriginEndpointConfig)?.name), scope: "account" },
    // A CLOUDFRONT-scope web ACL lives in us-east-1 for the whole account; a REGIONAL one in its region.
    "aws:wafv2/webAcl:WebAcl": { name: "name", scope: (i) => (i.scope === "CLOUDFRONT" ? "account" : "region") },
    "aws:wafv2/ipSet:IpSet": { name: "name", scope: (i) => (i.scope === "CLOUDFRONT" ? "account" : "region") },
    "aws:wafv2/ruleGroup:RuleGroup": { name: "name", scope: (i) => (i.scope === "CLOUDFRONT" ? "account" : "region") },
    // Regional within the account.
    "aws:cloudwatch/logGroup:LogGroup": { name: "name", scope: "region" },
    "aws:cloudwatch/metricAlarm:MetricAlarm": { name: "name", scope: "region", namespace: "cloudwatch alarm" },
    "aws:cloudwatch/compositeAlarm:CompositeAlarm": { name: "alarmName", scope: "region", namespace: "cloudwatch alarm" },
    "aws:cloudwatch/dashboard:Dashboard": { name: "dashboardName", scope: "account" },
    "aws:cloudwatch/eventRule:EventRule": { name: "name", scope: "region" },
    "aws:cloudwatch/logDeliverySource:LogDeliverySource": { name: "name", scope: "region" },
    "aws:cloudwatch/logDeliveryDestination:LogDeliveryDestination": { name: "name", scope: "region" },
    "aws:kms/alias:Alias": { name: "name", scope: "region" },
    "aws:secretsmanager/secret:Secret": { name: "name", scope: "region" },
    "aws:sns/topic:Topic": { name: "name", scope: "region" },
    "aws:sqs/queue:Queue": { name: "name", scope: "region" },
    "aws:lambda/function:Function": { name: "name", scope: "region" },
    "aws:eks/cluster:Cluster": { name: "name", scope: "region" },
    "aws:rds/instance:Instance": { name: "identifier", scope: "region" },
    "aws:rds/cluster:Cluster": { name: "clusterIdentifier", scope: "region" },
    "aws:rds/parameterGroup:ParameterGroup": { name: "name", scope: "region" },
    "aws:rds/clusterParameterGroup:ClusterParameterGroup": { name: "name", scope: "region" },
    "aws:rds/subnetGroup:SubnetGroup": { name: "name", scope: "region" },
    "aws:lb/loadBalancer:LoadBalancer": { name: "name", scope: "region", namespace: "load balancer" },
    "aws:alb/loadBalancer:LoadBalancer": { name: "name", scope: "region", namespace: "load balancer" },
    "aws:lb/targetGroup:TargetGroup": { name: "name", scope: "region", namespace: "target group" },
    "aws:alb/targetGroup:TargetGroup": { name: "name", scope: "region", namespace: "target group" },
    "aws:ec2/launchTemplate:LaunchTemplate": { name: "name", scope: "region" },
    "aws:ec2/keyPair:KeyPair": { name: "keyName", scope: "region" },
    "aws:ecr/repository:Repository": { name: "name", scope: "region" },
    "aws:ssm/parameter:Parameter": { name: "name", scope: "region" },
    "aws:dynamodb/table:Table": { name: "name", scope: "region" },
    "aws:backup/vault:Vault": { name: "name", scope: "region" },
    "aws:backup/plan:Plan": { name: "name", scope: "region" },
    "aws:cloudtrail/trail:Trail": { name: "name", scope: "region" },
    "aws:cfg/recorder:Recorder": ONCE("region"),
    "aws:cfg/deliveryChannel:DeliveryChannel": ONCE("region"),
    "aws:guardduty/detector:Detector": ONCE("region"),
    "aws:securityhub/account:Account": ONCE("region"),
    "aws:ebs/encryptionByDefault:EncryptionByDefault": ONCE("region"),
};

interface PhysicalName {
    stack: string;
    resource: RecordedResource;
    /** The name as AWS scopes it, e.g. `account 111122223333 region us-east-1 aws:cloudwatch/logGroup:LogGroup /x`. */
    key: string;
    name: string;
    field: string;
    where: string;
}

/** The region a resource is created in: its own `region` input (provider v7), its provider's, or the stack's. */
function regionOf(resource: RecordedResource, plan: StackPlan): string {
    const own = knownString(resource.inputs.region);
    if (own) return own;
    const providerUrn = resource.options.provider?.split("::").slice(0, -1).join("::");
    const provider = providerUrn ? plan.resources.find((r) => r.urn === providerUrn) : undefined;
    return knownString(provider?.inputs.region) ?? plan.config.region;
}

export function physicalNamesOf(plan: StackPlan): PhysicalName[] {
    const names: PhysicalName[] = [];
    for (const resource of plan.resources) {
        const rule = RULES[resource.type];
        if (!rule || !resource.custom) continue;
        const name = typeof rule.name === "string" ? knownString(resource.inputs[rule.name]) : rule.name(resource.inputs);
        if (!name) continue;
        const scope = typeof rule.scope === "string" ? rule.scope : rule.scope(resource.inputs);
        const where = scope === "global" ? "all of AWS" : scope === "account" ? `account ${plan.config.account.id}` : `account ${plan.config.account.id}, region ${regionOf(resource, plan)}`;
        names.push({
            stack: plan.stack,
            resource,
            key: `${where}|${rule.namespace ?? resource.type}|${name}`,
            name,
            field: typeof rule.name === "string" ? rule.name : "name",
            where,
        });
    }
    return names;
}

export const physicalNamesCheck: DeployCheck = {
    name: "physical-names",
    description: "No two resources of this stack, or of it and another stack of its account, create the same physical name in the name's scope (S3: all of AWS; IAM, CloudFront: the account; the rest: the account's region).",
    source: "each resource type's naming scope per its AWS API reference (S3 global, IAM and CloudFront account-wide, the rest regional), tabled in infra/checks/physical-names.ts, checked 2026-12-01",
    needsNeighbours: true,
    run({ plan, neighbours }) {
        const failures: DeployCheckFailure[] = [];
        const own = physicalNamesOf(plan);
        const seen = new Map<string, PhysicalName>();
        for (const entry of own) {
            const earlier = seen.get(entry.key);
            if (earlier) failures.push(collision(entry, earlier));
            else seen.set(entry.key, entry);
        }
        // Neighbours' own duplicates are theirs to report; only collisions with this stack are ours.
        const others = new Map<string, PhysicalName>();
        for (const neighbour of neighbours.filter((n) => n.stack !== plan.stack && n.config.account.id === plan.config.account.id)) {
            for (const entry of physicalNamesOf(neighbour)) if (!others.has(entry.key)) others.set(entry.key, entry);
        }
        for (const entry of seen.values()) {
            const other = others.get(entry.key);
            if (other) failures.push(collision(entry, other));
        }
        return failures;
    },
};

function collision(entry: PhysicalName, other: PhysicalName): DeployCheckFailure {
    const elsewhere = other.stack === entry.stack ? `resource ${other.resource.name} of this stack` : `stack ${other.stack} (resource ${other.resource.name})`;
    return {
        check: "physical-names",
        urn: entry.resource.urn,
        message: `${entry.resource.type} ${entry.resource.name} sets ${entry.field} = "${entry.name}", which ${elsewhere} also creates; ` +
            `the name must be unique in ${entry.where}: put the stack in the name or let Pulumi name it`,
    };
}
