/**
 * What the mocked cloud answers: ids, ARNs and attributes shaped like AWS's, derived from the URN so
 * two evaluations of the same program agree. In first-deployment mode nothing is answered beyond the
 * inputs, so every id, ARN and computed attribute stays unknown, as in a preview of a new stack.
 */
import { createHash } from "crypto";
import * as pulumi from "@pulumi/pulumi";

/** The account the mocked cloud answers for when the evaluation names none. */
export const MOCK_ACCOUNT_ID = "123456789012";

export interface CloudOptions {
    region: string;
    /** The account the credentials belong to, as `sts:GetCallerIdentity` would answer. */
    accountId: string;
    /** Leave ids, ARNs and computed attributes unknown. */
    firstDeployment: boolean;
    /**
     * Regions of the explicit aws providers registered so far, by provider id: a resource or call made
     * through one (the DR region's, the edge's us-east-1) answers with that provider's region.
     */
    providerRegions?: Map<string, string>;
}

/** The region a resource or call is served in: its own `region` input, its provider's, or the stack's. */
function regionFor(provider: string | undefined, inputs: Record<string, unknown> | undefined, options: CloudOptions): string {
    if (typeof inputs?.region === "string") return inputs.region;
    const id = provider?.split("::").pop();
    return (id && options.providerRegions?.get(id)) || options.region;
}

type State = Record<string, unknown>;

const SERVICE_BY_MODULE: Record<string, string> = {
    alb: "elasticloadbalancing", lb: "elasticloadbalancing", cloudwatch: "logs", rds: "rds", s3: "s3", kms: "kms",
    ec2: "ec2", eks: "eks", iam: "iam", sns: "sns", secretsmanager: "secretsmanager", wafv2: "wafv2",
    cloudfront: "cloudfront", acm: "acm", codeconnections: "codeconnections", backup: "backup",
};

/** The `name` of a physical resource when the program gives none: Pulumi's auto-naming shape. */
function physicalName(args: pulumi.runtime.MockResourceArgs): string {
    return `${args.name}-${digest(`${args.type}::${args.name}`).slice(0, 7)}`;
}

function digest(text: string): string {
    return createHash("sha256").update(text).digest("hex");
}

function idFor(type: string, name: string, seed: string): string {
    const hex = digest(seed).slice(0, 17);
    const prefixes: Record<string, string> = {
        "aws:ec2/vpc:Vpc": "vpc", "aws:ec2/subnet:Subnet": "subnet", "aws:ec2/securityGroup:SecurityGroup": "sg",
        "aws:ec2/routeTable:RouteTable": "rtb", "aws:ec2/internetGateway:InternetGateway": "igw",
        "aws:ec2/natGateway:NatGateway": "nat", "aws:ec2/eip:Eip": "eipalloc", "aws:ec2/flowLog:FlowLog": "fl",
        "aws:ec2/launchTemplate:LaunchTemplate": "lt", "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup": "sg",
        "aws:ec2/vpcEndpoint:VpcEndpoint": "vpce",
    };
    if (prefixes[type]) return `${prefixes[type]}-${hex}`;
    if (type === "aws:kms/key:Key") return uuidFrom(hex + digest(seed).slice(17, 32));
    return name;
}

