/**
 * EC2 instances, EBS volumes, Elastic IPs and launch configurations: IMDSv2, encrypted volumes
 * under the platform's keys, no public addresses, an instance profile, a VPC subnet, and the
 * monitoring and EBS throughput the anchors ask for. Launch templates are judged in ec2.ts; an
 * instance that takes a setting from a template declared in the stack is judged by that template.
 *
 * Our own platform runs no instances (EKS Auto Mode); these rules are for services a team adds.
 */
import { PUBLIC_ACCESS_HIPAA } from "../lib/citations";
import { type ClinicalPolicy, type Finding, resourceRule, stackRule } from "../lib/policy";
import { type StackResource, type StackView, refersTo } from "../lib/stack";
import { COMPUTE, EC2 } from "../lib/types";
import { type Maybe, elements, isKnown, isUnknown, present, presentOrPending } from "../lib/values";
import { type LaunchTemplateInputs, type MetadataOptions, requiresImdsv2 } from "./ec2";

interface BlockDevice {
    deviceName?: Maybe<string>;
    encrypted?: Maybe<boolean>;
    kmsKeyId?: Maybe<string>;
    noDevice?: Maybe<boolean>;
}

/** Inputs of `aws.ec2.Instance` the rules read. */
export interface InstanceInputs {
    instanceType?: Maybe<string>;
    ebsOptimized?: Maybe<boolean>;
    monitoring?: Maybe<boolean>;
    iamInstanceProfile?: Maybe<string>;
    subnetId?: Maybe<string>;
    associatePublicIpAddress?: Maybe<boolean>;
    primaryNetworkInterface?: Maybe<{ networkInterfaceId?: Maybe<string> }>;
    networkInterfaces?: Maybe<Maybe<{ networkInterfaceId?: Maybe<string> }>[]>;
    launchTemplate?: Maybe<{ id?: Maybe<string>; name?: Maybe<string> }>;
    metadataOptions?: Maybe<MetadataOptions>;
    rootBlockDevice?: Maybe<BlockDevice>;
    ebsBlockDevices?: Maybe<Maybe<BlockDevice>[]>;
}

/** Inputs of `aws.ec2.LaunchConfiguration` the rules read (its block devices take no KMS key). */
export interface LaunchConfigurationInputs {
    instanceType?: Maybe<string>;
    ebsOptimized?: Maybe<boolean>;
    enableMonitoring?: Maybe<boolean>;
    associatePublicIpAddress?: Maybe<boolean>;
    metadataOptions?: Maybe<MetadataOptions>;
    rootBlockDevice?: Maybe<BlockDevice>;
    ebsBlockDevices?: Maybe<Maybe<BlockDevice>[]>;
}

/** Inputs of `aws.ebs.Volume` the rules read. */
export interface VolumeInputs {
    encrypted?: Maybe<boolean>;
    kmsKeyId?: Maybe<string>;
}

/** Inputs of `aws.ec2.Eip` and `aws.ec2.EipAssociation` the rules read. */
export interface ElasticIpInputs {
    instance?: Maybe<string>;
    networkInterface?: Maybe<string>;
    instanceId?: Maybe<string>;
    networkInterfaceId?: Maybe<string>;
}

interface SubnetInputs {
    mapPublicIpOnLaunch?: Maybe<boolean>;
}

/**
 * Instance types that support EBS optimisation without enabling it by default: the list in
 * cdk-nag 3.0.2's EC2EBSOptimizedInstance rule (lib/rules/ec2/EC2EBSOptimizedInstance.js of the
 * npm package, read 2026-12-01), which follows the EC2 User Guide's "previous generation" table.
 */
const EBS_OPTIMIZABLE_TYPES: ReadonlySet<string> = new Set([
    "c1.xlarge", "c3.xlarge", "c3.2xlarge", "c3.4xlarge", "g2.2xlarge", "i2.xlarge", "i2.2xlarge", "i2.4xlarge",
    "m1.large", "m1.xlarge", "m2.2xlarge", "m2.4xlarge", "m3.xlarge", "m3.2xlarge", "r3.xlarge", "r3.2xlarge", "r3.4xlarge",
]);

/** The launch template of the stack an instance launches from, if it names one the stack declares. */
function templateOf(stack: StackView, instance: StackResource): StackResource | undefined {
    const template = instance.props<InstanceInputs>().launchTemplate;
    if (!isKnown(template) && !isUnknown(template)) {
        return undefined;
    }
    return stack
        .ofType(EC2.launchTemplate)
        .find((candidate) => refersTo(instance, "launchTemplate.id", candidate, ["id"]) || refersTo(instance, "launchTemplate.name", candidate, ["name"]));
}

