import { strict as assert } from "assert";
import { MOCK_ZONES, mockCall } from "../../infra/offline/cloud";
import { RecordedResource } from "../../infra/offline/types";
import { STACKS, ofType, previewOf, single } from "../harness/stacks";

/** Zone IDs where EKS refuses cluster subnets, from the EKS subnet requirements. */
const ZONES_EKS_REFUSES = ["use1-az3", "usw1-az2", "cac1-az3"];

const tierOf = (subnet: RecordedResource) => (subnet.inputs.tags as Record<string, string>).Tier;

/** The requirements' figures: zones per environment, NAT gateways, and the database tier of each committed VPC block. */
const EXPECTED: Record<string, { zones: number; nats: number; isolated: string[] }> = {
    dev: { zones: 2, nats: 1, isolated: ["10.10.192.0/20", "10.10.208.0/20"] },
    staging: { zones: 3, nats: 1, isolated: ["10.20.192.0/20", "10.20.208.0/20", "10.20.224.0/20"] },
    production: { zones: 3, nats: 3, isolated: ["10.30.192.0/20", "10.30.208.0/20", "10.30.224.0/20"] },
};

describe("the network", () => {
    for (const stack of STACKS) {
        describe(`in ${stack}`, () => {
            it("spans the profile's zones with one subnet per tier, none assigning public addresses", async () => {
                const { resources } = await previewOf(stack);
                const subnets = ofType(resources, "aws:ec2/subnet:Subnet");
                for (const tier of ["public", "private", "isolated"]) {
                    const inTier = subnets.filter((s) => tierOf(s) === tier);
                    assert.equal(inTier.length, EXPECTED[stack].zones, tier);
                    assert.deepEqual(new Set(inTier.map((s) => s.inputs.availabilityZone)).size, EXPECTED[stack].zones);
                }
                assert.ok(subnets.every((s) => s.inputs.mapPublicIpOnLaunch === false));
                assert.deepEqual(subnets.filter((s) => tierOf(s) === "isolated").map((s) => s.inputs.cidrBlock), EXPECTED[stack].isolated);
            });

            it("runs a NAT gateway per zone in production and one elsewhere", async () => {
                const { resources } = await previewOf(stack);
                assert.equal(ofType(resources, "aws:ec2/natGateway:NatGateway").length, EXPECTED[stack].nats);
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

            it("places no subnet in a zone EKS refuses, though the account lists one among its first zones by name", async () => {
                const { resources, config } = await previewOf(stack);
                const zoneIds = MOCK_ZONES[config.region];
                assert.ok(zoneIds, `the mocked account models ${config.region}`);
                const used = [...new Set(ofType(resources, "aws:ec2/subnet:Subnet").map((s) => s.inputs.availabilityZone as string))];
                assert.equal(used.length, config.network.azCount);
                for (const zone of used) {
                    assert.ok(zoneIds[zone], `${zone} is a zone of ${config.region}`);
                    assert.ok(!ZONES_EKS_REFUSES.includes(zoneIds[zone]), `${zone} is ${zoneIds[zone]}, which EKS refuses`);
                }
            });

            it("names the flow-log group after the stack, so stacks sharing an account never collide", async () => {
                const { resources } = await previewOf(stack);
                const group = single(resources, "aws:cloudwatch/logGroup:LogGroup", "network-flow-logs");
                assert.match(group.inputs.name as string, new RegExp(`^/clinical-platform-${stack}/`));
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

describe("the mocked zone lookup", () => {
    const lookup = (region: string, inputs: Record<string, unknown>) =>
        mockCall({ token: "aws:index/getAvailabilityZones:getAvailabilityZones", inputs, provider: "" } as never, { region, accountId: "111122223333", firstDeployment: false }) as { names: string[]; zoneIds: string[] };

    it("answers with the region's zones and their IDs, and leaves out the IDs the program excludes", () => {
        const all = lookup("us-east-1", { state: "available" });
        assert.equal(all.names.length, all.zoneIds.length);
        assert.ok(all.zoneIds.includes("use1-az3"));
        const allowed = lookup("us-east-1", { state: "available", excludeZoneIds: ZONES_EKS_REFUSES });
        assert.deepEqual(allowed.zoneIds.filter((id) => ZONES_EKS_REFUSES.includes(id)), []);
        assert.equal(allowed.names.length, all.names.length - 1);
        const west = lookup("us-west-1", { excludeZoneIds: ZONES_EKS_REFUSES });
        assert.deepEqual(west.zoneIds, ["usw1-az1", "usw1-az3"]);
    });
});

describe("the flow-log groups of staging and production", () => {
    it("differ, since both stacks share an account and region", async () => {
        const [staging, production] = await Promise.all((["staging", "production"] as const).map((stack) => previewOf(stack)));
        const nameIn = (resources: RecordedResource[]) => single(resources, "aws:cloudwatch/logGroup:LogGroup", "network-flow-logs").inputs.name;
        assert.equal(staging.config.region, production.config.region);
        assert.notEqual(nameIn(staging.resources), nameIn(production.resources));
    });
});