function uuidFrom(hex: string): string {
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.padEnd(32, "0").slice(20, 32)}`;
}

function arnFor(type: string, region: string, account: string, id: string, name: string): string | undefined {
    const module = type.split(":")[1]?.split("/")[0] ?? "";
    const service = SERVICE_BY_MODULE[module];
    if (!service) return undefined;
    const resource = type.split(":")[2] ?? "resource";
    // EventBridge rules share the cloudwatch module with log groups in the provider.
    if (type === "aws:cloudwatch/eventRule:EventRule") return `arn:aws:events:${region}:${account}:rule/${name}`;
    switch (service) {
        case "s3": return `arn:aws:s3:::${name}`;
        case "iam": return `arn:aws:iam::${account}:${resource === "Role" ? "role" : "policy"}/${name}`;
        case "cloudfront": return `arn:aws:cloudfront::${account}:${resource.toLowerCase()}/${id}`;
        case "rds": return resource === "Instance" ? `arn:aws:rds:${region}:${account}:db:${name}` : `arn:aws:rds:${region}:${account}:${resource.toLowerCase()}/${id}`;
        case "backup": return resource === "Vault" ? `arn:aws:backup:${region}:${account}:backup-vault:${name}`
            : resource === "Plan" ? `arn:aws:backup:${region}:${account}:backup-plan:${id}` : undefined;
        case "logs": return `arn:aws:logs:${region}:${account}:log-group:${name}`;
        case "kms": return `arn:aws:kms:${region}:${account}:key/${id}`;
        case "elasticloadbalancing": {
            const kind = resource === "TargetGroup" ? "targetgroup" : resource === "Listener" ? "listener/app" : "loadbalancer/app";
            return `arn:aws:elasticloadbalancing:${region}:${account}:${kind}/${name}/${digest(id).slice(0, 16)}`;
        }
        default: return `arn:aws:${service}:${region}:${account}:${resource.toLowerCase()}/${id}`;
    }
}

/** Attributes AWS computes that the program reads from other resources. */
function computed(type: string, state: State, region: string, account: string, id: string, name: string): State {
    switch (type) {
        case "aws:s3/bucket:Bucket":
        case "aws:s3/bucketV2:BucketV2":
            return { bucket: name, bucketRegionalDomainName: `${name}.s3.${region}.amazonaws.com`, region };
        case "aws:rds/instance:Instance":
            return {
                address: `${name}.c0ffee.${region}.rds.amazonaws.com`,
                endpoint: `${name}.c0ffee.${region}.rds.amazonaws.com:5432`,
                port: 5432,
                masterUserSecrets: [{ secretArn: `arn:aws:secretsmanager:${region}:${account}:secret:rds!db-${id}`, secretStatus: "active" }],
                resourceId: `db-${digest(id).slice(0, 26).toUpperCase()}`,
            };
        case "aws:eks/cluster:Cluster":
            return {
                endpoint: `https://${digest(id).slice(0, 32).toUpperCase()}.gr7.${region}.eks.amazonaws.com`,
                certificateAuthority: { data: Buffer.from("mock-certificate-authority").toString("base64") },
                identities: [{ oidcs: [{ issuer: `https://oidc.eks.${region}.amazonaws.com/id/${digest(id).slice(0, 32).toUpperCase()}` }] }],
                vpcConfig: { ...(state.vpcConfig as State), clusterSecurityGroupId: `sg-${digest(`${id}/cluster`).slice(0, 17)}` },
            };
        case "aws:lb/loadBalancer:LoadBalancer":
        case "aws:alb/loadBalancer:LoadBalancer":
            return { dnsName: `internal-${name}-1234567890.${region}.elb.amazonaws.com`, arnSuffix: `app/${name}/${digest(id).slice(0, 16)}`, zoneId: "Z35SXDOTRQ7X7K" };
        case "aws:lb/targetGroup:TargetGroup":
        case "aws:alb/targetGroup:TargetGroup":
            return { arnSuffix: `targetgroup/${name}/${digest(id).slice(0, 16)}` };
        case "aws:cloudfront/distribution:Distribution":
            return { domainName: `d${digest(id).slice(0, 13)}.cloudfront.net`, hostedZoneId: "Z2FDTNDATAQYW2" };
        case "aws:eks/nodeGroup:NodeGroup":
            return { nodeGroupName: name };
        case "aws:ec2/launchTemplate:LaunchTemplate":
            return { latestVersion: 1, defaultVersion: 1 };
        case "aws:wafv2/webAcl:WebAcl":
            // A CLOUDFRONT-scope ACL lives in us-east-1 under `global`, whatever the stack's region.
            return {
                arn: `arn:aws:wafv2:${state.scope === "CLOUDFRONT" ? "us-east-1" : region}:${account}:${state.scope === "CLOUDFRONT" ? "global" : "regional"}/webacl/${name}/${uuidFrom(digest(id).slice(0, 32))}`,
            };
        case "aws:sns/topic:Topic":
            return { arn: `arn:aws:sns:${region}:${account}:${name}` };
        case "aws:cloudwatch/logDeliveryDestination:LogDeliveryDestination":
            return { arn: `arn:aws:logs:us-east-1:${account}:delivery-destination:${name}` };
        case "aws:kms/key:Key":
            return { keyId: id };
        case "aws:iam/openIdConnectProvider:OpenIdConnectProvider":
            return { arn: `arn:aws:iam::${account}:oidc-provider/${String(state.url).replace(/^https:\/\//, "")}` };
        case "aws:iam/serviceLinkedRole:ServiceLinkedRole":
            return { arn: `arn:aws:iam::${account}:role/aws-service-role/${state.awsServiceName}/${name}` };
        case "aws:cloudwatch/logGroup:LogGroup":
            return { name };
        case "aws:sqs/queue:Queue":
            return { arn: `arn:aws:sqs:${region}:${account}:${name}`, url: `https://sqs.${region}.amazonaws.com/${account}/${name}` };
        case "aws:cloudwatch/eventRule:EventRule":
            return { arn: `arn:aws:events:${region}:${account}:rule/${name}` };
        case "aws:lambda/function:Function":
            return { arn: `arn:aws:lambda:${region}:${account}:function:${name}` };
        case "random:index/randomPassword:RandomPassword":
        case "random:index/randomString:RandomString":
            return { result: digest(`secret:${id}`).slice(0, Number(state.length ?? 32)) };
        default:
            return {};
    }
}

export function mockResource(args: pulumi.runtime.MockResourceArgs, options: CloudOptions): { id: string | undefined; state: State } {
    if (options.firstDeployment) return { id: undefined, state: { ...args.inputs } };
    const name = typeof args.inputs.name === "string" ? args.inputs.name
        : typeof args.inputs.bucket === "string" ? args.inputs.bucket : physicalName(args);
    const id = idFor(args.type, name, `${args.type}::${args.name}`);
    if (args.type === "pulumi:providers:aws" && typeof args.inputs.region === "string") options.providerRegions?.set(id, args.inputs.region);
    const region = regionFor(args.provider, args.inputs, options);
    const arn = arnFor(args.type, region, options.accountId, id, name);
    return {
        id,
        state: {
            ...args.inputs,
            name,
            ...(arn ? { arn } : {}),
            ...computed(args.type, args.inputs, region, options.accountId, id, name),
        },
    };
}