function namesTemplate(inputs: InstanceInputs): boolean {
    return isUnknown(inputs.launchTemplate) || (isKnown(inputs.launchTemplate) && (presentOrPending(inputs.launchTemplate.id) || presentOrPending(inputs.launchTemplate.name)));
}

/** Problems with one EBS device; `withKey` when the resource can name the KMS key. */
function* deviceProblems(device: BlockDevice, label: string, withKey: boolean): Iterable<string> {
    if (!(present(device.encrypted) && device.encrypted === true)) {
        yield `${label} is not encrypted (encrypted is not true).`;
    }
    if (withKey && !presentOrPending(device.kmsKeyId)) {
        yield `${label} has no kmsKeyId, so it is encrypted with the AWS managed key rather than the platform's key.`;
    }
}

function* additionalDeviceProblems(devices: Maybe<Maybe<BlockDevice>[]>, withKey: boolean): Iterable<string> {
    const list = elements(devices);
    if (list.hasUnknown) {
        yield "ebsBlockDevices is unknown until the update runs, so its volumes cannot be shown to be encrypted.";
    }
    for (const device of list.known) {
        if (device.noDevice === true) continue;
        const name = present(device.deviceName) ? device.deviceName : "an additional device";
        yield* deviceProblems(device, `The EBS volume ${name} (ebsBlockDevices)`, withKey);
    }
}

export const ec2InstanceImdsv2 = stackRule({
    name: "ec2-instance-imdsv2",
    description: "EC2 instances require IMDSv2 session tokens for instance metadata, set on the instance or on the stack's launch template it uses.",
    severity: "high",
    category: "workload",
    hipaa: ["164.312(a)(1)"],
    soc2: ["CC6.1", "CC6.8"],
    remediation: 'Set metadataOptions.httpTokens to "required" on the instance, or launch it from a template of the stack that requires it.',
    resourceTypes: [COMPUTE.instance],
    anchors: { awsConfig: ["EC2_IMDSV2_CHECK"], cdkNag: ["EC2IMDSv2Enabled"] },
    *check(stack) {
        for (const instance of stack.ofType(COMPUTE.instance)) {
            const inputs = instance.props<InstanceInputs>();
            if (requiresImdsv2(inputs.metadataOptions)) continue;
            // Settings the instance gives itself override its template's; only when it gives none
            // does the template decide.
            const own = isKnown(inputs.metadataOptions) ? inputs.metadataOptions : undefined;
            const setsItself = isUnknown(inputs.metadataOptions) || isKnown(own?.httpTokens) || isUnknown(own?.httpTokens);
            if (!setsItself && namesTemplate(inputs)) {
                const template = templateOf(stack, instance);
                if (template !== undefined && requiresImdsv2(template.props<LaunchTemplateInputs>().metadataOptions)) continue;
                yield finding(
                    instance,
                    template === undefined
                        ? "The instance launches from a template this stack does not declare and sets no metadataOptions, so IMDSv2 cannot be shown to be required."
                        : `The instance's launch template ${template.name} does not require IMDSv2 tokens, and the instance sets no metadataOptions.httpTokens.`,
                );
                continue;
            }
            yield finding(instance, 'metadataOptions.httpTokens is not "required", so IMDSv1 lets any SSRF read the instance\'s role credentials.');
        }
    },
});

export const ec2LaunchConfigurationImdsv2 = resourceRule<LaunchConfigurationInputs>({
    name: "ec2-launch-configuration-imdsv2",
    description: "Launch configurations require IMDSv2 session tokens for instance metadata.",
    severity: "high",
    category: "workload",
    hipaa: ["164.312(a)(1)"],
    soc2: ["CC6.1", "CC6.8"],
    remediation: 'Set metadataOptions.httpTokens to "required" (or move the group to a launch template that requires it).',
    resourceTypes: [COMPUTE.launchConfiguration],
    anchors: { awsConfig: ["EC2_IMDSV2_CHECK"], cdkNag: ["EC2IMDSv2Enabled"] },
    *check(configuration) {
        if (!requiresImdsv2(configuration.metadataOptions)) {
            yield 'metadataOptions.httpTokens is not "required", so instances of the group answer IMDSv1 requests.';
        }
    },
});

