import { type ClinicalPolicy, resourceRule } from "../lib/policy";
import { WORLD_CIDRS } from "../lib/network";
import { EKS } from "../lib/types";
import { type Maybe, elements, isKnown, isPresent, isUnknown, presentOrPending } from "../lib/values";

/** Inputs of `aws.eks.Cluster` the rules read. */
export interface EksClusterInputs {
    vpcConfig?: Maybe<{
        endpointPublicAccess?: Maybe<boolean>;
        endpointPrivateAccess?: Maybe<boolean>;
        publicAccessCidrs?: Maybe<Maybe<string>[]>;
    }>;
    encryptionConfig?: Maybe<{
        resources?: Maybe<Maybe<string>[]>;
        provider?: Maybe<{ keyArn?: Maybe<string> }>;
    }>;
    enabledClusterLogTypes?: Maybe<Maybe<string>[]>;
    accessConfig?: Maybe<{
        authenticationMode?: Maybe<string>;
        bootstrapClusterCreatorAdminPermissions?: Maybe<boolean>;
    }>;
}

/** Inputs of `aws.eks.NodeGroup` the rules read. */
export interface EksNodeGroupInputs {
    remoteAccess?: Maybe<{ ec2SshKey?: Maybe<string>; sourceSecurityGroupIds?: Maybe<Maybe<string>[]> }>;
    launchTemplate?: Maybe<{ id?: Maybe<string>; name?: Maybe<string> }>;
}

/** Inputs of an EKS Auto Mode `NodeClass` (a custom resource, so no SDK class and no entry in lib/types). */
export interface EksNodeClassInputs {
    spec?: Maybe<{ ephemeralStorage?: Maybe<{ kmsKeyID?: Maybe<string> }> }>;
}

/** EKS Auto Mode's NodeClass, as the Kubernetes provider types a `CustomResource` of that kind. */
export const EKS_AUTO_MODE_NODE_CLASS = "kubernetes:eks.amazonaws.com/v1:NodeClass";

const CONTROL_PLANE_LOGS = ["api", "audit", "authenticator", "controllerManager", "scheduler"];
const ACCESS_ENTRY_MODES = new Set(["API", "API_AND_CONFIG_MAP"]);

export const eksEndpointNotPublic = resourceRule<EksClusterInputs>({
    name: "eks-endpoint-not-public",
    description: "The EKS API endpoint is private, or public only to listed networks.",
    severity: "critical",
    category: "public-access",
    hipaa: ["164.312(a)(1)", "164.312(e)(1)"],
    soc2: ["CC6.6"],
    remediation: "Set vpcConfig.endpointPrivateAccess to true and endpointPublicAccess to false (or list publicAccessCidrs).",
    resourceTypes: [EKS.cluster],
    *check(cluster) {
        // Both endpoint flags are literals: unknown ones are judged like omitted ones. Unknown
        // CIDRs still count as restricted, since they are usually built from other resources.
        const vpc = cluster.vpcConfig;
        const publicAccess = isKnown(vpc) ? vpc.endpointPublicAccess : undefined;
        const cidrs = isKnown(vpc) ? elements(vpc.publicAccessCidrs) : { known: [], hasUnknown: false };
        const restricted = cidrs.hasUnknown || (cidrs.known.length > 0 && !cidrs.known.some((c) => WORLD_CIDRS.has(String(c))));
        // An omitted endpointPublicAccess means AWS's default: a public endpoint.
        if (publicAccess !== false && !restricted) {
            yield "The Kubernetes API endpoint is reachable from the whole internet (endpointPublicAccess is not false and publicAccessCidrs is open).";
        }
        const privateAccess = isKnown(vpc) ? vpc.endpointPrivateAccess : undefined;
        if (privateAccess !== true) {
            yield "endpointPrivateAccess is not true, so nodes reach the API through the public endpoint.";
        }
    },
});

export const eksSecretsEncryption = resourceRule<EksClusterInputs>({
    name: "eks-secrets-encryption",
    description: "EKS envelope-encrypts Kubernetes secrets with a customer-managed KMS key.",
    severity: "critical",
    category: "encryption",
    hipaa: ["164.312(a)(2)(iv)", "164.312(e)(2)(ii)", "164.308(a)(4)(ii)(A)"],
    soc2: ["CC6.1"],
    remediation: 'Set encryptionConfig with resources ["secrets"] and provider.keyArn set to the cluster key.',
    resourceTypes: [EKS.cluster],
    *check(cluster) {
        // The resource list is a literal: an unknown one cannot be shown to cover secrets. The
        // key's ARN is that of a key created in the same update, so an unknown one passes.
        const config = cluster.encryptionConfig;
        const resources = isKnown(config) ? elements(config.resources) : { known: [], hasUnknown: false };
        if (!resources.known.includes("secrets")) {
            yield 'encryptionConfig does not cover "secrets", so Kubernetes secrets rest in etcd without envelope encryption.';
        } else if (isKnown(config) && !presentOrPending(isKnown(config.provider) ? config.provider.keyArn : config.provider)) {
            yield "encryptionConfig.provider.keyArn is not set.";
        }
    },
});

export const eksControlPlaneLogging = resourceRule<EksClusterInputs>({
    name: "eks-control-plane-logging",
    description: "EKS sends every control-plane log type to CloudWatch Logs.",
    severity: "high",
    category: "logging",
    hipaa: ["164.312(b)", "164.308(a)(1)(ii)(D)"],
    soc2: ["CC7.2"],
    remediation: `Set enabledClusterLogTypes to ${JSON.stringify(CONTROL_PLANE_LOGS)}.`,
    resourceTypes: [EKS.cluster],
    *check(cluster) {
        const types = elements(cluster.enabledClusterLogTypes);
        if (types.hasUnknown) {
            return;
        }
        const missing = CONTROL_PLANE_LOGS.filter((type) => !types.known.includes(type));
        if (missing.length > 0) {
            yield `enabledClusterLogTypes lacks ${missing.join(", ")}.`;
        }
    },
});

