import { COMPUTE, EC2 } from "../../../policies/lib/types";
import * as lt from "../../../policies/rules/ec2";
import * as rules from "../../../policies/rules/ec2-instances";
import { describeResourcePolicy, describeStackPolicy } from "../harness/cases";
import { type TestResource, UNKNOWN_VALUE as UNKNOWN, resource } from "../harness/server";

const dataKey = resource("aws:kms/key:Key", "data-key", { enableKeyRotation: true });
const privateSubnet = resource(EC2.subnet, "private-a", { vpcId: UNKNOWN, mapPublicIpOnLaunch: false });
const publicSubnet = resource(EC2.subnet, "public-a", { vpcId: UNKNOWN, mapPublicIpOnLaunch: true });
const profile = resource("aws:iam/instanceProfile:InstanceProfile", "bastion-profile", { role: UNKNOWN });

/** A compliant instance: private subnet, profile, IMDSv2, encrypted volumes under the data key, monitoring. */
const instance = (inputs: Record<string, unknown> = {}, references: Record<string, TestResource | TestResource[]> = {}) =>
    resource(COMPUTE.instance, "worker", {
        ami: "ami-0123456789abcdef0",
        instanceType: "m7g.large",
        subnetId: UNKNOWN,
        associatePublicIpAddress: false,
        iamInstanceProfile: UNKNOWN,
        monitoring: true,
        metadataOptions: { httpTokens: "required", httpEndpoint: "enabled" },
        rootBlockDevice: { encrypted: true, kmsKeyId: UNKNOWN, volumeSize: 20 },
        ebsBlockDevices: [{ deviceName: "/dev/sdf", encrypted: true, kmsKeyId: UNKNOWN, volumeSize: 100 }],
        ...inputs,
    }, { subnetId: privateSubnet, iamInstanceProfile: profile, rootBlockDevice: dataKey, ebsBlockDevices: dataKey, ...references });

const template = (name: string, inputs: Record<string, unknown>) => resource(EC2.launchTemplate, name, { name, ...inputs });
const secureTemplate = template("workers", {
    metadataOptions: { httpTokens: "required" },
    blockDeviceMappings: [{ deviceName: "/dev/xvda", ebs: { encrypted: "true", kmsKeyId: UNKNOWN } }],
});
const fromTemplate = (chosen: TestResource, inputs: Record<string, unknown> = {}) =>
    instance({ metadataOptions: undefined, rootBlockDevice: undefined, ebsBlockDevices: undefined, launchTemplate: { id: UNKNOWN, version: "$Latest" }, ...inputs }, { launchTemplate: chosen });

const launchConfiguration = (inputs: Record<string, unknown> = {}) =>
    resource(COMPUTE.launchConfiguration, "workers-lc", {
        imageId: "ami-0123456789abcdef0",
        instanceType: "m7g.large",
        associatePublicIpAddress: false,
        metadataOptions: { httpTokens: "required" },
        rootBlockDevice: { encrypted: true, volumeSize: 20 },
        ebsBlockDevices: [{ deviceName: "/dev/sdf", encrypted: true }],
        ...inputs,
    });

const volume = (inputs: Record<string, unknown> = {}) =>
    resource(COMPUTE.volume, "data-volume", { availabilityZone: "eu-west-1a", size: 100, encrypted: true, kmsKeyId: UNKNOWN, ...inputs }, { kmsKeyId: dataKey });