export const ebsVolumeEncrypted = resourceRule<VolumeInputs>({
    name: "ebs-volume-encrypted",
    description: "EBS volumes are encrypted with a customer-managed KMS key.",
    severity: "high",
    category: "encryption",
    hipaa: ["164.312(a)(2)(iv)"],
    soc2: ["CC6.1"],
    remediation: "Set encrypted to true and kmsKeyId to the platform's data key.",
    resourceTypes: [COMPUTE.volume],
    anchors: { awsConfig: ["ENCRYPTED_VOLUMES"] },
    *check(volume) {
        // The key's ARN belongs to a key created in the same update, so an unknown kmsKeyId passes.
        yield* deviceProblems(volume, "The volume", true);
    },
});

export const ec2InstanceEbsEncrypted = stackRule({
    name: "ec2-instance-ebs-encrypted",
    description: "EC2 instances declare their root and additional EBS volumes as encrypted with a customer-managed KMS key.",
    severity: "high",
    category: "encryption",
    hipaa: ["164.312(a)(2)(iv)"],
    soc2: ["CC6.1"],
    remediation: "Set rootBlockDevice and every ebsBlockDevices entry to encrypted true with kmsKeyId set to the platform's data key.",
    resourceTypes: [COMPUTE.instance],
    anchors: { awsConfig: ["ENCRYPTED_VOLUMES"] },
    *check(stack) {
        for (const instance of stack.ofType(COMPUTE.instance)) {
            const inputs = instance.props<InstanceInputs>();
            const problems: string[] = [];
            if (present(inputs.rootBlockDevice)) {
                problems.push(...deviceProblems(inputs.rootBlockDevice, "The root volume (rootBlockDevice)", true));
            } else if (isUnknown(inputs.rootBlockDevice)) {
                problems.push("rootBlockDevice is unknown until the update runs, so the root volume cannot be shown to be encrypted.");
            } else if (!(namesTemplate(inputs) && templateOf(stack, instance) !== undefined)) {
                // Without a rootBlockDevice the root volume follows the AMI's snapshot and the
                // account default, unless a template of the stack (judged by its own rule) declares it.
                problems.push("The instance declares no rootBlockDevice, so root volume encryption depends on the AMI and the account default.");
            }
            problems.push(...additionalDeviceProblems(inputs.ebsBlockDevices, true));
            for (const message of problems) {
                yield finding(instance, message);
            }
        }
    },
});

export const ec2LaunchConfigurationEbsEncrypted = resourceRule<LaunchConfigurationInputs>({
    name: "ec2-launch-configuration-ebs-encrypted",
    description: "Launch configurations declare their root and additional EBS volumes as encrypted.",
    severity: "high",
    category: "encryption",
    hipaa: ["164.312(a)(2)(iv)"],
    soc2: ["CC6.1"],
    remediation:
        "Set rootBlockDevice.encrypted and every ebsBlockDevices[].encrypted to true; launch configurations cannot name a KMS key, so move to a launch template to use the platform's key.",
    resourceTypes: [COMPUTE.launchConfiguration],
    anchors: { awsConfig: ["ENCRYPTED_VOLUMES"] },
    *check(configuration) {
        // LaunchConfigurationRootBlockDevice / EbsBlockDevice have no kmsKeyId input (@pulumi/aws
        // 7.48.0 types/input.d.ts, checked 2026-12-01): the volumes use the account's default EBS
        // key, which `ebs-default-encryption-cmk` holds to a customer-managed key in the baseline stack.
        // The same .d.ts discourages launch configurations in favour of launch templates.
        if (present(configuration.rootBlockDevice)) {
            yield* deviceProblems(configuration.rootBlockDevice, "The root volume (rootBlockDevice)", false);
        } else {
            yield "The launch configuration declares no known rootBlockDevice, so root volume encryption depends on the AMI and the account default.";
        }
        yield* additionalDeviceProblems(configuration.ebsBlockDevices, false);
    },
});