/**
 * The mocked account's zones: name → zone ID. Names are shuffled per account by AWS; IDs are not.
 * This account maps us-east-1c to use1-az3 and us-west-1a to usw1-az2, zones EKS refuses, so a
 * program that takes the first zones by name would land in them. Regions not listed get four zones.
 */
export const MOCK_ZONES: Readonly<Record<string, Readonly<Record<string, string>>>> = {
    "us-east-1": {
        "us-east-1a": "use1-az1", "us-east-1b": "use1-az2", "us-east-1c": "use1-az3",
        "us-east-1d": "use1-az4", "us-east-1e": "use1-az5", "us-east-1f": "use1-az6",
    },
    "us-east-2": { "us-east-2a": "use2-az1", "us-east-2b": "use2-az2", "us-east-2c": "use2-az3" },
    "us-west-1": { "us-west-1a": "usw1-az2", "us-west-1b": "usw1-az1", "us-west-1c": "usw1-az3" },
    "us-west-2": { "us-west-2a": "usw2-az1", "us-west-2b": "usw2-az2", "us-west-2c": "usw2-az3", "us-west-2d": "usw2-az4" },
    "ca-central-1": { "ca-central-1a": "cac1-az1", "ca-central-1b": "cac1-az3", "ca-central-1d": "cac1-az4" },
};

function zonesOf(region: string): [string, string][] {
    const listed = MOCK_ZONES[region];
    if (listed) return Object.entries(listed);
    return ["a", "b", "c", "d"].map((letter, index) => [`${region}${letter}`, `${region}-az${index + 1}`]);
}

/** getAvailabilityZones as EC2 answers it, honouring the exclusions the program asks for. */
function availabilityZones(inputs: Record<string, unknown>, region: string): Record<string, unknown> {
    const excludedIds = (inputs.excludeZoneIds as string[] | undefined) ?? [];
    const excludedNames = (inputs.excludeNames as string[] | undefined) ?? [];
    const zones = zonesOf(region).filter(([name, id]) => !excludedIds.includes(id) && !excludedNames.includes(name));
    return {
        id: region,
        names: zones.map(([name]) => name),
        zoneIds: zones.map(([, id]) => id),
        groupNames: zones.map(() => region),
        state: inputs.state ?? "available",
    };
}

/**
 * The account Elastic Load Balancing delivers access logs from, for the regions the stacks use
 * (ELB User Guide for Application Load Balancers, "Enable access logs", step 2; the same figures as
 * terraform-provider-aws's aws_elb_service_account, which @pulumi/aws 7.48.0 bridges; checked
 * 2026-12-01). Any other region gets the provider's answer for a region opened since August 2022.
 */
const ELB_LOG_ACCOUNTS: Record<string, string> = { "us-east-1": "127311923021", "us-east-2": "033677994240", "us-west-2": "797873946194" };

function elbServiceAccount(region: string): Record<string, unknown> {
    const account = ELB_LOG_ACCOUNTS[region];
    // As the engine reports a provider's failure: a gRPC error whose details carry the message.
    if (account === undefined) throw Object.assign(new Error(`unsupported AWS Region: ${region}`), { details: `unsupported AWS Region: ${region}` });
    return { id: account, arn: `arn:aws:iam::${account}:root`, region };
}

export function mockCall(args: pulumi.runtime.MockCallArgs, options: CloudOptions): Record<string, unknown> {
    const region = regionFor(args.provider, undefined, options);
    switch (args.token) {
        case "aws:index/getAvailabilityZones:getAvailabilityZones":
            return availabilityZones(args.inputs, region);
        case "aws:index/getCallerIdentity:getCallerIdentity":
            return { accountId: options.accountId, arn: `arn:aws:iam::${options.accountId}:role/deployer`, userId: "AROAMOCK" };
        case "aws:index/getPartition:getPartition":
            return { partition: "aws", dnsSuffix: "amazonaws.com" };
        case "aws:index/getRegion:getRegion":
            return { name: region, region };
        case "aws:ec2/getManagedPrefixList:getManagedPrefixList":
            return { id: "pl-3b927c52", name: args.inputs.name };
        case "aws:ec2/getSecurityGroups:getSecurityGroups": {
            const names = (args.inputs.filters as Array<{ name: string; values: string[] }> | undefined ?? []).flatMap((f) => f.values);
            return { ids: [`sg-${digest(names.join("/")).slice(0, 17)}`], vpcIds: [] };
        }
        case "aws:elb/getServiceAccount:getServiceAccount":
            return elbServiceAccount(typeof args.inputs.region === "string" ? args.inputs.region : region);
        case "aws:eks/getAddonVersion:getAddonVersion":
            return { version: "v1.0.0-eksbuild.1", addonName: args.inputs.addonName };
        default:
            return { ...args.inputs };
    }
}
