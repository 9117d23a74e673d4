/**
 * A kubeconfig for the Kubernetes provider, built from the cluster's outputs. Tokens come from
 * `aws eks get-token` at the moment of use with the ambient AWS credentials of whoever runs
 * `pulumi up`: the stack's deploy role in CI, an administrator's own session in a person's shell.
 * Each of those principals has its own access entry (./control-plane.ts); no role is assumed here,
 * so CI never acts as the people's admin role and nothing long-lived is stored.
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
}

export function kubeconfigFor(args: KubeconfigArgs): pulumi.Output<string> {
    return pulumi.all([args.clusterName, args.endpoint, args.certificateAuthorityData]).apply(([name, endpoint, authority]) => JSON.stringify({
        apiVersion: "v1",
        kind: "Config",
        clusters: [{ name, cluster: { server: endpoint, "certificate-authority-data": authority } }],
        users: [{
            name: "deployer",
            user: {
                exec: {
                    apiVersion: "client.authentication.k8s.io/v1beta1",
                    command: "aws",
                    args: ["eks", "get-token", "--cluster-name", name, "--region", args.region, "--output", "json"],
                    interactiveMode: "Never",
                },
            },
        }],
        contexts: [{ name, context: { cluster: name, user: "deployer" } }],
        "current-context": name,
    }));
}
