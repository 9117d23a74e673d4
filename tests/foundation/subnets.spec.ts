import { strict as assert } from "assert";
import { RecordedResource } from "../../infra/offline/types";
import { ofType, previewOf } from "../harness/stacks";

/**
 * Subnet planning and NAT routing checked as properties of what the stack registers, with CIDR
 * arithmetic of this spec's own (not stacks/cidr.ts) and the figures of the requirements: zones per
 * environment (dev 2, staging 3, production 3), a NAT gateway per zone in production and one
 * elsewhere, and the committed VPC blocks.
 */
const toRange = (cidr: string): [number, number] => {
    const [address, bits] = cidr.split("/");
    const base = address.split(".").reduce((sum, octet) => sum * 256 + Number(octet), 0);
    return [base, base + 2 ** (32 - Number(bits)) - 1];
};
const overlaps = (a: string, b: string) => {
    const [a0, a1] = toRange(a);
    const [b0, b1] = toRange(b);
    return a0 <= b1 && b0 <= a1;
};
const inside = (inner: string, outer: string) => {
    const [i0, i1] = toRange(inner);
    const [o0, o1] = toRange(outer);
    return o0 <= i0 && i1 <= o1;
};
const tierOf = (subnet: RecordedResource) => (subnet.inputs.tags as Record<string, string>).Tier;

const EXPECTED = {
    dev: { vpc: "10.10.0.0/16", zones: 2, nats: 1 },
    staging: { vpc: "10.20.0.0/16", zones: 3, nats: 1 },
    production: { vpc: "10.30.0.0/16", zones: 3, nats: 3 },
} as const;

describe("subnet planning and NAT routing", () => {
    for (const [stack, expected] of Object.entries(EXPECTED) as Array<[keyof typeof EXPECTED, (typeof EXPECTED)[keyof typeof EXPECTED]]>) {
        describe(`in ${stack}`, () => {
            it(`plans ${expected.zones} zones × 3 tiers inside ${expected.vpc}, no two subnets overlapping`, async () => {
                const { resources } = await previewOf(stack);
                const vpcs = ofType(resources, "aws:ec2/vpc:Vpc");
                assert.equal(vpcs.length, 1);
                assert.equal(vpcs[0].inputs.cidrBlock, expected.vpc);
                const subnets = ofType(resources, "aws:ec2/subnet:Subnet");
                assert.equal(subnets.length, expected.zones * 3);
                for (const tier of ["public", "private", "isolated"]) {
                    const zones = subnets.filter((s) => tierOf(s) === tier).map((s) => s.inputs.availabilityZone);
                    assert.equal(new Set(zones).size, expected.zones, `${tier}: one subnet in each zone`);
                }
                const blocks = subnets.map((s) => String(s.inputs.cidrBlock));
                for (const block of blocks) assert.ok(inside(block, expected.vpc), `${block} lies inside ${expected.vpc}`);
                blocks.forEach((a, i) => blocks.slice(i + 1).forEach((b) => assert.ok(!overlaps(a, b), `${a} and ${b} overlap`)));
                // The app tier holds the pods (EKS gives each pod a VPC address): it gets half the VPC,
                // a /19 per zone of a /16; the public and database tiers a /20 per zone.
                const prefixes = (tier: string) => subnets.filter((s) => tierOf(s) === tier).map((s) => Number(String(s.inputs.cidrBlock).split("/")[1]));
                assert.deepEqual([...new Set(prefixes("private"))], [19]);
                assert.deepEqual([...new Set(prefixes("public"))], [20]);
                assert.deepEqual([...new Set(prefixes("isolated"))], [20]);
            });

            it(`routes each private subnet through ${expected.nats === 1 ? "the one NAT gateway" : "the NAT gateway in its own zone"}`, async () => {
                const { resources } = await previewOf(stack);
                const byUrn = new Map(resources.map((r) => [r.urn, r]));
                const nats = ofType(resources, "aws:ec2/natGateway:NatGateway");
                assert.equal(nats.length, expected.nats);
                const zoneOfNat = new Map(nats.map((nat) => [nat.urn, byUrn.get(nat.propertyDependencies.subnetId[0])!]));
                for (const subnet of zoneOfNat.values()) assert.equal(tierOf(subnet), "public", "NAT gateways sit in public subnets");
                const privateSubnets = ofType(resources, "aws:ec2/subnet:Subnet").filter((s) => tierOf(s) === "private");
                const usedNats = new Set<string>();
                for (const subnet of privateSubnets) {
                    const associations = ofType(resources, "aws:ec2/routeTableAssociation:RouteTableAssociation").filter((a) => a.propertyDependencies.subnetId?.includes(subnet.urn));
                    assert.equal(associations.length, 1, `${subnet.name} has one route table`);
                    const table = associations[0].propertyDependencies.routeTableId[0];
                    const defaults = ofType(resources, "aws:ec2/route:Route").filter((r) => r.propertyDependencies.routeTableId?.includes(table) && r.inputs.destinationCidrBlock === "0.0.0.0/0");
                    assert.equal(defaults.length, 1, `${subnet.name} has one default route`);
                    const nat = defaults[0].propertyDependencies.natGatewayId?.[0];
                    assert.ok(nat && zoneOfNat.has(nat), `${subnet.name} leaves through a NAT gateway`);
                    usedNats.add(nat);
                    if (expected.nats > 1) {
                        assert.equal(zoneOfNat.get(nat)!.inputs.availabilityZone, subnet.inputs.availabilityZone, `${subnet.name} uses the NAT gateway of its own zone`);
                    }
                }
                assert.equal(usedNats.size, expected.nats, "every NAT gateway carries traffic");
            });
        });
    }
});