describe("EC2 instance, EBS volume and launch configuration policies", () => {
    describeStackPolicy(rules.ec2InstanceImdsv2, {
        accepts: {
            "an instance requiring IMDSv2 tokens": [instance()],
            "an instance with the metadata endpoint disabled": [instance({ metadataOptions: { httpEndpoint: "disabled" } })],
            "an instance taking its metadata options from the stack's template that requires tokens": [secureTemplate, fromTemplate(secureTemplate)],
        },
        notApplicable: { "a stack without instances": [secureTemplate] },
        rejects: {
            "an instance allowing IMDSv1": {
                resources: [instance({ metadataOptions: { httpTokens: "optional" } })],
                offenders: ["worker"],
                message: /metadataOptions.httpTokens is not "required"/,
            },
            "an instance whose metadata options are unknown in preview": {
                resources: [instance({ metadataOptions: UNKNOWN })],
                offenders: ["worker"],
                message: /IMDSv1 lets any SSRF/,
            },
            "an instance from a template of the stack that allows IMDSv1": {
                resources: [template("legacy", { metadataOptions: { httpTokens: "optional" } }), fromTemplate(template("legacy", {}))],
                offenders: ["worker"],
                message: /launch template legacy does not require IMDSv2/,
            },
            "an instance from a template the stack does not declare": {
                resources: [instance({ metadataOptions: undefined, launchTemplate: { name: "shared-template" } })],
                offenders: ["worker"],
                message: /template this stack does not declare/,
            },
        },
    });

    describeResourcePolicy(rules.ec2LaunchConfigurationImdsv2, {
        accepts: { "a launch configuration requiring IMDSv2 tokens": launchConfiguration() },
        rejects: {
            "a launch configuration without metadata options": [launchConfiguration({ metadataOptions: undefined }), /answer IMDSv1 requests/],
            "a launch configuration with an empty token setting": [launchConfiguration({ metadataOptions: { httpTokens: "" } }), /not "required"/],
        },
    });

    describeResourcePolicy(rules.ebsVolumeEncrypted, {
        accepts: {
            "a volume under the data key (unknown in preview)": volume(),
            "a volume under a known customer-managed key": volume({ kmsKeyId: "arn:aws:kms:eu-west-1:123456789012:key/data" }),
        },
        rejects: {
            "an unencrypted volume": [volume({ encrypted: false }), /The volume is not encrypted/],
            "a volume encrypted with the AWS managed key": [volume({ kmsKeyId: undefined }), /no kmsKeyId/],
            "a volume whose encryption flag is unknown in preview": [volume({ encrypted: UNKNOWN }), /not encrypted/],
            "a volume with an empty key id": [volume({ kmsKeyId: "" }), /no kmsKeyId/],
        },
    });

    describeStackPolicy(rules.ec2InstanceEbsEncrypted, {
        accepts: {
            "an instance whose root and data volumes are under the data key": [instance()],
            "an instance whose root volume comes from the stack's template": [secureTemplate, fromTemplate(secureTemplate)],
        },
        notApplicable: { "a stack without instances": [volume()] },
        rejects: {
            "an unencrypted root volume": {
                resources: [instance({ rootBlockDevice: { encrypted: false, kmsKeyId: UNKNOWN } })],
                offenders: ["worker"],
                message: /root volume \(rootBlockDevice\) is not encrypted/,
            },
            "a data volume under the AWS managed key": {
                resources: [instance({ ebsBlockDevices: [{ deviceName: "/dev/sdf", encrypted: true }] })],
                offenders: ["worker"],
                message: /\/dev\/sdf \(ebsBlockDevices\) has no kmsKeyId/,
            },
            "an instance that declares no root volume": {
                resources: [instance({ rootBlockDevice: undefined })],
                offenders: ["worker"],
                message: /declares no rootBlockDevice/,
            },
            "an instance from a template the stack does not declare, without a root volume": {
                resources: [instance({ rootBlockDevice: undefined, launchTemplate: { name: "shared-template" } })],
                offenders: ["worker"],
                message: /declares no rootBlockDevice/,
            },
        },
    });

    describeResourcePolicy(rules.ec2LaunchConfigurationEbsEncrypted, {
        accepts: {
            "a launch configuration with encrypted volumes": launchConfiguration(),
            "a launch configuration suppressing an AMI device": launchConfiguration({ ebsBlockDevices: [{ deviceName: "/dev/sdg", noDevice: true }] }),
        },
        rejects: {
            "an unencrypted root volume": [launchConfiguration({ rootBlockDevice: { encrypted: false } }), /root volume \(rootBlockDevice\) is not encrypted/],
            "no root volume": [launchConfiguration({ rootBlockDevice: undefined }), /declares no known rootBlockDevice/],
            "an unencrypted data volume": [launchConfiguration({ ebsBlockDevices: [{ deviceName: "/dev/sdf" }] }), /\/dev\/sdf \(ebsBlockDevices\) is not encrypted/],
        },
    });

    describeStackPolicy(rules.ec2InstanceNoPublicIp, {
        accepts: {
            "an instance in a private subnet without a public IP": [privateSubnet, instance()],
            "an instance that declines a public IP in a subnet that maps them": [publicSubnet, instance({}, { subnetId: publicSubnet })],
            "an instance leaving the flag unset in a private subnet": [privateSubnet, instance({ associatePublicIpAddress: undefined })],
        },
        notApplicable: { "a stack without instances": [publicSubnet] },
        rejects: {
            "an instance asking for a public IP": {
                resources: [privateSubnet, instance({ associatePublicIpAddress: true })],
                offenders: ["worker"],
                message: /associatePublicIpAddress is true/,
            },
            "an instance whose flag is unknown in preview": {
                resources: [privateSubnet, instance({ associatePublicIpAddress: UNKNOWN })],
                offenders: ["worker"],
                message: /unknown until the update runs/,
            },
            "an instance inheriting its subnet's public IP default": {
                resources: [publicSubnet, instance({ associatePublicIpAddress: undefined }, { subnetId: publicSubnet })],
                offenders: ["worker"],
                message: /subnet public-a may map public IPs on launch/,
            },
            "an instance leaving the flag unset in a subnet the stack does not declare": {
                resources: [privateSubnet, instance({ associatePublicIpAddress: undefined, subnetId: "subnet-0abc" }, { subnetId: [] })],
                offenders: ["worker"],
                message: /subnet is not one of this stack/,
            },
        },
    });

    describeResourcePolicy(lt.ec2LaunchTemplateNoPublicIp, {
        accepts: {
            "a template whose interface declines a public IP": template("workers", { networkInterfaces: [{ deviceIndex: 0, associatePublicIpAddress: "false" }] }),
            "a template leaving networking to the subnet": secureTemplate,
        },
        rejects: {
            "a template asking for a public IP": [template("workers", { networkInterfaces: [{ deviceIndex: 0, associatePublicIpAddress: "true" }] }), /networkInterfaces\[0\].associatePublicIpAddress is "true"/],
            "a template whose flag is unknown in preview": [template("workers", { networkInterfaces: [{ associatePublicIpAddress: UNKNOWN }] }), /may assign a public IP/],
        },
    });

    describeResourcePolicy(rules.ec2LaunchConfigurationNoPublicIp, {
        accepts: { "a launch configuration declining public IPs": launchConfiguration() },
        rejects: {
            "a launch configuration asking for public IPs": [launchConfiguration({ associatePublicIpAddress: true }), /associatePublicIpAddress is true/],
            "a launch configuration leaving it to the subnet": [launchConfiguration({ associatePublicIpAddress: undefined }), /associatePublicIpAddress is unset/],
        },
    });

    describeResourcePolicy(rules.ec2ElasticIpNotOnInstance, {
        accepts: { "a NAT gateway's address, allocated by the gateway": resource(COMPUTE.eip, "nat-1", { domain: "vpc" }) },
        rejects: {
            "an address on an instance": [resource(COMPUTE.eip, "bastion-ip", { domain: "vpc", instance: UNKNOWN }), /instance is set/],
            "an address on a network interface": [resource(COMPUTE.eip, "eni-ip", { domain: "vpc", networkInterface: "eni-0abc" }), /networkInterface is set/],
            "an association with an instance": [resource(COMPUTE.eipAssociation, "assoc", { allocationId: UNKNOWN, instanceId: UNKNOWN }), /instanceId is set/],
            "an association with a network interface": [resource(COMPUTE.eipAssociation, "assoc", { allocationId: UNKNOWN, networkInterfaceId: "eni-0abc" }), /networkInterfaceId is set/],
        },
    });

    describeResourcePolicy(rules.ec2InstanceProfileAttached, {
        accepts: { "an instance with a profile (unknown in preview)": instance() },
        rejects: {
            "an instance without a profile": [instance({ iamInstanceProfile: undefined }), /iamInstanceProfile is not set/],
            "an instance with an empty profile name": [instance({ iamInstanceProfile: "" }), /iamInstanceProfile is not set/],
        },
    });

    describeResourcePolicy(rules.ec2InstanceInVpc, {
        accepts: {
            "an instance in a subnet": instance(),
            "an instance on a network interface": instance({ subnetId: undefined, primaryNetworkInterface: { networkInterfaceId: UNKNOWN } }),
        },
        rejects: { "an instance without a subnet": [instance({ subnetId: undefined }), /launches into the default VPC/] },
    });

    describeResourcePolicy(rules.ec2InstanceDetailedMonitoring, {
        accepts: {
            "an instance with detailed monitoring": instance(),
            "a launch configuration leaving detailed monitoring on": launchConfiguration(),
        },
        rejects: {
            "an instance with basic monitoring": [instance({ monitoring: undefined }), /monitoring is not true/],
            "a launch configuration turning it off": [launchConfiguration({ enableMonitoring: false }), /enableMonitoring is not left on/],
        },
    });

    describeResourcePolicy(rules.ec2InstanceEbsOptimized, {
        accepts: {
            "an old type with EBS optimisation on": instance({ instanceType: "m3.xlarge", ebsOptimized: true }),
            "a current type, optimised by default": instance(),
        },
        rejects: {
            "an old type without EBS optimisation": [instance({ instanceType: "m3.xlarge" }), /m3.xlarge is not EBS-optimised unless ebsOptimized is true/],
            "a launch configuration of an old type": [launchConfiguration({ instanceType: "c3.2xlarge", ebsOptimized: false }), /c3.2xlarge/],
            "a type unknown in preview": [instance({ instanceType: UNKNOWN }), /instanceType is unknown/],
        },
    });
});
