/**
 * Auto Scaling groups: a group that serves a load balancer replaces the instances the load
 * balancer finds unhealthy, whether the group names its target groups inline or is attached
 * to them by separate attachment resources.
 */
import { type ClinicalPolicy, stackRule } from "../lib/policy";
import { type StackResource, refersTo } from "../lib/stack";
import { COMPUTE } from "../lib/types";
import { type Maybe, elements, isKnown, isUnknown, present } from "../lib/values";

interface TrafficSource {
    identifier?: Maybe<string>;
    type?: Maybe<string>;
}

/** Inputs of `aws.autoscaling.Group` the rules read. */
export interface GroupInputs {
    name?: Maybe<string>;
    healthCheckType?: Maybe<string>;
    targetGroupArns?: Maybe<Maybe<string>[]>;
    loadBalancers?: Maybe<Maybe<string>[]>;
    trafficSources?: Maybe<Maybe<TrafficSource>[]>;
}

/** Inputs of `aws.autoscaling.Attachment` and `aws.autoscaling.TrafficSourceAttachment` the rules read. */
export interface GroupAttachmentInputs {
    autoscalingGroupName?: Maybe<string>;
    elb?: Maybe<string>;
    lbTargetGroupArn?: Maybe<string>;
    trafficSource?: Maybe<TrafficSource>;
}

/** Traffic source types that are load balancers ("elb", "elbv2"); VPC Lattice has its own health check type. */
function isLoadBalancerSource(source: Maybe<TrafficSource>): boolean {
    if (!isKnown(source)) {
        return true;
    }
    return !(present(source.type) && source.type === "vpc-lattice");
}

function servesLoadBalancerInline(group: GroupInputs): boolean {
    const listed = (list: Maybe<Maybe<string>[]>) => {
        const items = elements(list);
        return items.known.length > 0 || items.hasUnknown;
    };
    const sources = elements(group.trafficSources);
    return listed(group.targetGroupArns) || listed(group.loadBalancers) || sources.hasUnknown || sources.known.some(isLoadBalancerSource);
}

function attachedToLoadBalancer(attachment: StackResource, group: StackResource): boolean {
    const inputs = attachment.props<GroupAttachmentInputs>();
    if (attachment.type === COMPUTE.trafficSourceAttachment && !isLoadBalancerSource(inputs.trafficSource)) {
        return false;
    }
    // A group's id is its name.
    return refersTo(attachment, "autoscalingGroupName", group, ["name", "id"]);
}

export const autoscalingGroupElbHealthCheck = stackRule({
    name: "autoscaling-group-elb-health-check",
    description: "Auto Scaling groups behind a load balancer use its health checks, so instances that stop serving are replaced.",
    severity: "medium",
    category: "availability",
    hipaa: ["164.308(a)(7)(i)", "164.308(a)(7)(ii)(C)"],
    soc2: ["A1.2"],
    remediation: 'Set healthCheckType to "ELB" (and a healthCheckGracePeriod long enough for the application to start).',
    resourceTypes: [COMPUTE.autoscalingGroup],
    anchors: { awsConfig: ["AUTOSCALING_GROUP_ELB_HEALTHCHECK_REQUIRED"], cdkNag: ["AutoScalingGroupELBHealthCheckRequired"] },
    *check(stack) {
        const attachments = stack.ofType(COMPUTE.autoscalingAttachment, COMPUTE.trafficSourceAttachment);
        for (const group of stack.ofType(COMPUTE.autoscalingGroup)) {
            const inputs = group.props<GroupInputs>();
            const served = servesLoadBalancerInline(inputs) || attachments.some((attachment) => attachedToLoadBalancer(attachment, group));
            if (served && !(present(inputs.healthCheckType) && inputs.healthCheckType === "ELB")) {
                const type = inputs.healthCheckType;
                const given = present(type) ? `"${type}"` : isUnknown(type) ? "unknown until the update runs" : "not set (EC2)";
                yield {
                    resource: group,
                    message: `The group serves a load balancer but healthCheckType is ${given}, so instances failing the load balancer's health check stay in service.`,
                };
            }
        }
    },
});

export const autoscalingPolicies: ClinicalPolicy[] = [autoscalingGroupElbHealthCheck];
