/**
 * What every pod of the platform shares: the Pod Security "restricted" settings, and namespaces that
 * deny all traffic except what a workload's own policy admits, starting with name resolution.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";

type SecurityContext = k8s.types.input.core.v1.SecurityContext;
type PodSecurityContext = k8s.types.input.core.v1.PodSecurityContext;
type EgressRule = k8s.types.input.networking.v1.NetworkPolicyEgressRule;

/** A container that runs unprivileged, read-only, with no capabilities. */
export const RESTRICTED_CONTAINER: SecurityContext = {
    runAsNonRoot: true,
    allowPrivilegeEscalation: false,
    readOnlyRootFilesystem: true,
    privileged: false,
    capabilities: { drop: ["ALL"] },
    seccompProfile: { type: "RuntimeDefault" },
};

/** A pod whose processes and files belong to `userId`, never root. */
export function restrictedPod(userId: number): PodSecurityContext {
    return { runAsNonRoot: true, runAsUser: userId, runAsGroup: userId, fsGroup: userId, seccompProfile: { type: "RuntimeDefault" } };
}

/**
 * DNS lookups, the first thing a workload in a closed namespace needs. Port 53 to any address: in
 * EKS Auto Mode the cluster's resolver is part of each node, not a CoreDNS pod a selector could
 * name (Amazon EKS user guide, "Automate cluster infrastructure with EKS Auto Mode": local DNS is a
 * built-in node component, checked 2026-12-01), so a rule naming kube-dns pods would match nothing.
 */
export const DNS_EGRESS: EgressRule = {
    ports: [{ protocol: "UDP", port: 53 }, { protocol: "TCP", port: 53 }],
};

/** Denies every packet in and out of the namespace that no other policy admits. */
export function denyByDefault(
    name: string,
    metadata: k8s.types.input.meta.v1.ObjectMeta,
    opts: pulumi.CustomResourceOptions,
): k8s.networking.v1.NetworkPolicy {
    return new k8s.networking.v1.NetworkPolicy(name, {
        metadata,
        spec: { podSelector: {}, policyTypes: ["Ingress", "Egress"] },
    }, opts);
}
