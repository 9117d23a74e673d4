/**
 * The VPC: public, private (app) and isolated (database) subnets in each zone, NAT egress for the
 * private tier only, flow logs into an encrypted log group, and a default security group that
 * admits nothing.
 */
import * as aws from "./aws";
import * as pulumi from "@pulumi/pulumi";
import { assumableBy, grantToRole } from "./iam";
import { PlatformContext } from "./context";

export interface NetworkArgs {
    /**
     * Prefix of every explicit physical name, e.g. clinical-platform-production. Stacks that share an
     * account and region must not collide, so it carries the stack's environment.
     */
    namePrefix: string;
    /** VPC block, e.g. 10.30.0.0/16. */
    cidr: string;
    /**
     * Zone names, one per subnet of each tier, in order; the first ones are used. Zones EKS refuses
     * must already be left out (see EKS_UNSUPPORTED_ZONE_IDS).
     */
    availabilityZones: pulumi.Input<string[]>;
    /** Subnet blocks per tier, one per zone, in zone order. */
    subnets: { public: readonly string[]; private: readonly string[]; isolated: readonly string[] };
    /** `perAz` survives a zone failure; `single` routes every zone through the first zone's gateway. */
    natGateways: "single" | "perAz";
    /** The stack's shared inputs: tags and protection, the logs key and retention (components/context.ts). */
    context: PlatformContext;
}

export class Network extends pulumi.ComponentResource {
    readonly vpcId: pulumi.Output<string>;
    readonly vpcCidr: string;
    readonly publicSubnetIds: pulumi.Output<string>[];
    readonly privateSubnetIds: pulumi.Output<string>[];
    readonly isolatedSubnetIds: pulumi.Output<string>[];

