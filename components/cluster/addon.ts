/** One EKS managed add-on at the version EKS marks as the default for the cluster's Kubernetes version. */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

export interface AddonSpec {
    clusterName: pulumi.Input<string>;
    /** Picks the add-on version: the default EKS publishes for this Kubernetes version. */
    kubernetesVersion: string;
    addonName: string;
    /** The add-on's own configuration schema, as an object. */
    configuration?: Record<string, unknown>;
    /** Roles handed to the add-on's service accounts through EKS Pod Identity. */
    podIdentity?: { serviceAccount: string; roleArn: pulumi.Input<string> }[];
    tags: Record<string, string>;
}

export function installAddon(parent: pulumi.Resource, name: string, spec: AddonSpec, dependsOn: pulumi.Resource[] = []): aws.eks.Addon {
    const version = aws.eks.getAddonVersionOutput({ addonName: spec.addonName, kubernetesVersion: spec.kubernetesVersion }, { parent });
    return new aws.eks.Addon(name, {
        clusterName: spec.clusterName,
        addonName: spec.addonName,
        addonVersion: version.version,
        configurationValues: spec.configuration ? JSON.stringify(spec.configuration) : undefined,
        podIdentityAssociations: spec.podIdentity,
        // The program is the source of truth: hand edits to an add-on are put back on the next run.
        resolveConflictsOnCreate: "OVERWRITE",
        resolveConflictsOnUpdate: "OVERWRITE",
        tags: spec.tags,
    }, { parent, dependsOn });
}
