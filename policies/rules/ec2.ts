import { type ClinicalPolicy, resourceRule } from "../lib/policy";
import { EC2 } from "../lib/types";
import { type Maybe, asBoolean, elements, present, presentOrPending } from "../lib/values";

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
        // Both settings are literals in a program; an unknown or empty one cannot be shown to
        // require tokens, so it is judged like an absent one.
        const options = present(template.metadataOptions) ? template.metadataOptions : undefined;
        const tokens = options?.httpTokens;
        const endpoint = options?.httpEndpoint;
        if (!(present(tokens) && tokens === "required") && !(present(endpoint) && endpoint === "disabled")) {
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

export const ec2Policies: ClinicalPolicy[] = [ec2LaunchTemplateImdsv2, ec2LaunchTemplateEbsEncrypted];
