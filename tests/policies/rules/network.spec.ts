import { EC2, EC2_LINKS } from "../../../policies/lib/types";
import * as sg from "../../../policies/rules/securitygroups";
import * as vpc from "../../../policies/rules/vpc";
import { describeResourcePolicy, describeStackPolicy } from "../harness/cases";
import { UNKNOWN_VALUE as UNKNOWN, resource } from "../harness/server";

const network = resource(EC2.vpc, "vpc", { cidrBlock: "10.0.0.0/16" });
const igw = resource(EC2.internetGateway, "igw", { vpcId: UNKNOWN }, { vpcId: network });
const publicTable = resource(EC2.routeTable, "public-rt", { vpcId: UNKNOWN, tags: { Tier: "public" } }, { vpcId: network });
const privateTable = resource(EC2.routeTable, "private-rt", { vpcId: UNKNOWN, tags: { Tier: "private" } }, { vpcId: network });
const internetRoute = (table: typeof publicTable) =>
    resource(EC2.route, `${table.name}-default`, { routeTableId: UNKNOWN, destinationCidrBlock: "0.0.0.0/0", gatewayId: UNKNOWN }, {
        routeTableId: table,
        gatewayId: igw,
    });

describe("VPC policies", () => {
    describeStackPolicy(vpc.vpcFlowLogsEnabled, {
        accepts: {
            "a VPC with a flow log": [network, resource(EC2.flowLog, "vpc-flow", { vpcId: UNKNOWN, trafficType: "ALL", logDestination: UNKNOWN }, { vpcId: network })],
        },
        rejects: { "a VPC without flow logs": { resources: [network], offenders: ["vpc"], message: /No FlowLog/ } },
    });

    describeResourcePolicy(vpc.vpcFlowLogAllTraffic, {
        accepts: { "a flow log of all traffic": resource(EC2.flowLog, "f", { trafficType: "ALL" }) },
        rejects: {
            "a flow log whose traffic type is unknown in preview": [resource(EC2.flowLog, "f", { trafficType: UNKNOWN }), /trafficType is unknown until the update runs/],
            "a flow log of rejected traffic only": [resource(EC2.flowLog, "f", { trafficType: "REJECT" }), /trafficType is REJECT/] },
    });

    describeResourcePolicy(vpc.vpcSubnetNoAutoPublicIp, {
        accepts: { "a public-tier subnet without automatic public IPs": resource(EC2.subnet, "public-a", { mapPublicIpOnLaunch: false }) },
        rejects: {
            "a subnet mapping public IPv4 addresses": [resource(EC2.subnet, "public-a", { mapPublicIpOnLaunch: true }), /public IPv4 address/],
            "a subnet assigning IPv6 addresses": [resource(EC2.subnet, "public-a", { assignIpv6AddressOnCreation: true }), /routable IPv6/],
        },
    });

    describeStackPolicy(vpc.vpcDefaultSgClosed, {
        accepts: { "a VPC whose default security group is adopted": [network, resource(EC2.defaultSecurityGroup, "default-sg", { vpcId: UNKNOWN }, { vpcId: network })] },
        rejects: { "a VPC whose default security group is left alone": { resources: [network], offenders: ["vpc"], message: /allow-all rules/ } },
    });

    describeResourcePolicy(vpc.vpcDefaultSgNoRules, {
        accepts: { "a default security group with no rules": resource(EC2.defaultSecurityGroup, "default-sg", { vpcId: UNKNOWN }) },
        rejects: {
            "a default security group keeping an egress rule": [
                resource(EC2.defaultSecurityGroup, "default-sg", { egress: [{ protocol: "-1", fromPort: 0, toPort: 0, cidrBlocks: ["0.0.0.0/0"] }] }),
                /has rules/,
            ],
        },
    });

    describeStackPolicy(vpc.vpcNoUnrestrictedRouteToIgw, {
        accepts: {
            "an internet route in the public route table": [network, igw, publicTable, internetRoute(publicTable)],
            "a private route table sending internet traffic through NAT": [
                privateTable,
                resource(EC2.route, "private-default", { routeTableId: UNKNOWN, destinationCidrBlock: "0.0.0.0/0", natGatewayId: UNKNOWN }, { routeTableId: privateTable }),
            ],
            "a route table marked public with configured tags": {
                resources: [igw, resource(EC2.routeTable, "edge-rt", { tags: { "network-tier": "edge" }, routes: [{ cidrBlock: "0.0.0.0/0", gatewayId: "igw-0abc" }] })],
                config: { publicRouteTableTags: { "network-tier": "edge" } },
            },
        },
        rejects: {
            "an internet route in the private route table": {
                resources: [network, igw, privateTable, internetRoute(privateTable)],
                offenders: ["private-rt-default"],
                message: /not tagged as public/,
            },
            "an inline internet route in an untagged table": {
                resources: [resource(EC2.routeTable, "rt", { routes: [{ cidrBlock: "0.0.0.0/0", gatewayId: "igw-0abc" }] })],
                offenders: ["rt"],
                message: /not tagged as public/,
            },
        },
    });

    describeStackPolicy(vpc.vpcInternetGatewayAuthorizedVpc, {
        accepts: {
            "a detached gateway": [network, resource(EC2.internetGateway, "spare-igw", {})],
            "the platform's gateway, attached to the stack's VPC": [network, igw],
            "a gateway attached by a separate attachment to the stack's VPC": [
                network,
                resource(EC2.internetGateway, "igw", {}),
                resource(EC2_LINKS.internetGatewayAttachment, "igw-attach", { internetGatewayId: UNKNOWN, vpcId: UNKNOWN }, { vpcId: network }),
            ],
            "a gateway attached to a VPC the pack config authorizes": {
                resources: [resource(EC2.internetGateway, "igw", { vpcId: "vpc-0shared" })],
                config: { authorizedVpcIds: ["vpc-0shared"] },
            },
        },
        notApplicable: {
            "a stack without gateways": [network],
        },
        rejects: {
            "a gateway attached to a VPC outside the stack": {
                resources: [network, igw, resource(EC2.internetGateway, "rogue-igw", { vpcId: "vpc-0other" })],
                offenders: ["rogue-igw"],
                message: /vpc-0other, which is neither a VPC of this stack nor in authorizedVpcIds/,
            },
            "an attachment to a VPC unknown in preview that the stack does not declare": {
                resources: [network, resource(EC2_LINKS.internetGatewayAttachment, "igw-attach", { internetGatewayId: "igw-1", vpcId: UNKNOWN })],
                offenders: ["igw-attach"],
                message: /a VPC unknown until the update runs/,
            },
        },
    });
});

