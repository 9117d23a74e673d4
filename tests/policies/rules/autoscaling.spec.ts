import { COMPUTE, LB } from "../../../policies/lib/types";
import * as rules from "../../../policies/rules/autoscaling";
import { describeStackPolicy } from "../harness/cases";
import { type TestResource, UNKNOWN_VALUE as UNKNOWN, resource } from "../harness/server";

const targetGroup = resource(LB.targetGroup[0], "workers-tg", { port: 8443, protocol: "HTTPS" });
const group = (inputs: Record<string, unknown> = {}, references: Record<string, TestResource | TestResource[]> = {}) =>
    resource(COMPUTE.autoscalingGroup, "workers", {
        name: "workers",
        minSize: 2,
        maxSize: 6,
        vpcZoneIdentifiers: [UNKNOWN, UNKNOWN],
        launchTemplate: { id: UNKNOWN, version: "$Latest" },
        targetGroupArns: [UNKNOWN],
        healthCheckType: "ELB",
        healthCheckGracePeriod: 120,
        ...inputs,
    }, { targetGroupArns: targetGroup, ...references });
const detached = (inputs: Record<string, unknown> = {}) => group({ targetGroupArns: undefined, ...inputs }, { targetGroupArns: [] });

describe("Auto Scaling policies", () => {
    describeStackPolicy(rules.autoscalingGroupElbHealthCheck, {
        accepts: {
            "a group whose only traffic source is VPC Lattice": [detached({ healthCheckType: "VPC_LATTICE", trafficSources: [{ identifier: "arn:aws:vpc-lattice:tg", type: "vpc-lattice" }] })],
            "a group serving no load balancer": [detached({ healthCheckType: "EC2" })],
            "a group in a target group with ELB health checks": [targetGroup, group()],
            "a group attached by a separate attachment, with ELB health checks": [
                targetGroup,
                detached(),
                resource(COMPUTE.autoscalingAttachment, "workers-attach", { autoscalingGroupName: UNKNOWN, lbTargetGroupArn: UNKNOWN }, { autoscalingGroupName: detached(), lbTargetGroupArn: targetGroup }),
            ],
        },
        rejects: {
            "a group in a target group on EC2 health checks": {
                resources: [targetGroup, group({ healthCheckType: undefined })],
                offenders: ["workers"],
                message: /healthCheckType is not set \(EC2\)/,
            },
            "a group attached by a separate attachment, on EC2 health checks": {
                resources: [targetGroup, detached({ healthCheckType: "EC2" }), resource(COMPUTE.autoscalingAttachment, "workers-attach", { autoscalingGroupName: "workers", elb: "legacy-clb" })],
                offenders: ["workers"],
                message: /healthCheckType is "EC2"/,
            },
            "a group behind a Classic Load Balancer traffic source": {
                resources: [detached({ healthCheckType: "EC2" }), resource(COMPUTE.trafficSourceAttachment, "workers-clb", { autoscalingGroupName: "workers", trafficSource: { identifier: "legacy-clb", type: "elb" } })],
                offenders: ["workers"],
                message: /serves a load balancer/,
            },
        },
    });
});
