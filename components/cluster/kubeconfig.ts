/**
 * A kubeconfig for the Kubernetes provider, built from the cluster's outputs. Tokens come from
 * `aws eks get-token` at the moment of use, acting as the admin role, so nothing long-lived is
 * stored and the deployer needs no access entry of its own.
 */
import * as pulumi from "@pulumi/pulumi";

export interface KubeconfigArgs {
    /** The cluster's name, as EKS returns it. */
    clusterName: pulumi.Input<string>;
    /** The API server URL. */
    endpoint: pulumi.Input<string>;
    /** Base64 CA certificate the API server presents. */
    certificateAuthorityData: pulumi.Input<string>;
    /** Region the token is requested in. */
    region: string;
    /** Role assumed for the token; it holds the cluster-admin access entry. */
    roleArn: string;
}

export function kubeconfigFor(args: KubeconfigArgs): pulumi.Output<string> {
    return pulumi.all([args.clusterName, args.endpoint, args.certificateAuthorityData]).apply(([name, endpoint, authority]) => JSON.stringify({
        apiVersion: "v1",
        kind: "Config",
        clusters: [{ name, cluster: { server: endpoint, "certificate-authority-data": authority } }],
        users: [{
            name: "platform-admin",
            user: {
                exec: {
                    apiVersion: "client.authentication.k8s.io/v1beta1",
                    command: "aws",
                    args: ["eks", "get-token", "--cluster-name", name, "--region", args.region, "--role-arn", args.roleArn, "--output", "json"],
                    interactiveMode: "Never",
                },
            },
        }],
        contexts: [{ name, context: { cluster: name, user: "platform-admin" } }],
        "current-context": name,
    }));
}
