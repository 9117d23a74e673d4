import { type ClinicalPolicy, resourceRule } from "../lib/policy";
import { EC2 } from "../lib/types";
import { type Maybe, asBoolean, elements, isKnown, isUnknown } from "../lib/values";

/** Inputs of `aws.ec2.LaunchTemplate` the rules read (the EKS node groups' launch settings). */
export interface LaunchTemplateInputs {
    metadataOptions?: Maybe<{ httpTokens?: Maybe<string>; httpEndpoint?: Maybe<string> }>;
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
    *check(template) {
        const options = template.metadataOptions;
        if (isUnknown(options)) {
            return;
        }
        const tokens = isKnown(options) ? options.httpTokens : undefined;
        const endpoint = isKnown(options) ? options.httpEndpoint : undefined;
        if (tokens !== "required" && !isUnknown(tokens) && endpoint !== "disabled") {
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
    *check(template) {
        const mappings = elements(template.blockDeviceMappings);
        if (mappings.hasUnknown) {
            return;
        }
        if (mappings.known.length === 0) {
            yield "The template declares no block device mappings, so volume encryption depends on account defaults.";
        }
        for (const mapping of mappings.known) {
            const ebs = mapping.ebs;
            const encrypted = isKnown(ebs) ? asBoolean(ebs.encrypted) : isUnknown(ebs) ? ebs : undefined;
            if (encrypted !== true && !isUnknown(encrypted)) {
                const device = isKnown(mapping.deviceName) ? mapping.deviceName : "a device";
                yield `The EBS volume for ${device} is not encrypted (ebs.encrypted is not "true").`;
            }
        }
    },
});

export const ec2Policies: ClinicalPolicy[] = [ec2LaunchTemplateImdsv2, ec2LaunchTemplateEbsEncrypted];