export const eksApiAuthMode = resourceRule<EksClusterInputs>({
    name: "eks-api-auth-mode",
    description: "EKS grants cluster access through access entries (API authentication mode), not only the aws-auth ConfigMap.",
    severity: "medium",
    category: "access-control",
    hipaa: ["164.312(a)(1)"],
    soc2: ["CC6.2"],
    remediation: 'Set accessConfig.authenticationMode to "API" (or "API_AND_CONFIG_MAP" while migrating).',
    resourceTypes: [EKS.cluster],
    *check(cluster) {
        const access = cluster.accessConfig;
        const mode = isKnown(access) ? access.authenticationMode : isUnknown(access) ? access : undefined;
        if (!(isKnown(mode) && ACCESS_ENTRY_MODES.has(mode))) {
            yield `authenticationMode is ${isKnown(mode) ? mode : isUnknown(mode) ? "unknown until the update runs" : "CONFIG_MAP (the default)"}, so access is managed in an unaudited ConfigMap.`;
        }
    },
});

export const eksBootstrapAdminDisabled = resourceRule<EksClusterInputs>({
    name: "eks-bootstrap-admin-disabled",
    description: "The identity that creates an EKS cluster does not silently keep cluster-admin rights.",
    severity: "medium",
    category: "access-control",
    hipaa: ["164.308(a)(4)(ii)(B)", "164.312(a)(1)"],
    soc2: ["CC6.3"],
    remediation: "Set accessConfig.bootstrapClusterCreatorAdminPermissions to false and grant admins through AccessEntry resources.",
    resourceTypes: [EKS.cluster],
    *check(cluster) {
        const access = cluster.accessConfig;
        const bootstrap = isKnown(access) ? access.bootstrapClusterCreatorAdminPermissions : isUnknown(access) ? access : undefined;
        if (bootstrap !== false) {
            yield "bootstrapClusterCreatorAdminPermissions is not false, so the deploying identity holds an invisible cluster-admin grant.";
        }
    },
});

export const eksNodegroupNoRemoteSsh = resourceRule<EksNodeGroupInputs>({
    name: "eks-nodegroup-no-remote-ssh",
    description: "EKS node groups do not open SSH to the world.",
    severity: "high",
    category: "network",
    hipaa: ["164.312(a)(1)"],
    soc2: ["CC6.6"],
    remediation: "Remove remoteAccess (use SSM Session Manager), or restrict it with sourceSecurityGroupIds.",
    resourceTypes: [EKS.nodeGroup],
    *check(group) {
        const remote = group.remoteAccess;
        if (!isKnown(remote)) {
            return;
        }
        const sources = elements(remote.sourceSecurityGroupIds);
        if (isPresent(remote.ec2SshKey) && sources.known.length === 0 && !sources.hasUnknown) {
            yield "remoteAccess sets an SSH key without sourceSecurityGroupIds, which opens port 22 to 0.0.0.0/0.";
        }
    },
});

export const eksNodegroupLaunchTemplate = resourceRule<EksNodeGroupInputs>({
    name: "eks-nodegroup-launch-template",
    description: "EKS node groups launch from a launch template, where IMDSv2 and volume encryption are enforced.",
    severity: "medium",
    category: "workload",
    hipaa: ["164.312(a)(2)(iv)", "164.312(a)(1)"],
    soc2: ["CC6.8"],
    remediation: "Set launchTemplate.id (and version) to a LaunchTemplate that requires IMDSv2 and encrypts its volumes.",
    resourceTypes: [EKS.nodeGroup],
    *check(group) {
        const template = group.launchTemplate;
        if (isUnknown(template)) {
            return;
        }
        if (!isKnown(template) || (!presentOrPending(template.id) && !presentOrPending(template.name))) {
            yield "The node group has no launch template, so IMDSv1 and unencrypted root volumes stay possible.";
        }
    },
});

export const eksNodeClassStorageKey = resourceRule<EksNodeClassInputs>({
    name: "eks-nodeclass-storage-cmk",
    description: "EKS Auto Mode nodes encrypt their ephemeral storage with a customer-managed KMS key.",
    severity: "high",
    category: "encryption",
    hipaa: ["164.312(a)(2)(iv)"],
    soc2: ["CC6.1"],
    remediation: "Set spec.ephemeralStorage.kmsKeyID of the NodeClass to the cluster key (its policy must let the cluster role use it).",
    resourceTypes: [EKS_AUTO_MODE_NODE_CLASS],
    *check(nodeClass) {
        const spec = nodeClass.spec;
        if (isUnknown(spec)) {
            return;
        }
        const storage = isKnown(spec) ? spec.ephemeralStorage : undefined;
        if (isUnknown(storage)) {
            return;
        }
        if (!presentOrPending(isKnown(storage) ? storage.kmsKeyID : undefined)) {
            yield "spec.ephemeralStorage.kmsKeyID is not set, so node volumes are encrypted with the AWS managed EBS key, outside the platform's key policies.";
        }
    },
});

export const eksPolicies: ClinicalPolicy[] = [
    eksEndpointNotPublic,
    eksSecretsEncryption,
    eksControlPlaneLogging,
    eksApiAuthMode,
    eksBootstrapAdminDisabled,
    eksNodegroupNoRemoteSsh,
    eksNodegroupLaunchTemplate,
    eksNodeClassStorageKey,
];
