/**
 * EMR clusters: Kerberos authentication between the cluster's nodes and users, and a primary
 * node that is never placed where it gets a public address.
 */
import { PUBLIC_ACCESS_HIPAA } from "../lib/citations";
import { type ClinicalPolicy, resourceRule, stackRule } from "../lib/policy";
import { type StackResource, type StackView, refersTo } from "../lib/stack";
import { EC2, EMR } from "../lib/types";
import { type Maybe, isKnown, isUnknown, present } from "../lib/values";
import { isPublicSubnet } from "./vpc";

/** Inputs of `aws.emr.Cluster` the rules read. */
export interface ClusterInputs {
    kerberosAttributes?: Maybe<{ realm?: Maybe<string>; kdcAdminPassword?: Maybe<string> }>;
    ec2Attributes?: Maybe<{ subnetId?: Maybe<string>; subnetIds?: Maybe<Maybe<string>[]> }>;
}

export const emrKerberosEnabled = resourceRule<ClusterInputs>({
    name: "emr-kerberos-enabled",
    description: "EMR clusters authenticate users and services with Kerberos.",
    severity: "high",
    category: "access-control",
    hipaa: ["164.312(a)(1)", "164.312(d)"],
    soc2: ["CC6.1"],
    remediation: "Set kerberosAttributes (realm, kdcAdminPassword from Secrets Manager) and a securityConfiguration with Kerberos authentication.",
    resourceTypes: [EMR.cluster],
    anchors: { awsConfig: ["EMR_KERBEROS_ENABLED"], cdkNag: ["EMRKerberosEnabled"] },
    *check(cluster) {
        const kerberos = cluster.kerberosAttributes;
        if (!(isKnown(kerberos) && present(kerberos.realm))) {
            yield "kerberosAttributes.realm is not set, so anyone who reaches the cluster's applications acts without authentication.";
        }
    },
});

/** How many subnet references a value holds: each known or unknown id, and an unknown list as one. */
function countReferences(value: Maybe<string> | Maybe<Maybe<string>[]>): number {
    if (Array.isArray(value)) {
        return value.filter((item) => isKnown(item) || isUnknown(item)).length;
    }
    return isKnown(value) || isUnknown(value) ? 1 : 0;
}

/** The stack's subnets the cluster names, and how many of its subnet references are not among them. */
function clusterSubnets(stack: StackView, cluster: StackResource): { found: StackResource[]; unresolved: number } {
    const attributes = cluster.props<ClusterInputs>().ec2Attributes;
    const given = isKnown(attributes) ? countReferences(attributes.subnetId) + countReferences(attributes.subnetIds) : isUnknown(attributes) ? 1 : 0;
    const found = stack
        .ofType(EC2.subnet)
        .filter((subnet) => refersTo(cluster, "ec2Attributes.subnetId", subnet, ["id"]) || refersTo(cluster, "ec2Attributes.subnetIds", subnet, ["id"]));
    return { found, unresolved: Math.max(0, given - found.length) };
}

export const emrMasterNoPublicIp = stackRule({
    name: "emr-master-no-public-ip",
    description: "EMR clusters run in private subnets of the stack, so their primary node gets no public IP address.",
    severity: "high",
    category: "public-access",
    hipaa: PUBLIC_ACCESS_HIPAA,
    soc2: ["CC6.6"],
    remediation: "Set ec2Attributes.subnetId (or subnetIds) to private subnets of the platform's VPC, routed through NAT.",
    resourceTypes: [EMR.cluster],
    anchors: { awsConfig: ["EMR_MASTER_NO_PUBLIC_IP"] },
    *check(stack) {
        for (const cluster of stack.ofType(EMR.cluster)) {
            const { found, unresolved } = clusterSubnets(stack, cluster);
            const publicOnes = found.filter((subnet) => isPublicSubnet(stack, subnet));
            if (found.length === 0 && unresolved === 0) {
                yield { resource: cluster, message: "ec2Attributes names no subnet, so the cluster launches in the default VPC, whose subnets assign public IPs." };
            } else if (publicOnes.length > 0) {
                yield { resource: cluster, message: `The cluster runs in public subnet ${publicOnes.map((subnet) => subnet.name).join(", ")}, so its primary node can get a public IP address.` };
            } else if (unresolved > 0) {
                yield { resource: cluster, message: "The cluster names a subnet this stack does not declare, so it cannot be shown to be private." };
            }
        }
    },
});

export const emrPolicies: ClinicalPolicy[] = [emrKerberosEnabled, emrMasterNoPublicIp];
