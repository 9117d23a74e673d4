import { strict as assert } from "assert";
import { RecordedResource } from "../../infra/offline/types";
import { STACKS, ofType, previewOf, single } from "../harness/stacks";

const tierOf = (subnet: RecordedResource) => (subnet.inputs.tags as Record<string, string>).Tier;

describe("the network", () => {
    for (const stack of STACKS) {
        describe(`in ${stack}`, () => {
            it("spans the profile's zones with one subnet per tier, none assigning public addresses", async () => {
                const { resources, config } = await previewOf(stack);
                const subnets = ofType(resources, "aws:ec2/subnet:Subnet");
                for (const tier of ["public", "private", "isolated"]) {
                    const inTier = subnets.filter((s) => tierOf(s) === tier);
                    assert.equal(inTier.length, config.network.azCount, tier);
                    assert.deepEqual(new Set(inTier.map((s) => s.inputs.availabilityZone)).size, config.network.azCount);
                }
                assert.ok(subnets.every((s) => s.inputs.mapPublicIpOnLaunch === false));
                assert.deepEqual(subnets.filter((s) => tierOf(s) === "isolated").map((s) => s.inputs.cidrBlock), [...config.network.subnets.isolated]);
            });

            it("runs a NAT gateway per zone in production and one elsewhere", async () => {
                const { resources, config } = await previewOf(stack);
                assert.equal(ofType(resources, "aws:ec2/natGateway:NatGateway").length, stack === "production" ? config.network.azCount : 1);
            });

            it("gives the isolated subnets no route out of the VPC", async () => {
                const { resources } = await previewOf(stack);
                const isolatedTable = single(resources, "aws:ec2/routeTable:RouteTable", "network-isolated");
                const routes = ofType(resources, "aws:ec2/route:Route").filter((r) => r.propertyDependencies.routeTableId?.includes(isolatedTable.urn));
                assert.deepEqual(routes, []);
                const associations = ofType(resources, "aws:ec2/routeTableAssociation:RouteTableAssociation").filter((a) => a.dependencies.includes(isolatedTable.urn));
                const isolatedSubnets = ofType(resources, "aws:ec2/subnet:Subnet").filter((s) => tierOf(s) === "isolated").map((s) => s.urn);
                assert.deepEqual(associations.flatMap((a) => a.propertyDependencies.subnetId).sort(), isolatedSubnets.sort());
            });

            it("sends the private tier out through NAT only and the public tier through the internet gateway", async () => {
                const { resources } = await previewOf(stack);
                const defaults = ofType(resources, "aws:ec2/route:Route").filter((r) => r.inputs.destinationCidrBlock === "0.0.0.0/0");
                const viaGateway = defaults.filter((r) => r.propertyDependencies.gatewayId?.length);
                const viaNat = defaults.filter((r) => r.propertyDependencies.natGatewayId?.length);
                assert.equal(viaGateway.length, 1);
                assert.equal(viaGateway[0].name, "network-public-default");
                assert.equal(viaNat.length, ofType(resources, "aws:ec2/subnet:Subnet").filter((s) => tierOf(s) === "private").length);
            });

            it("closes the default security group", async () => {
                const { resources } = await previewOf(stack);
                const closed = single(resources, "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup");
                assert.deepEqual([closed.inputs.ingress, closed.inputs.egress], [[], []]);
            });

            it("logs every flow into a log group encrypted with the logs key and kept per the profile", async () => {
                const { resources, config } = await previewOf(stack);
                const flowLog = single(resources, "aws:ec2/flowLog:FlowLog");
                assert.equal(flowLog.inputs.trafficType, "ALL");
                assert.equal(flowLog.inputs.logDestinationType, "cloud-watch-logs");
                const group = single(resources, "aws:cloudwatch/logGroup:LogGroup", "network-flow-logs");
                assert.deepEqual(flowLog.propertyDependencies.logDestination, [group.urn]);
                assert.equal(group.inputs.retentionInDays, config.logs.retentionDays);
                assert.deepEqual(group.propertyDependencies.kmsKeyId, [single(resources, "aws:kms/key:Key", "keys-logs").urn]);
            });
        });
    }
});