export const ec2InstanceNoPublicIp = stackRule({
    name: "ec2-instance-no-public-ip",
    description: "EC2 instances get no public IPv4 address, neither explicitly nor from their subnet's default.",
    severity: "high",
    category: "public-access",
    hipaa: PUBLIC_ACCESS_HIPAA,
    soc2: ["CC6.6"],
    remediation: "Set associatePublicIpAddress to false and launch into a private subnet; reach the instance through a load balancer or Session Manager.",
    resourceTypes: [COMPUTE.instance],
    anchors: { awsConfig: ["EC2_INSTANCE_NO_PUBLIC_IP"], cdkNag: ["EC2InstanceNoPublicIp"] },
    *check(stack) {
        const subnets = stack.ofType(EC2.subnet);
        for (const instance of stack.ofType(COMPUTE.instance)) {
            const associate = instance.props<InstanceInputs>().associatePublicIpAddress;
            if (associate === true) {
                yield finding(instance, "associatePublicIpAddress is true, so the instance is reachable at a public IP address.");
            } else if (isUnknown(associate)) {
                yield finding(instance, "associatePublicIpAddress is unknown until the update runs, so the instance may get a public IP address.");
            } else if (associate !== false) {
                // Unset, the instance takes its subnet's mapPublicIpOnLaunch: judged from a subnet of
                // the stack; a subnet declared elsewhere (or the default VPC's) cannot be shown private.
                const subnet = subnets.find((candidate) => refersTo(instance, "subnetId", candidate, ["id"]));
                const mapsPublic = subnet?.props<SubnetInputs>().mapPublicIpOnLaunch;
                if (subnet === undefined) {
                    yield finding(instance, "associatePublicIpAddress is unset and the instance's subnet is not one of this stack, so the subnet's default may give it a public IP address.");
                } else if (mapsPublic === true || isUnknown(mapsPublic)) {
                    yield finding(instance, `associatePublicIpAddress is unset and subnet ${subnet.name} may map public IPs on launch, so the instance can get a public IP address.`);
                }
            }
        }
    },
});

export const ec2LaunchConfigurationNoPublicIp = resourceRule<LaunchConfigurationInputs>({
    name: "ec2-launch-configuration-no-public-ip",
    description: "Launch configurations explicitly give their instances no public IPv4 address.",
    severity: "high",
    category: "public-access",
    hipaa: PUBLIC_ACCESS_HIPAA,
    soc2: ["CC6.6"],
    remediation: "Set associatePublicIpAddress to false.",
    resourceTypes: [COMPUTE.launchConfiguration],
    anchors: { awsConfig: ["AUTOSCALING_LAUNCH_CONFIG_PUBLIC_IP_DISABLED"], cdkNag: ["AutoScalingLaunchConfigPublicIpDisabled"] },
    *check(configuration) {
        // Unset, the group's instances follow each subnet's default, which the configuration cannot bound.
        if (configuration.associatePublicIpAddress !== false) {
            const given = configuration.associatePublicIpAddress === true ? "true" : isUnknown(configuration.associatePublicIpAddress) ? "unknown until the update runs" : "unset";
            yield `associatePublicIpAddress is ${given}, so the group's instances may get public IP addresses; set it to false.`;
        }
    },
});

export const ec2ElasticIpNotOnInstance = resourceRule<ElasticIpInputs>({
    name: "ec2-eip-not-on-instance",
    description: "Elastic IPs are not associated with EC2 instances or their network interfaces (NAT gateways and load balancers take theirs by allocation).",
    severity: "high",
    category: "public-access",
    hipaa: PUBLIC_ACCESS_HIPAA,
    soc2: ["CC6.6"],
    remediation: "Remove the instance / networkInterface association; publish the service through a load balancer, or give a NAT gateway the address through allocationId.",
    resourceTypes: [COMPUTE.eip, COMPUTE.eipAssociation],
    anchors: { awsConfig: ["EC2_INSTANCE_NO_PUBLIC_IP"] },
    *check(address, { type }) {
        const [instance, networkInterface] = type === COMPUTE.eip ? ["instance", "networkInterface"] as const : ["instanceId", "networkInterfaceId"] as const;
        if (presentOrPending(address[instance])) {
            yield `${instance} is set, so the instance is reachable at the Elastic IP's public address.`;
        }
        if (presentOrPending(address[networkInterface])) {
            yield `${networkInterface} is set, so the network interface is reachable at the Elastic IP's public address.`;
        }
    },
});

export const ec2InstanceProfileAttached = resourceRule<InstanceInputs>({
    name: "ec2-instance-profile-attached",
    description: "EC2 instances run with an IAM instance profile, so software on them uses role credentials rather than stored keys.",
    severity: "medium",
    category: "access-control",
    hipaa: ["164.308(a)(3)(i)", "164.308(a)(4)(ii)(B)", "164.312(a)(1)"],
    soc2: ["CC6.1", "CC6.3"],
    remediation: "Set iamInstanceProfile to an instance profile whose role grants only what the instance needs.",
    resourceTypes: [COMPUTE.instance],
    anchors: { awsConfig: ["EC2_INSTANCE_PROFILE_ATTACHED"], cdkNag: ["EC2InstanceProfileAttached"] },
    *check(instance) {
        if (!presentOrPending(instance.iamInstanceProfile)) {
            yield "iamInstanceProfile is not set, so the instance has no role and its software needs long-lived credentials.";
        }
    },
});

