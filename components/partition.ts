/**
 * ARNs of AWS-managed objects, in the partition the provider deploys to. Config validation refuses
 * regions outside the commercial partition today (stacks/regions.ts); deriving the partition keeps
 * components correct should that list ever grow.
 */
import * as aws from "./aws";
import * as pulumi from "@pulumi/pulumi";

/** `arn:<partition>:iam::aws:policy/<path>`, e.g. path `service-role/AmazonRDSEnhancedMonitoringRole`. */
export function iamManagedPolicyArn(partition: pulumi.Input<string>, policyPath: string): pulumi.Output<string> {
    return pulumi.interpolate`arn:${partition}:iam::aws:policy/${policyPath}`;
}

/** `arn:<partition>:eks::aws:cluster-access-policy/<name>`, an EKS access policy for access entries. */
export function eksAccessPolicyArn(partition: pulumi.Input<string>, name: string): pulumi.Output<string> {
    return pulumi.interpolate`arn:${partition}:eks::aws:cluster-access-policy/${name}`;
}

/** The ARN of one AWS-managed IAM policy, looking the partition up once for it. */
export function awsManagedPolicyArn(policyPath: string, opts?: pulumi.InvokeOutputOptions): pulumi.Output<string> {
    return iamManagedPolicyArn(aws.getPartitionOutput({}, opts).partition, policyPath);
}
