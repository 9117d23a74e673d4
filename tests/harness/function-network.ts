/**
 * What every function of the platform is asked about its network: in the VPC's private subnets,
 * in a security group of its own that admits nothing and lets out HTTPS only, and a role allowed
 * the network-interface actions Lambda needs, on "*".
 */
import { strict as assert } from "assert";
import type { RecordedResource } from "../../infra/analyzer";
import { LAMBDA_VPC_ACTIONS } from "../../components/function-network";
import { inputs } from "../compute/support";
import { grantOf, ofType, single } from "./stacks";

const FUNCTION = "aws:lambda/function:Function";
const SG = "aws:ec2/securityGroup:SecurityGroup";
const EGRESS = "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule";
const INGRESS = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule";

const asList = (value: unknown): unknown[] => (Array.isArray(value) ? value : [value]);

/** Asserts the placement of function `name` (its resources' logical name) and of its grant, `grantName`. */
export function assertInPrivateSubnets(resources: RecordedResource[], name: string, grantName = name): void {
    const fn = single(resources, FUNCTION, name);
    const vpcConfig = inputs(fn).vpcConfig;
    assert.ok(vpcConfig, `${name} has a vpcConfig`);
    const privateSubnets = ofType(resources, "aws:ec2/subnet:Subnet").filter((s) => s.name.startsWith("network-private-")).map((s) => s.urn);
    assert.ok(privateSubnets.length > 0);
    const placed = fn.propertyDependencies.vpcConfig ?? [];
    for (const subnet of privateSubnets) assert.ok(placed.includes(subnet), `${name} in ${subnet}`);
    assert.ok(!placed.some((urn) => /network-(public|isolated)-/.test(urn)), "no public or isolated subnet");
    assert.equal(vpcConfig.subnetIds.length, privateSubnets.length);

    const group = single(resources, SG, `${name}-function`);
    assert.deepEqual(vpcConfig.securityGroupIds.length, 1);
    assert.ok(placed.includes(group.urn), "in its own security group");
    assert.ok(group.propertyDependencies.vpcId?.includes(single(resources, "aws:ec2/vpc:Vpc", "network").urn), "the group is in the stack's VPC");
    assert.equal(inputs(group).ingress, undefined, "no inline rules");
    assert.equal(inputs(group).egress, undefined, "no inline rules");
    const rulesOf = (type: string) => ofType(resources, type).filter((rule) => rule.propertyDependencies.securityGroupId?.includes(group.urn));
    assert.deepEqual(rulesOf(INGRESS), [], "nothing in");
    const out = rulesOf(EGRESS).map((rule) => inputs(rule));
    assert.deepEqual(out.map((rule) => [rule.ipProtocol, rule.fromPort, rule.toPort, rule.cidrIpv4]), [["tcp", 443, 443, "0.0.0.0/0"]], "HTTPS out only");
    assert.ok(out.every((rule) => typeof rule.description === "string" && rule.description.length > 0));

    const ec2 = grantOf(resources, grantName).Statement
        .filter((s) => s.Effect === "Allow")
        .flatMap((s) => asList(s.Action).filter((a) => String(a).startsWith("ec2:")).map((a) => [a, s.Resource]));
    assert.deepEqual(ec2.map(([a]) => a).sort(), [...LAMBDA_VPC_ACTIONS].sort(), "the actions of AWSLambdaVPCAccessExecutionRole, less logs");
    assert.ok(ec2.every(([, resource]) => resource === "*"));
}
