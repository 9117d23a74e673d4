/**
 * The `@pulumi/aws` namespaces the platform uses, imported one by one, so `import * as aws from
 * "./aws"` reads as before (`aws.ec2.Vpc`, `aws.types.input.s3…`) without loading the package index.
 *
 * Why: the 7.48.0 index (node_modules/@pulumi/aws/index.js, read 2026-12-01) requires all of its
 * ~250 namespace indexes up front, while each namespace index loads its own members lazily. On the
 * 2-core CI-sized machine (2026-12-01, load average 3–4, node -e in a fresh process after
 * @pulumi/pulumi, medians of 5): the whole index 173–219 ms, these namespaces 66–70 ms.
 *
 * What the index does besides: it registers the "aws" resource package (how the SDK rebuilds an
 * aws provider from a resource reference it receives); nothing here receives provider references,
 * and each namespace index below still registers its own resource module.
 *
 * A namespace missing here is a compile error at its use (`aws.<name>` does not exist): add it.
 */
export * as backup from "@pulumi/aws/backup";
export * as cfg from "@pulumi/aws/cfg";
export * as chatbot from "@pulumi/aws/chatbot";
export * as cloudfront from "@pulumi/aws/cloudfront";
export * as cloudtrail from "@pulumi/aws/cloudtrail";
export * as cloudwatch from "@pulumi/aws/cloudwatch";
export * as codebuild from "@pulumi/aws/codebuild";
export * as codeconnections from "@pulumi/aws/codeconnections";
export * as ebs from "@pulumi/aws/ebs";
export * as ec2 from "@pulumi/aws/ec2";
export * as eks from "@pulumi/aws/eks";
export * as elb from "@pulumi/aws/elb";
export * as guardduty from "@pulumi/aws/guardduty";
export * as iam from "@pulumi/aws/iam";
export * as kms from "@pulumi/aws/kms";
export * as lambda from "@pulumi/aws/lambda";
export * as lb from "@pulumi/aws/lb";
export * as rds from "@pulumi/aws/rds";
export * as s3 from "@pulumi/aws/s3";
export * as secretsmanager from "@pulumi/aws/secretsmanager";
export * as securityhub from "@pulumi/aws/securityhub";
export * as servicequotas from "@pulumi/aws/servicequotas";
export * as sns from "@pulumi/aws/sns";
export * as sqs from "@pulumi/aws/sqs";
export * as vpc from "@pulumi/aws/vpc";
export * as wafv2 from "@pulumi/aws/wafv2";
export type * as types from "@pulumi/aws/types";
export { getAvailabilityZonesOutput } from "@pulumi/aws/getAvailabilityZones";
export { getCallerIdentityOutput } from "@pulumi/aws/getCallerIdentity";
export { getPartitionOutput } from "@pulumi/aws/getPartition";
export { getRegionOutput } from "@pulumi/aws/getRegion";
export { Provider } from "@pulumi/aws/provider";
