/**
 * Where the platform's small functions run: the VPC's private subnets, behind a security group of
 * their own that admits nothing and lets out only HTTPS (AWS APIs and the few HTTPS services a
 * function calls, through the NAT gateway). Their traffic is then bounded by a security group and
 * recorded by the VPC's flow logs, like every other workload's.
 */
import * as aws from "./aws";
import * as pulumi from "@pulumi/pulumi";
import type { Statement } from "./iam";

const HTTPS = 443;

/** The VPC a function is placed in. */
export interface FunctionNetwork {
    vpcId: pulumi.Input<string>;
    /** The private (app) subnets, one per zone: they reach the internet through the NAT gateway. */
    privateSubnetIds: pulumi.Input<string>[];
}

/**
 * What Lambda needs of the execution role to manage the function's network interfaces: the actions
 * of the AWS managed policy AWSLambdaVPCAccessExecutionRole, version v3 (AWS Managed Policy
 * Reference, edited 2024-01-05, read 2026-12-01), less its logs actions, which each function grants
 * on its own log group only. Lambda checks them when it creates or updates the function. The EC2
 * actions take no resource scoping that Lambda supports (DescribeNetworkInterfaces works only on
 * "*", Lambda Developer Guide, "Giving Lambda functions access to resources in an Amazon VPC").
 */
export const LAMBDA_VPC_ACTIONS = [
    "ec2:CreateNetworkInterface",
    "ec2:DescribeNetworkInterfaces",
    "ec2:DescribeSubnets",
    "ec2:DeleteNetworkInterface",
    "ec2:AssignPrivateIpAddresses",
    "ec2:UnassignPrivateIpAddresses",
] as const;

export const LAMBDA_VPC_STATEMENT: Statement = { Sid: "ManageVpcNetworkInterfaces", Effect: "Allow", Action: [...LAMBDA_VPC_ACTIONS], Resource: "*" };

/**
 * Creates the function's security group (HTTPS out, nothing in) as a child of `scope`; returns the
 * function's `vpcConfig`. `purpose` says where the HTTPS goes, for the rule's description.
 */
export function functionVpcConfig(
    scope: pulumi.Resource,
    name: string,
    network: FunctionNetwork,
    purpose: string,
): aws.types.input.lambda.FunctionVpcConfig {
    const parent = { parent: scope };
    const group = new aws.ec2.SecurityGroup(`${name}-function`, {
        vpcId: network.vpcId,
        description: `Function ${name}: HTTPS out, nothing in`,
        tags: { Name: `${name}-function` },
    }, parent);
    new aws.vpc.SecurityGroupEgressRule(`${name}-function-https-out`, {
        securityGroupId: group.id,
        cidrIpv4: "0.0.0.0/0",
        ipProtocol: "tcp",
        fromPort: HTTPS,
        toPort: HTTPS,
        description: purpose,
    }, parent);
    return { subnetIds: network.privateSubnetIds, securityGroupIds: [group.id] };
}