describe("Security group policies", () => {
    const group = (ingress: Record<string, unknown>[], extra: Record<string, unknown> = {}) =>
        resource(EC2.securityGroup, "alb-sg", { description: "Internet-facing ALB", vpcId: UNKNOWN, ingress, ...extra });
    const https = { protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: ["0.0.0.0/0"], description: "HTTPS from anywhere" };
    const fromCluster = { protocol: "tcp", fromPort: 5432, toPort: 5432, securityGroups: [UNKNOWN], description: "PostgreSQL from the cluster" };

    describeResourcePolicy(sg.sgNoSshFromInternet, {
        accepts: { "a group opening only HTTPS": group([https]) },
        rejects: {
            "an inline rule opening SSH to the world": [group([{ protocol: "tcp", fromPort: 22, toPort: 22, cidrBlocks: ["0.0.0.0/0"] }]), /SSH \(port 22\)/],
            "a standalone rule opening every port over IPv6": [
                resource(EC2.securityGroupRule, "all", { type: "ingress", protocol: "-1", fromPort: 0, toPort: 0, ipv6CidrBlocks: ["::/0"], securityGroupId: UNKNOWN }),
                /SSH/,
            ],
            "a VPC ingress rule resource opening SSH": [
                resource(EC2.ingressRule, "ssh", { ipProtocol: "tcp", fromPort: 22, toPort: 22, cidrIpv4: "0.0.0.0/0", securityGroupId: UNKNOWN }),
                /SSH/,
            ],
        },
    });

    describeResourcePolicy(sg.sgNoAdminPortsFromInternet, {
        accepts: {
            "PostgreSQL open only to the cluster's group": resource(EC2.securityGroup, "db-sg", { description: "Database", ingress: [fromCluster] }),
            "an egress rule to the world on 5432": resource(EC2.egressRule, "out", { ipProtocol: "tcp", fromPort: 5432, toPort: 5432, cidrIpv4: "0.0.0.0/0" }),
        },
        rejects: {
            "PostgreSQL open to the world": [group([{ ...fromCluster, securityGroups: undefined, cidrBlocks: ["0.0.0.0/0"] }]), /PostgreSQL \(5432\)/],
            "a port range covering RDP and MySQL": [
                resource(EC2.ingressRule, "range", { ipProtocol: "tcp", fromPort: 3000, toPort: 3400, cidrIpv4: "0.0.0.0/0" }),
                /MySQL \(3306\).*RDP \(3389\)/,
            ],
        },
    });

    describeResourcePolicy(sg.sgPublicIngressHttpsOnly, {
        accepts: {
            "HTTPS and HTTP open to the world": group([https, { ...https, fromPort: 80, toPort: 80, description: "HTTP redirect" }]),
            "ingress from private ranges on any port": group([{ protocol: "tcp", fromPort: 0, toPort: 65535, cidrBlocks: ["10.0.0.0/16"], description: "VPC" }]),
        },
        rejects: {
            "a world-open range spanning 80 to 443": [group([{ ...https, fromPort: 80 }]), /ports 80-443 \(tcp\)/],
            "a world-open all-protocol rule": [
                resource(EC2.securityGroupRule, "all", { type: "ingress", protocol: "-1", fromPort: 0, toPort: 0, cidrBlocks: ["0.0.0.0/0"] }),
                /all ports/,
            ],
        },
    });

    describeResourcePolicy(sg.sgRuleDescriptions, {
        accepts: {
            "a described group with described rules": group([https]),
            "a described standalone rule": resource(EC2.ingressRule, "r", { description: "HTTPS", ipProtocol: "tcp", fromPort: 443, toPort: 443 }),
        },
        rejects: {
            "a group left with Pulumi's default description": [group([https], { description: "Managed by Pulumi" }), /no description of its purpose/],
            "a group with an undescribed rule": [group([{ ...https, description: undefined }]), /1 rule has no description/],
            "a group whose description is an empty string": [group([https], { description: "" }), /no description of its purpose/],
            "a rule whose description is unknown in preview": [group([{ ...https, description: UNKNOWN }]), /1 rule has no description/],
        },
    });

    const inline = group([https]);
    const bare = resource(EC2.securityGroup, "app-sg", { description: "App", vpcId: UNKNOWN });
    describeStackPolicy(sg.sgNoInlineAndStandaloneRules, {
        accepts: {
            "a group managed only through rule resources": [
                bare,
                resource(EC2.ingressRule, "app-https", { securityGroupId: UNKNOWN, ipProtocol: "tcp", fromPort: 8080, toPort: 8080 }, { securityGroupId: bare }),
            ],
            "a group managed only inline": [inline],
        },
        rejects: {
            "a group with inline rules and a rule resource": {
                resources: [inline, resource(EC2.securityGroupRule, "extra", { type: "ingress", securityGroupId: UNKNOWN }, { securityGroupId: inline })],
                offenders: ["alb-sg"],
                message: /inline rules and 1 separate rule resource/,
            },
        },
    });
});
