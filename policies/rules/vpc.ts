import { PUBLIC_ACCESS_HIPAA } from "../lib/citations";
import { type SecurityGroupInputs } from "../lib/network";
import { type ClinicalPolicy, type Finding, resourceRule, stackRule } from "../lib/policy";
import { type StackResource, type StackView, refersTo } from "../lib/stack";
import { EC2, EC2_LINKS } from "../lib/types";
import { type Maybe, elements, isKnown, isPresent, isUnknown } from "../lib/values";

/** Inputs of `aws.ec2.FlowLog` the rules read. */
export interface FlowLogInputs {
    vpcId?: Maybe<string>;
    trafficType?: Maybe<string>;
}

/** Inputs of `aws.ec2.Subnet` the rules read. */
export interface SubnetInputs {
    mapPublicIpOnLaunch?: Maybe<boolean>;
    assignIpv6AddressOnCreation?: Maybe<boolean>;
}

/** Inputs of `aws.ec2.DefaultSecurityGroup` the rules read. */
export interface DefaultSecurityGroupInputs extends Pick<SecurityGroupInputs, "ingress" | "egress"> {
    vpcId?: Maybe<string>;
}

interface RouteFields {
    gatewayId?: Maybe<string>;
}

/** Inputs of `aws.ec2.Route` the rules read. */
export interface RouteInputs extends RouteFields {
    routeTableId?: Maybe<string>;
    destinationCidrBlock?: Maybe<string>;
    destinationIpv6CidrBlock?: Maybe<string>;
}

/** Inputs of `aws.ec2.RouteTable` the rules read. */
export interface RouteTableInputs {
    routes?: Maybe<Maybe<RouteFields & { cidrBlock?: Maybe<string>; ipv6CidrBlock?: Maybe<string> }>[]>;
    tags?: Maybe<Record<string, Maybe<string>>>;
}

export const vpcFlowLogsEnabled = stackRule({
    name: "vpc-flow-logs-enabled",
    description: "Every VPC records flow logs.",
    severity: "high",
    category: "logging",
    hipaa: ["164.308(a)(3)(ii)(A)", "164.312(b)"],
    soc2: ["CC7.2", "CC7.3"],
    remediation: 'Add a FlowLog with vpcId set to the VPC and trafficType "ALL", delivered to an encrypted log group.',
    resourceTypes: [EC2.vpc],
    anchors: { awsConfig: ["VPC_FLOW_LOGS_ENABLED"], cdkNag: ["VPCFlowLogsEnabled"] },
    *check(stack) {
        const flowLogs = stack.ofType(EC2.flowLog);
        for (const vpc of stack.ofType(EC2.vpc)) {
            if (!flowLogs.some((flowLog) => refersTo(flowLog, "vpcId", vpc, ["id"]))) {
                yield { resource: vpc, message: "No FlowLog records this VPC's traffic." };
            }
        }
    },
});

export const vpcFlowLogAllTraffic = resourceRule<FlowLogInputs>({
    name: "vpc-flow-log-all-traffic",
    description: "Flow logs capture accepted and rejected traffic alike.",
    severity: "high",
    category: "logging",
    hipaa: ["164.312(b)"],
    soc2: ["CC7.2"],
    remediation: 'Set trafficType to "ALL".',
    resourceTypes: [EC2.flowLog],
    *check(flowLog) {
        if (flowLog.trafficType !== "ALL") {
            const given = isKnown(flowLog.trafficType) ? flowLog.trafficType : isUnknown(flowLog.trafficType) ? "unknown until the update runs" : "unset";
            yield `trafficType is ${given}; only "ALL" records both accepted and rejected connections.`;
        }
    },
});

export const vpcSubnetNoAutoPublicIp = resourceRule<SubnetInputs>({
    name: "vpc-subnet-no-auto-public-ip",
    description: "Subnets do not hand out public addresses to whatever is launched in them.",
    severity: "medium",
    category: "public-access",
    hipaa: PUBLIC_ACCESS_HIPAA,
    soc2: ["CC6.6"],
    remediation: "Set mapPublicIpOnLaunch and assignIpv6AddressOnCreation to false; give NAT gateways and load balancers explicit addresses.",
    resourceTypes: [EC2.subnet],
    anchors: { awsConfig: ["SUBNET_AUTO_ASSIGN_PUBLIC_IP_DISABLED"], cdkNag: ["VPCSubnetAutoAssignPublicIpDisabled"] },
    *check(subnet) {
        if (subnet.mapPublicIpOnLaunch === true) {
            yield "mapPublicIpOnLaunch is true, so every instance in the subnet gets a public IPv4 address.";
        }
        if (subnet.assignIpv6AddressOnCreation === true) {
            yield "assignIpv6AddressOnCreation is true, so every interface in the subnet gets a routable IPv6 address.";
        }
    },
});

