/**
 * How the VPC block is carved: the first half holds the private (app) subnets, which need the most
 * addresses because EKS gives every pod a VPC address; the third quarter holds the public subnets and
 * the last quarter the isolated (database) subnets. Four slots per tier leave room to add a zone.
 */
import { Cidr, formatCidr, subdivide } from "./cidr";

export const MAX_ZONES = 4;
/** Largest VPC AWS allows. */
export const LARGEST_VPC_PREFIX = 16;
/** Smallest VPC that leaves each private subnet 512 addresses for nodes and pods. */
export const SMALLEST_VPC_PREFIX = 20;
/** Kubernetes service addresses; must not overlap the VPC or anything routed to it. */
export const CLUSTER_SERVICE_CIDR = "172.20.0.0/16";

export interface SubnetLayout {
    public: string[];
    private: string[];
    isolated: string[];
}

export function planSubnets(vpc: Cidr, zoneCount: number): SubnetLayout {
    const half = subdivide(vpc, vpc.prefix + 1, 0);
    const publicQuarter = subdivide(vpc, vpc.prefix + 2, 2);
    const isolatedQuarter = subdivide(vpc, vpc.prefix + 2, 3);
    const zones = Array.from({ length: zoneCount }, (_, zone) => zone);
    return {
        private: zones.map((zone) => formatCidr(subdivide(half, half.prefix + 2, zone))),
        public: zones.map((zone) => formatCidr(subdivide(publicQuarter, publicQuarter.prefix + 2, zone))),
        isolated: zones.map((zone) => formatCidr(subdivide(isolatedQuarter, isolatedQuarter.prefix + 2, zone))),
    };
}
