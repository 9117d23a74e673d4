/**
 * The Secrets Store CSI driver with the AWS provider (ASCP), one Helm release: pods mount Secrets
 * Manager values through a SecretProviderClass, and the driver mirrors them into a Kubernetes
 * Secret the pod reads as environment. ASCP fetches with the pod's own Pod Identity role.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";

export const SECRETS_STORE_CHART = {
    chart: "secrets-store-csi-driver-provider-aws",
    version: "2.2.0",
    repo: "https://aws.github.io/secrets-store-csi-driver-provider-aws",
};
/** The CSI driver name a pod volume refers to. */
export const SECRETS_STORE_DRIVER = "secrets-store.csi.k8s.io";

export function installSecretsStore(parent: pulumi.Resource, name: string, provider: k8s.Provider, dependsOn: pulumi.Resource[]): k8s.helm.v3.Release {
    return new k8s.helm.v3.Release(name, {
        name: "secrets-store-csi",
        namespace: "kube-system",
        chart: SECRETS_STORE_CHART.chart,
        version: SECRETS_STORE_CHART.version,
        repositoryOpts: { repo: SECRETS_STORE_CHART.repo },
        values: {
            "secrets-store-csi-driver": {
                install: true,
                // Mirroring into a Kubernetes Secret is what lets the container read values as environment.
                syncSecret: { enabled: true },
                // Secrets rotate on a schedule; the mounted files and the mirrored Secret follow within
                // minutes, and a pod's environment at its next start.
                enableSecretRotation: true,
                rotationPollInterval: "2m",
            },
        },
        atomic: true,
        cleanupOnFail: true,
        maxHistory: 5,
        timeout: 600,
    }, { parent, provider, dependsOn });
}