export const vpcDefaultSgClosed = stackRule({
    name: "vpc-default-sg-closed",
    description: "Every VPC's default security group is adopted by the stack so that it can be kept closed.",
    severity: "medium",
    category: "network",
    hipaa: ["164.312(e)(1)"],
    soc2: ["CC6.6"],
    remediation: "Add a DefaultSecurityGroup with vpcId set to the VPC and no ingress or egress rules.",
    resourceTypes: [EC2.vpc],
    anchors: { awsConfig: ["VPC_DEFAULT_SECURITY_GROUP_CLOSED"], cdkNag: ["VPCDefaultSecurityGroupClosed"] },
    *check(stack) {
        const defaults = stack.ofType(EC2.defaultSecurityGroup);
        for (const vpc of stack.ofType(EC2.vpc)) {
            if (!defaults.some((group) => refersTo(group, "vpcId", vpc, ["id"]))) {
                yield { resource: vpc, message: "The VPC's default security group is not managed, so it keeps AWS's allow-all rules." };
            }
        }
    },
});

export const vpcDefaultSgNoRules = resourceRule<DefaultSecurityGroupInputs>({
    name: "vpc-default-sg-no-rules",
    description: "Default security groups allow no traffic.",
    severity: "high",
    category: "network",
    hipaa: ["164.312(e)(1)"],
    soc2: ["CC6.6"],
    remediation: "Remove every ingress and egress rule from the DefaultSecurityGroup.",
    resourceTypes: [EC2.defaultSecurityGroup],
    anchors: { awsConfig: ["VPC_DEFAULT_SECURITY_GROUP_CLOSED"], cdkNag: ["VPCDefaultSecurityGroupClosed"] },
    *check(group) {
        const ingress = elements(group.ingress);
        const egress = elements(group.egress);
        if (ingress.known.length + egress.known.length > 0 || ingress.hasUnknown || egress.hasUnknown) {
            yield "The default security group has rules, so anything launched without a group gets network access.";
        }
    },
});

const INTERNET_ROUTES = new Set(["0.0.0.0/0", "::/0"]);

/** Whether a route's gateway is an internet gateway (by reference, or by a known igw- id). */
function targetsInternetGateway(stack: StackView, route: StackResource, gateway: Maybe<string>, path: string): boolean {
    if (!isPresent(gateway)) {
        return false;
    }
    if (isKnown(gateway) && gateway.startsWith("igw-")) {
        return true;
    }
    return stack.ofType(EC2.internetGateway).some((igw) => refersTo(route, path, igw, ["id"]));
}

function isPublicTable(table: StackResource | undefined, publicTags: Record<string, string>): boolean {
    const tags = table?.props<RouteTableInputs>().tags;
    if (!isKnown(tags)) {
        return false;
    }
    return Object.entries(publicTags).every(([key, value]) => tags[key] === value);
}

export const vpcNoUnrestrictedRouteToIgw = stackRule<{ publicRouteTableTags: Record<string, string> }>({
    name: "vpc-no-unrestricted-route-to-igw",
    description: "Only route tables marked public send internet-bound traffic to an internet gateway.",
    severity: "medium",
    category: "network",
    hipaa: ["164.312(e)(1)"],
    soc2: ["CC6.6"],
    remediation: "Route private and isolated subnets through NAT (or nowhere); tag the public tier's route tables with the configured tags.",
    config: {
        publicRouteTableTags: {
            type: "object",
            additionalProperties: { type: "string" },
            default: { Tier: "public" },
            description: "Tags that mark a route table as the public tier's.",
        },
    },
    resourceTypes: [EC2.route, EC2.routeTable],
    anchors: { awsConfig: ["NO_UNRESTRICTED_ROUTE_TO_IGW"], cdkNag: ["VPCNoUnrestrictedRouteToIGW"] },
    *check(stack, { config }) {
        const tables = stack.ofType(EC2.routeTable);
        for (const table of tables) {
            const routes = elements(table.props<RouteTableInputs>().routes).known;
            const open = routes.some(
                (route) =>
                    (INTERNET_ROUTES.has(String(route.cidrBlock)) || INTERNET_ROUTES.has(String(route.ipv6CidrBlock))) &&
                    targetsInternetGateway(stack, table, route.gatewayId, "routes"),
            );
            if (open && !isPublicTable(table, config.publicRouteTableTags)) {
                yield finding(table, "This route table sends 0.0.0.0/0 to an internet gateway but is not tagged as public.");
            }
        }
        for (const route of stack.ofType(EC2.route)) {
            const inputs = route.props<RouteInputs>();
            const toInternet =
                INTERNET_ROUTES.has(String(inputs.destinationCidrBlock)) || INTERNET_ROUTES.has(String(inputs.destinationIpv6CidrBlock));
            if (!toInternet || !targetsInternetGateway(stack, route, inputs.gatewayId, "gatewayId")) {
                continue;
            }
            const table = tables.find((candidate) => refersTo(route, "routeTableId", candidate, ["id"]));
            if (!isPublicTable(table, config.publicRouteTableTags)) {
                yield finding(route, "This route sends internet-bound traffic to an internet gateway from a route table not tagged as public.");
            }
        }
    },
});

