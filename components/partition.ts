/**
 * ARNs of AWS-managed objects, in the partition the provider deploys to. Config validation refuses
 * regions outside the commercial partition today (stacks/regions.ts); deriving the partition keeps
 * components correct should that list ever grow.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

/** The ARN of an AWS-managed IAM policy, e.g. `service-role/AmazonRDSEnhancedMonitoringRole`. */
export function awsManagedPolicyArn(policyPath: string, opts?: pulumi.InvokeOutputOptions): pulumi.Output<string> {
    const partition = aws.getPartitionOutput({}, opts).partition;
    return pulumi.interpolate`arn:${partition}:iam::aws:policy/${policyPath}`;
}