    constructor(name: string, args: NetworkArgs, opts?: pulumi.ComponentResourceOptions) {
        super("clinical-platform:network:Network", name, {}, opts);
        const parent = { parent: this };
        const tagged = (suffix: string, extra: Record<string, string> = {}) => ({ Name: `${name}-${suffix}`, ...extra });

        const vpc = new aws.ec2.Vpc(name, {
            cidrBlock: args.cidr,
            enableDnsSupport: true,
            enableDnsHostnames: true,
            tags: tagged("vpc"),
        }, parent);
        new aws.ec2.DefaultSecurityGroup(`${name}-default`, { vpcId: vpc.id, ingress: [], egress: [], tags: tagged("default-closed") }, parent);

        const zoneCount = Math.max(args.subnets.public.length, args.subnets.private.length, args.subnets.isolated.length);
        const zone = (index: number) => pulumi.output(args.availabilityZones).apply((zones) => {
            if (zones.length < zoneCount) {
                throw new Error(`the region offers ${zones.length} usable availability zone(s) (${zones.join(", ")}); the network needs ${zoneCount}: lower overrides.network.azCount`);
            }
            return zones[index];
        });
        const subnet = (tier: string, cidr: string, index: number, extraTags: Record<string, string>) =>
            new aws.ec2.Subnet(`${name}-${tier}-${index + 1}`, {
                vpcId: vpc.id,
                cidrBlock: cidr,
                availabilityZone: zone(index),
                mapPublicIpOnLaunch: false,
                tags: tagged(`${tier}-${index + 1}`, { Tier: tier, ...extraTags }),
            }, parent);
        const publicSubnets = args.subnets.public.map((cidr, i) => subnet("public", cidr, i, { "kubernetes.io/role/elb": "1" }));
        const privateSubnets = args.subnets.private.map((cidr, i) => subnet("private", cidr, i, { "kubernetes.io/role/internal-elb": "1" }));
        const isolatedSubnets = args.subnets.isolated.map((cidr, i) => subnet("isolated", cidr, i, {}));

        const internetGateway = new aws.ec2.InternetGateway(`${name}-igw`, { vpcId: vpc.id, tags: tagged("igw") }, parent);
        const publicRoutes = new aws.ec2.RouteTable(`${name}-public`, { vpcId: vpc.id, tags: tagged("public", { Tier: "public" }) }, parent);
        new aws.ec2.Route(`${name}-public-default`, {
            routeTableId: publicRoutes.id,
            destinationCidrBlock: "0.0.0.0/0",
            gatewayId: internetGateway.id,
        }, parent);
        publicSubnets.forEach((s, i) => new aws.ec2.RouteTableAssociation(`${name}-public-${i + 1}`, { subnetId: s.id, routeTableId: publicRoutes.id }, parent));

        const natCount = args.natGateways === "perAz" ? publicSubnets.length : 1;
        const natGateways = publicSubnets.slice(0, natCount).map((s, i) => {
            const address = new aws.ec2.Eip(`${name}-nat-${i + 1}`, { domain: "vpc", tags: tagged(`nat-${i + 1}`) }, parent);
            return new aws.ec2.NatGateway(`${name}-nat-${i + 1}`, {
                allocationId: address.id,
                subnetId: s.id,
                connectivityType: "public",
                tags: tagged(`nat-${i + 1}`),
            }, { parent: this, dependsOn: [internetGateway] });
        });
        const privateRouteTables = privateSubnets.map((s, i) => {
            const table = new aws.ec2.RouteTable(`${name}-private-${i + 1}`, { vpcId: vpc.id, tags: tagged(`private-${i + 1}`, { Tier: "private" }) }, parent);
            new aws.ec2.Route(`${name}-private-${i + 1}-egress`, {
                routeTableId: table.id,
                destinationCidrBlock: "0.0.0.0/0",
                natGatewayId: natGateways[i % natGateways.length].id,
            }, parent);
            new aws.ec2.RouteTableAssociation(`${name}-private-${i + 1}`, { subnetId: s.id, routeTableId: table.id }, parent);
            return table;
        });
        // The isolated tier has only the VPC-local route: the database can neither reach nor be reached from the internet.
        const isolatedRoutes = new aws.ec2.RouteTable(`${name}-isolated`, { vpcId: vpc.id, tags: tagged("isolated", { Tier: "isolated" }) }, parent);
        isolatedSubnets.forEach((s, i) => new aws.ec2.RouteTableAssociation(`${name}-isolated-${i + 1}`, { subnetId: s.id, routeTableId: isolatedRoutes.id }, parent));

        // S3 traffic (image layers, backups, logs) stays on the AWS network instead of the NAT gateways.
        new aws.ec2.VpcEndpoint(`${name}-s3`, {
            vpcId: vpc.id,
            serviceName: pulumi.interpolate`com.amazonaws.${aws.getRegionOutput({}, parent).region}.s3`,
            vpcEndpointType: "Gateway",
            routeTableIds: [...privateRouteTables.map((t) => t.id), isolatedRoutes.id],
            tags: tagged("s3-endpoint"),
        }, parent);

        this.createFlowLogs(name, vpc, args);

        this.vpcId = vpc.id;
        this.vpcCidr = args.cidr;
        this.publicSubnetIds = publicSubnets.map((s) => s.id);
        this.privateSubnetIds = privateSubnets.map((s) => s.id);
        this.isolatedSubnetIds = isolatedSubnets.map((s) => s.id);
        this.registerOutputs({
            vpcId: this.vpcId,
            vpcCidr: this.vpcCidr,
            publicSubnetIds: this.publicSubnetIds,
            privateSubnetIds: this.privateSubnetIds,
            isolatedSubnetIds: this.isolatedSubnetIds,
        });
    }

    /** Every accepted and rejected flow, delivered by a role that may write to this one group only. */
    private createFlowLogs(name: string, vpc: aws.ec2.Vpc, args: NetworkArgs): void {
        const parent = { parent: this };
        const logGroup = new aws.cloudwatch.LogGroup(`${name}-flow-logs`, {
            name: `/${args.namePrefix}/${name}/vpc-flow-logs`,
            retentionInDays: args.context.logs.retentionDays,
            kmsKeyId: args.context.logs.keyArn,
        }, parent);
        const role = new aws.iam.Role(`${name}-flow-logs`, {
            assumeRolePolicy: assumableBy("vpc-flow-logs.amazonaws.com"),
            description: "Delivers VPC flow logs to CloudWatch Logs",
        }, parent);
        const permissions = grantToRole(this, `${name}-flow-logs`, role, [{
                Effect: "Allow",
                Action: ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
                Resource: pulumi.interpolate`${logGroup.arn}:*`,
            }]);
        new aws.ec2.FlowLog(`${name}-flow-logs`, {
            vpcId: vpc.id,
            trafficType: "ALL",
            logDestinationType: "cloud-watch-logs",
            logDestination: logGroup.arn,
            iamRoleArn: role.arn,
            maxAggregationInterval: 60,
        }, { parent: this, dependsOn: [permissions] });
    }
}