/**
 * Whether a subnet of the stack is public: it maps public IPs on launch, or the route table
 * associated with it sends internet-bound traffic to an internet gateway.
 */
export function isPublicSubnet(stack: StackView, subnet: StackResource): boolean {
    if (subnet.props<SubnetInputs>().mapPublicIpOnLaunch === true) {
        return true;
    }
    const tables = stack
        .ofType(EC2_LINKS.routeTableAssociation)
        .filter((association) => refersTo(association, "subnetId", subnet, ["id"]))
        .flatMap((association) => stack.ofType(EC2.routeTable).filter((table) => refersTo(association, "routeTableId", table, ["id"])));
    return tables.some(
        (table) =>
            elements(table.props<RouteTableInputs>().routes).known.some(
                (route) =>
                    (INTERNET_ROUTES.has(String(route.cidrBlock)) || INTERNET_ROUTES.has(String(route.ipv6CidrBlock))) &&
                    targetsInternetGateway(stack, table, route.gatewayId, "routes"),
            ) ||
            stack.ofType(EC2.route).some((route) => {
                const inputs = route.props<RouteInputs>();
                return (
                    (INTERNET_ROUTES.has(String(inputs.destinationCidrBlock)) || INTERNET_ROUTES.has(String(inputs.destinationIpv6CidrBlock))) &&
                    refersTo(route, "routeTableId", table, ["id"]) &&
                    targetsInternetGateway(stack, route, inputs.gatewayId, "gatewayId")
                );
            }),
    );
}

/** Inputs of `aws.ec2.InternetGateway` and `aws.ec2.InternetGatewayAttachment` the rules read. */
export interface InternetGatewayInputs {
    vpcId?: Maybe<string>;
}

export const vpcInternetGatewayAuthorizedVpc = stackRule<{ authorizedVpcIds: string[] }>({
    name: "vpc-igw-authorized-vpc-only",
    description: "Internet gateways attach only to VPCs the stack declares or the pack config authorizes.",
    severity: "high",
    category: "public-access",
    hipaa: PUBLIC_ACCESS_HIPAA,
    soc2: ["CC6.6"],
    remediation: "Attach the gateway to a VPC of this stack (vpcId: vpc.id), or add the VPC's id to the policy's authorizedVpcIds after review.",
    config: {
        authorizedVpcIds: {
            type: "array",
            items: { type: "string" },
            default: [],
            description: "Ids of VPCs outside the stack to which an internet gateway may attach.",
        },
    },
    resourceTypes: [EC2.internetGateway, EC2_LINKS.internetGatewayAttachment],
    anchors: { awsConfig: ["INTERNET_GATEWAY_AUTHORIZED_VPC_ONLY"] },
    *check(stack, { config }) {
        const vpcs = stack.ofType(EC2.vpc);
        const authorized = new Set(config.authorizedVpcIds);
        for (const gateway of stack.ofType(EC2.internetGateway, EC2_LINKS.internetGatewayAttachment)) {
            const vpcId = gateway.props<InternetGatewayInputs>().vpcId;
            // A gateway without vpcId is detached (an attachment resource may attach it, and is judged itself).
            if (gateway.type === EC2.internetGateway && !isPresent(vpcId)) continue;
            if (isKnown(vpcId) && authorized.has(vpcId)) continue;
            if (vpcs.some((vpc) => refersTo(gateway, "vpcId", vpc, ["id"]))) continue;
            const given = isKnown(vpcId) ? vpcId : isUnknown(vpcId) ? "a VPC unknown until the update runs" : "no VPC";
            yield finding(gateway, `The internet gateway attaches to ${given}, which is neither a VPC of this stack nor in authorizedVpcIds.`);
        }
    },
});

function finding(resource: StackResource, message: string): Finding {
    return { resource, message };
}

export const vpcPolicies: ClinicalPolicy[] = [
    vpcFlowLogsEnabled,
    vpcFlowLogAllTraffic,
    vpcSubnetNoAutoPublicIp,
    vpcDefaultSgClosed,
    vpcDefaultSgNoRules,
    vpcNoUnrestrictedRouteToIgw,
    vpcInternetGatewayAuthorizedVpc,
];
