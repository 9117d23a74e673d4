/**
 * One EKS managed add-on at the build pinned for the cluster's Kubernetes version
 * (stacks/eks-versions.ts): an exact build, or the build EKS marks as default for that version,
 * resolved when the add-on is created and then kept: a later `up` never moves it on its own.
 */
import * as aws from "../aws";
import * as pulumi from "@pulumi/pulumi";
import { EKS_DEFAULT_BUILD } from "../../stacks/eks-versions";

export interface AddonSpec {
    clusterName: pulumi.Input<string>;
    /** Kubernetes minor version; chooses the EKS default build when the pin asks for it. */
    kubernetesVersion: string;
    addonName: string;
    /** `vX.Y.Z-eksbuild.N`, or EKS_DEFAULT_BUILD. */
    build: string;
    /** The add-on's own configuration schema, as an object. */
    configuration?: Record<string, unknown>;
    /** Roles handed to the add-on's service accounts through EKS Pod Identity. */
    podIdentity?: { serviceAccount: string; roleArn: pulumi.Input<string> }[];
}

export function installAddon(parent: pulumi.Resource, name: string, spec: AddonSpec, dependsOn: pulumi.Resource[] = []): aws.eks.Addon {
    const resolveOnce = spec.build === EKS_DEFAULT_BUILD;
    const addonVersion = resolveOnce
        ? aws.eks.getAddonVersionOutput({ addonName: spec.addonName, kubernetesVersion: spec.kubernetesVersion, mostRecent: false }, { parent }).version
        : spec.build;
    return new aws.eks.Addon(name, {
        clusterName: spec.clusterName,
        addonName: spec.addonName,
        addonVersion,
        configurationValues: spec.configuration ? JSON.stringify(spec.configuration) : undefined,
        podIdentityAssociations: spec.podIdentity,
        // The program is the source of truth: hand edits to an add-on are put back on the next run.
        resolveConflictsOnCreate: "OVERWRITE",
        resolveConflictsOnUpdate: "OVERWRITE",
    }, { parent, dependsOn, ignoreChanges: resolveOnce ? ["addonVersion"] : [] });
}
