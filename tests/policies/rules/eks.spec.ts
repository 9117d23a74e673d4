import { EC2, EKS } from "../../../policies/lib/types";
import * as ec2 from "../../../policies/rules/ec2";
import * as rules from "../../../policies/rules/eks";
import { describeResourcePolicy } from "../harness/cases";
import { UNKNOWN_VALUE as UNKNOWN, resource } from "../harness/server";

const compliantCluster = {
    roleArn: UNKNOWN,
    vpcConfig: { subnetIds: [UNKNOWN, UNKNOWN], endpointPrivateAccess: true, endpointPublicAccess: false },
    encryptionConfig: { resources: ["secrets"], provider: { keyArn: UNKNOWN } },
    enabledClusterLogTypes: ["api", "audit", "authenticator", "controllerManager", "scheduler"],
    accessConfig: { authenticationMode: "API", bootstrapClusterCreatorAdminPermissions: false },
};
const cluster = (overrides: Record<string, unknown> = {}) => resource(EKS.cluster, "cluster", { ...compliantCluster, ...overrides });
const nodeGroup = (inputs: Record<string, unknown>) => resource(EKS.nodeGroup, "nodes", { clusterName: UNKNOWN, ...inputs });
const template = (inputs: Record<string, unknown>) => resource(EC2.launchTemplate, "nodes-lt", inputs);
const nodeClass = (spec: Record<string, unknown>) => resource(rules.EKS_AUTO_MODE_NODE_CLASS, "nodes-class", {
    apiVersion: "eks.amazonaws.com/v1", kind: "NodeClass", metadata: { name: "nodes" }, spec: { role: "nodes", ...spec },
});
const encryptedRoot = { deviceName: "/dev/xvda", ebs: { encrypted: "true", kmsKeyId: UNKNOWN, volumeSize: 50 } };

