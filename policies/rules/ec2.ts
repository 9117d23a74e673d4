import { PUBLIC_ACCESS_HIPAA } from "../lib/citations";
import { type ClinicalPolicy, resourceRule } from "../lib/policy";
import { EC2 } from "../lib/types";
import { type Maybe, asBoolean, elements, isUnknown, present, presentOrPending } from "../lib/values";

/** `metadataOptions` as instances, launch templates and launch configurations declare it. */
export interface MetadataOptions {
    httpTokens?: Maybe<string>;
    httpEndpoint?: Maybe<string>;
}

/**
 * Whether instance metadata can only be read with an IMDSv2 session token (or not at all).
 * Both settings are literals in a program; an unknown or empty one cannot be shown to
 * require tokens, so it is judged like an absent one.
 */
export function requiresImdsv2(options: Maybe<MetadataOptions>): boolean {
    if (!present(options)) {
        return false;
    }
    const { httpTokens: tokens, httpEndpoint: endpoint } = options;
    return (present(tokens) && tokens === "required") || (present(endpoint) && endpoint === "disabled");
}

/** Inputs of `aws.ec2.LaunchTemplate` the rules read (the EKS node groups' launch settings). */
export interface LaunchTemplateInputs {
    metadataOptions?: Maybe<MetadataOptions>;
    networkInterfaces?: Maybe<Maybe<{ associatePublicIpAddress?: Maybe<string>; deviceIndex?: Maybe<number> }>[]>;
    blockDeviceMappings?: Maybe<
        Maybe<{
            deviceName?: Maybe<string>;
            ebs?: Maybe<{ encrypted?: Maybe<string>; kmsKeyId?: Maybe<string> }>;
        }>[]
    >;
}

export const ec2LaunchTemplateImdsv2 = resourceRule<LaunchTemplateInputs>({
    name: "ec2-launch-template-imdsv2",
    description: "Instances launched from a template require IMDSv2 session tokens for instance metadata.",
    severity: "high",
    category: "workload",
    hipaa: ["164.312(a)(1)"],
    soc2: ["CC6.1", "CC6.8"],
    remediation: 'Set metadataOptions.httpTokens to "required" (or httpEndpoint to "disabled").',
    resourceTypes: [EC2.launchTemplate],
    anchors: { awsConfig: ["EC2_IMDSV2_CHECK"], cdkNag: ["EC2IMDSv2Enabled"] },
    *check(template) {
        if (!requiresImdsv2(template.metadataOptions)) {
            yield "metadataOptions.httpTokens is not \"required\", so IMDSv1 lets any SSRF read the node's credentials.";
        }
    },
});

export const ec2LaunchTemplateEbsEncrypted = resourceRule<LaunchTemplateInputs>({
    name: "ec2-launch-template-ebs-encrypted",
    description: "Launch templates declare their EBS volumes as encrypted.",
    severity: "high",
    category: "encryption",
    hipaa: ["164.312(a)(2)(iv)"],
    soc2: ["CC6.1"],
    remediation: 'Declare blockDeviceMappings for the root device with ebs.encrypted "true" and ebs.kmsKeyId set.',
    resourceTypes: [EC2.launchTemplate],
    anchors: { awsConfig: ["ENCRYPTED_VOLUMES"] },
    *check(template) {
        // An unknown list (or an unknown element) cannot be shown to encrypt anything, so it is
        // judged like a missing one. The key is different: its ARN belongs to a key created in
        // the same update and is unknown in a first deployment's preview, so an unknown
        // kmsKeyId passes and is judged again once known; an empty one fails.
        const mappings = elements(template.blockDeviceMappings);
        if (mappings.known.length === 0 || mappings.hasUnknown) {
            yield "The template declares no known block device mappings, so volume encryption depends on account defaults.";
        }
        for (const mapping of mappings.known) {
            const device = present(mapping.deviceName) ? mapping.deviceName : "a device";
            const ebs = present(mapping.ebs) ? mapping.ebs : undefined;
            const encrypted = present(ebs?.encrypted) ? asBoolean(ebs?.encrypted) : undefined;
            if (encrypted !== true) {
                yield `The EBS volume for ${device} is not encrypted (ebs.encrypted is not "true").`;
            }
            if (!presentOrPending(ebs?.kmsKeyId)) {
                yield `The EBS volume for ${device} has no ebs.kmsKeyId, so it is encrypted with the AWS managed key rather than the platform's key.`;
            }
        }
    },
});

export const ec2LaunchTemplateNoPublicIp = resourceRule<LaunchTemplateInputs>({
    name: "ec2-launch-template-no-public-ip",
    description: "Launch templates do not give the instances they launch a public IPv4 address.",
    severity: "high",
    category: "public-access",
    hipaa: PUBLIC_ACCESS_HIPAA,
    soc2: ["CC6.6"],
    remediation: 'Set networkInterfaces[].associatePublicIpAddress to "false" (or leave it out) and launch into private subnets.',
    resourceTypes: [EC2.launchTemplate],
    anchors: { awsConfig: ["EC2_INSTANCE_NO_PUBLIC_IP"], cdkNag: ["EC2InstanceNoPublicIp"] },
    *check(template) {
        const interfaces = elements(template.networkInterfaces);
        if (interfaces.hasUnknown) {
            yield "networkInterfaces is unknown until the update runs, so the template cannot be shown to launch without a public IP.";
        }
        for (const [index, networkInterface] of interfaces.known.entries()) {
            // The template API takes the flag as a string ("true" / "false").
            const associate = networkInterface.associatePublicIpAddress;
            if (isUnknown(associate)) {
                yield `networkInterfaces[${index}].associatePublicIpAddress is unknown until the update runs, so it may assign a public IP.`;
            } else if (asBoolean(associate) === true) {
                yield `networkInterfaces[${index}].associatePublicIpAddress is "true", so every instance launched from the template gets a public IP address.`;
            }
        }
    },
});

export const ec2Policies: ClinicalPolicy[] = [ec2LaunchTemplateImdsv2, ec2LaunchTemplateEbsEncrypted, ec2LaunchTemplateNoPublicIp];
