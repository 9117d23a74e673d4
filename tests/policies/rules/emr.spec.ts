import { EC2, EC2_LINKS, EMR } from "../../../policies/lib/types";
import * as rules from "../../../policies/rules/emr";
import { describeResourcePolicy, describeStackPolicy } from "../harness/cases";
import { type TestResource, UNKNOWN_VALUE as UNKNOWN, resource } from "../harness/server";

const vpc = resource(EC2.vpc, "vpc", { cidrBlock: "10.0.0.0/16" });
const igw = resource(EC2.internetGateway, "igw", { vpcId: UNKNOWN }, { vpcId: vpc });
const subnet = (name: string) => resource(EC2.subnet, name, { vpcId: UNKNOWN, mapPublicIpOnLaunch: false }, { vpcId: vpc });
const publicSubnet = subnet("public-1");
const privateSubnet = subnet("private-1");
const publicTable = resource(EC2.routeTable, "public", { vpcId: UNKNOWN, tags: { Tier: "public" } }, { vpcId: vpc });
const privateTable = resource(EC2.routeTable, "private-1", { vpcId: UNKNOWN, tags: { Tier: "private" } }, { vpcId: vpc });
const network = [
    vpc,
    igw,
    publicSubnet,
    privateSubnet,
    publicTable,
    privateTable,
    resource(EC2.route, "public-default", { routeTableId: UNKNOWN, destinationCidrBlock: "0.0.0.0/0", gatewayId: UNKNOWN }, { routeTableId: publicTable, gatewayId: igw }),
    resource(EC2.route, "private-1-egress", { routeTableId: UNKNOWN, destinationCidrBlock: "0.0.0.0/0", natGatewayId: UNKNOWN }, { routeTableId: privateTable }),
    resource(EC2_LINKS.routeTableAssociation, "public-1", { subnetId: UNKNOWN, routeTableId: UNKNOWN }, { subnetId: publicSubnet, routeTableId: publicTable }),
    resource(EC2_LINKS.routeTableAssociation, "private-1", { subnetId: UNKNOWN, routeTableId: UNKNOWN }, { subnetId: privateSubnet, routeTableId: privateTable }),
];

const cluster = (inputs: Record<string, unknown> = {}, references: Record<string, TestResource | TestResource[]> = {}) =>
    resource(EMR.cluster, "analytics", {
        name: "analytics",
        releaseLabel: "emr-7.5.0",
        serviceRole: UNKNOWN,
        securityConfiguration: UNKNOWN,
        kerberosAttributes: { realm: "EC2.INTERNAL", kdcAdminPassword: UNKNOWN },
        ec2Attributes: { subnetId: UNKNOWN, instanceProfile: UNKNOWN },
        ...inputs,
    }, { ec2Attributes: privateSubnet, ...references });

describe("EMR policies", () => {
    describeResourcePolicy(rules.emrKerberosEnabled, {
        accepts: { "a cluster with a Kerberos realm": cluster() },
        rejects: {
            "a cluster without Kerberos": [cluster({ kerberosAttributes: undefined }), /kerberosAttributes.realm is not set/],
            "a cluster with an empty realm": [cluster({ kerberosAttributes: { realm: "", kdcAdminPassword: UNKNOWN } }), /realm is not set/],
        },
    });

    describeStackPolicy(rules.emrMasterNoPublicIp, {
        accepts: {
            "a cluster in a private subnet routed through NAT": [...network, cluster()],
            "a cluster across private subnets (instance fleets)": [...network, cluster({ ec2Attributes: { subnetIds: [UNKNOWN], instanceProfile: UNKNOWN } })],
        },
        notApplicable: { "a stack without EMR": network },
        rejects: {
            "a cluster in a subnet routed to the internet gateway": {
                resources: [...network, cluster({}, { ec2Attributes: publicSubnet })],
                offenders: ["analytics"],
                message: /runs in public subnet public-1/,
            },
            "a cluster in a subnet that maps public IPs": {
                resources: [...network, resource(EC2.subnet, "open", { vpcId: UNKNOWN, mapPublicIpOnLaunch: true }), cluster({}, { ec2Attributes: resource(EC2.subnet, "open") })],
                offenders: ["analytics"],
                message: /runs in public subnet open/,
            },
            "a cluster without a subnet": {
                resources: [...network, cluster({ ec2Attributes: { instanceProfile: "emr-profile" } }, { ec2Attributes: [] })],
                offenders: ["analytics"],
                message: /launches in the default VPC/,
            },
            "a cluster in a subnet the stack does not declare": {
                resources: [...network, cluster({ ec2Attributes: { subnetId: "subnet-0abc", instanceProfile: "emr-profile" } }, { ec2Attributes: [] })],
                offenders: ["analytics"],
                message: /cannot be shown to be private/,
            },
        },
    });
});