export const ec2InstanceInVpc = resourceRule<InstanceInputs>({
    name: "ec2-instance-in-vpc",
    description: "EC2 instances are launched into a subnet the program chooses, not the default VPC.",
    severity: "medium",
    category: "network",
    hipaa: ["164.312(e)(1)"],
    soc2: ["CC6.6"],
    remediation: "Set subnetId to a private subnet of the platform's VPC (or primaryNetworkInterface to an interface in one).",
    resourceTypes: [COMPUTE.instance],
    anchors: { awsConfig: ["INSTANCES_IN_VPC"], cdkNag: ["EC2InstancesInVPC"] },
    *check(instance) {
        const primary = isKnown(instance.primaryNetworkInterface) ? instance.primaryNetworkInterface.networkInterfaceId : instance.primaryNetworkInterface;
        const interfaces = elements(instance.networkInterfaces);
        // EC2-Classic is gone, but an instance without a subnet lands in the default VPC's
        // default subnet, which assigns public IPs and is outside the platform's flow logs.
        if (!presentOrPending(instance.subnetId) && !presentOrPending(primary) && interfaces.known.length === 0 && !interfaces.hasUnknown) {
            yield "Neither subnetId nor a network interface is set, so the instance launches into the default VPC.";
        }
    },
});

export const ec2InstanceDetailedMonitoring = resourceRule<InstanceInputs & LaunchConfigurationInputs>({
    name: "ec2-instance-detailed-monitoring",
    description: "EC2 instances and launch configurations publish one-minute detailed monitoring metrics.",
    severity: "low",
    category: "logging",
    hipaa: ["164.312(b)"],
    soc2: ["CC7.2"],
    remediation: "Set monitoring to true on instances; leave enableMonitoring unset or true on launch configurations.",
    resourceTypes: [COMPUTE.instance, COMPUTE.launchConfiguration],
    anchors: { cdkNag: ["EC2InstanceDetailedMonitoringEnabled"] },
    *check(props, { type }) {
        if (type === COMPUTE.instance && props.monitoring !== true) {
            yield "monitoring is not true, so the instance reports only five-minute basic metrics.";
        }
        // Launch configurations enable detailed monitoring by default (enableMonitoring, @pulumi/aws 7.48.0, checked 2026-12-01).
        if (type === COMPUTE.launchConfiguration && (props.enableMonitoring === false || isUnknown(props.enableMonitoring))) {
            yield "enableMonitoring is not left on, so the group's instances report only five-minute basic metrics.";
        }
    },
});

export const ec2InstanceEbsOptimized = resourceRule<InstanceInputs & LaunchConfigurationInputs>({
    name: "ec2-instance-ebs-optimized",
    description: "Instance types that offer EBS optimisation without enabling it by default have it enabled.",
    severity: "low",
    category: "availability",
    hipaa: ["164.308(a)(7)(i)"],
    soc2: ["A1.1"],
    remediation: "Set ebsOptimized to true, or choose a current-generation instance type (EBS-optimised by default).",
    resourceTypes: [COMPUTE.instance, COMPUTE.launchConfiguration],
    anchors: { cdkNag: ["EC2EBSOptimizedInstance"] },
    *check(props) {
        if (props.ebsOptimized === true) return;
        if (isUnknown(props.instanceType)) {
            yield "instanceType is unknown until the update runs and ebsOptimized is not true, so EBS traffic may share the instance's network bandwidth.";
        } else if (isKnown(props.instanceType) && EBS_OPTIMIZABLE_TYPES.has(props.instanceType)) {
            yield `${props.instanceType} is not EBS-optimised unless ebsOptimized is true, so EBS traffic shares the instance's network bandwidth.`;
        }
    },
});

function finding(resource: StackResource, message: string): Finding {
    return { resource, message };
}

export const ec2InstancePolicies: ClinicalPolicy[] = [
    ec2InstanceImdsv2,
    ec2LaunchConfigurationImdsv2,
    ebsVolumeEncrypted,
    ec2InstanceEbsEncrypted,
    ec2LaunchConfigurationEbsEncrypted,
    ec2InstanceNoPublicIp,
    ec2LaunchConfigurationNoPublicIp,
    ec2ElasticIpNotOnInstance,
    ec2InstanceProfileAttached,
    ec2InstanceInVpc,
    ec2InstanceDetailedMonitoring,
    ec2InstanceEbsOptimized,
];
