/**
 * The Secrets Store CSI driver with the AWS provider (ASCP), one Helm release: pods mount Secrets
 * Manager values as files through a SecretProviderClass, refreshed in place when a secret rotates.
 * ASCP fetches with the pod's own Pod Identity role.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";

/**
 * 3.1.1 is the newest entry of the repository's index (gh-pages index.yaml of
 * aws/secrets-store-csi-driver-provider-aws, created 2026-06-02; checked 2026-12-01). It bundles the
 * secrets-store-csi-driver chart 1.6.0 (Chart.lock), which requires Kubernetes >= 1.30 and still
 * takes syncSecret.enabled, enableSecretRotation and rotationPollInterval (its values.yaml at v1.6.0).
 * From 3.0.0 the driver mints the pods' tokens (tokenRequests, set by the chart's own values, which
 * ours merge with rather than replace).
 */
export const SECRETS_STORE_CHART = {
    chart: "secrets-store-csi-driver-provider-aws",
    version: "3.1.1",
    repo: "https://aws.github.io/secrets-store-csi-driver-provider-aws",
};
/**
 * The provider's README (section "Rotation", at 3.1.1) recommends a one-hour poll interval by default:
 * every poll remounts each SecretProviderClass and is a paid Secrets Manager call.
 */
export const ROTATION_POLL_INTERVAL = "3600s";
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
                // Pods read their secrets as mounted files only (docs/application-contract.md). No mirror
                // into Kubernetes Secrets, so the driver needs no cluster-wide right to write them.
                syncSecret: { enabled: false },
                // Secrets rotate on a schedule; the mounted files follow within the poll interval.
                enableSecretRotation: true,
                rotationPollInterval: ROTATION_POLL_INTERVAL,
            },
        },
        atomic: true,
        cleanupOnFail: true,
        maxHistory: 5,
        timeout: 600,
    }, { parent, provider, dependsOn });
}