describe("EKS and launch template policies", () => {
    describeResourcePolicy(rules.eksEndpointNotPublic, {
        accepts: {
            "a private-only endpoint": cluster(),
            "a public endpoint restricted to the office network": cluster({
                vpcConfig: { endpointPrivateAccess: true, endpointPublicAccess: true, publicAccessCidrs: ["203.0.113.0/24"] },
            }),
        },
        rejects: {
            "an endpoint open to the internet": [
                cluster({ vpcConfig: { endpointPrivateAccess: true, endpointPublicAccess: true, publicAccessCidrs: ["0.0.0.0/0"] } }),
                /reachable from the whole internet/,
            ],
            "a cluster whose private endpoint setting is unknown in preview": [
                cluster({ vpcConfig: { subnetIds: [UNKNOWN], endpointPrivateAccess: UNKNOWN, endpointPublicAccess: false } }),
                /endpointPrivateAccess is not true/,
            ],
            "a cluster whose public endpoint setting is unknown in preview": [
                cluster({ vpcConfig: { subnetIds: [UNKNOWN], endpointPrivateAccess: true, endpointPublicAccess: UNKNOWN } }),
                /reachable from the whole internet/,
            ],
            "a cluster whose endpoint block is unknown in preview": [cluster({ vpcConfig: UNKNOWN }), [/reachable from the whole internet/, /endpointPrivateAccess is not true/]],
            "a cluster leaving both endpoint settings at AWS's defaults": [cluster({ vpcConfig: { subnetIds: [UNKNOWN] } }), [/reachable from the whole internet/, /endpointPrivateAccess is not true/]],
        },
    });

    describeResourcePolicy(rules.eksSecretsEncryption, {
        accepts: { "secrets envelope-encrypted with the cluster key": cluster() },
        rejects: {
            "a cluster without encryptionConfig": [cluster({ encryptionConfig: undefined }), /does not cover "secrets"/],
            "an encryptionConfig without a key": [cluster({ encryptionConfig: { resources: ["secrets"], provider: {} } }), /keyArn is not set/],
            "an encryptionConfig unknown in preview": [cluster({ encryptionConfig: UNKNOWN }), /does not cover "secrets"/],
            "a resource list unknown in preview": [cluster({ encryptionConfig: { resources: UNKNOWN, provider: { keyArn: UNKNOWN } } }), /does not cover "secrets"/],
        },
    });

    describeResourcePolicy(rules.eksControlPlaneLogging, {
        accepts: { "all five control-plane log types": cluster() },
        rejects: { "only API and audit logs": [cluster({ enabledClusterLogTypes: ["api", "audit"] }), /lacks authenticator, controllerManager, scheduler/] },
    });

    describeResourcePolicy(rules.eksApiAuthMode, {
        accepts: {
            "API authentication mode": cluster(),
            "API_AND_CONFIG_MAP while migrating": cluster({ accessConfig: { authenticationMode: "API_AND_CONFIG_MAP", bootstrapClusterCreatorAdminPermissions: false } }),
        },
        rejects: {
            "the CONFIG_MAP default": [cluster({ accessConfig: undefined }), /CONFIG_MAP \(the default\)/],
            "a mode that is unknown in preview": [
                cluster({ accessConfig: { authenticationMode: UNKNOWN, bootstrapClusterCreatorAdminPermissions: false } }),
                /authenticationMode is unknown until the update runs/,
            ],
        },
    });

    describeResourcePolicy(rules.eksBootstrapAdminDisabled, {
        accepts: { "a cluster that does not keep the creator as admin": cluster() },
        rejects: {
            "a cluster that keeps the creator's bootstrap admin": [
                cluster({ accessConfig: { authenticationMode: "API" } }),
                /bootstrapClusterCreatorAdminPermissions is not false/,
            ],
            "a bootstrap admin setting unknown in preview": [
                cluster({ accessConfig: { authenticationMode: "API", bootstrapClusterCreatorAdminPermissions: UNKNOWN } }),
                /bootstrapClusterCreatorAdminPermissions is not false/,
            ],
        },
    });

    describeResourcePolicy(rules.eksNodegroupNoRemoteSsh, {
        accepts: {
            "a node group without remote access": nodeGroup({}),
            "SSH limited to a bastion security group": nodeGroup({ remoteAccess: { ec2SshKey: "ops", sourceSecurityGroupIds: [UNKNOWN] } }),
        },
        rejects: { "an SSH key open to everyone": [nodeGroup({ remoteAccess: { ec2SshKey: "ops" } }), /opens port 22 to 0\.0\.0\.0\/0/] },
    });

    describeResourcePolicy(rules.eksNodegroupLaunchTemplate, {
        accepts: { "a node group launched from a template": nodeGroup({ launchTemplate: { id: UNKNOWN, version: UNKNOWN } }) },
        rejects: { "a node group without a launch template": [nodeGroup({ instanceTypes: ["m6i.large"] }), /no launch template/] },
    });

    describeResourcePolicy(rules.eksNodeClassStorageKey, {
        accepts: {
            "a NodeClass whose storage uses the cluster key": nodeClass({ ephemeralStorage: { size: "100Gi", kmsKeyID: UNKNOWN } }),
            "a NodeClass naming the key by ARN": nodeClass({ ephemeralStorage: { kmsKeyID: "arn:aws:kms:us-east-1:111122223333:key/1a2b3c4d-5e6f-1a2b-3c4d-5e6f1a2b3c4d" } }),
        },
        rejects: {
            "a NodeClass without a storage key": [nodeClass({ ephemeralStorage: { size: "80Gi" } }), /kmsKeyID is not set/],
            "a NodeClass leaving storage at its defaults": [nodeClass({ role: "nodes" }), /AWS managed EBS key/],
        },
    });

    describeResourcePolicy(ec2.ec2LaunchTemplateImdsv2, {
        accepts: {
            "a template requiring IMDSv2": template({ metadataOptions: { httpTokens: "required", httpPutResponseHopLimit: 1 } }),
            "a template with the metadata endpoint disabled": template({ metadataOptions: { httpEndpoint: "disabled" } }),
        },
        rejects: {
            "a template allowing IMDSv1": [template({ metadataOptions: { httpTokens: "optional" } }), /IMDSv1/],
            "a template without metadata options": [template({}), /httpTokens is not "required"/],
            "a template whose token setting is an empty string": [template({ metadataOptions: { httpTokens: "" } }), /httpTokens is not "required"/],
            "a template whose token setting is unknown in preview": [template({ metadataOptions: { httpTokens: UNKNOWN } }), /httpTokens is not "required"/],
        },
    });

    describeResourcePolicy(ec2.ec2LaunchTemplateEbsEncrypted, {
        accepts: { "a template whose root volume is encrypted": template({ blockDeviceMappings: [encryptedRoot] }) },
        rejects: {
            "a template with an unencrypted volume": [
                template({ blockDeviceMappings: [{ deviceName: "/dev/xvda", ebs: { volumeSize: 50 } }] }),
                [/for \/dev\/xvda is not encrypted/, /for \/dev\/xvda has no ebs\.kmsKeyId/],
            ],
            "a template relying on account defaults": [template({ metadataOptions: { httpTokens: "required" } }), /no known block device mappings/],
            "a template whose mappings are unknown in preview": [template({ blockDeviceMappings: UNKNOWN }), /no known block device mappings/],
            "a volume encrypted with the AWS managed key instead of a customer-managed one": [
                template({ blockDeviceMappings: [{ deviceName: "/dev/xvda", ebs: { encrypted: "true", volumeSize: 50 } }] }),
                /for \/dev\/xvda has no ebs\.kmsKeyId/,
            ],
            "a volume whose key is an empty string": [
                template({ blockDeviceMappings: [{ deviceName: "/dev/xvda", ebs: { encrypted: "true", kmsKeyId: "" } }] }),
                /for \/dev\/xvda has no ebs\.kmsKeyId/,
            ],
            "a volume whose encryption flag is unknown in preview": [
                template({ blockDeviceMappings: [{ deviceName: "/dev/xvda", ebs: { encrypted: UNKNOWN, kmsKeyId: UNKNOWN } }] }),
                /for \/dev\/xvda is not encrypted/,
            ],
        },
    });
});
