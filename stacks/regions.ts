/**
 * Commercial (`aws` partition) regions a stack may be placed in. GovCloud (`aws-us-gov`) and China
 * (`aws-cn`) are refused: CloudFront, the platform's only entry point, is not offered in GovCloud,
 * and in China it is a separate service under its own accounts and licensing. Checked against the
 * AWS regional services list and the CloudFront documentation on 2026-12-01.
 */
export const AWS_REGIONS: readonly string[] = [
    "us-east-1", "us-east-2", "us-west-1", "us-west-2",
    "ca-central-1", "ca-west-1", "mx-central-1", "sa-east-1",
    "eu-central-1", "eu-central-2", "eu-west-1", "eu-west-2", "eu-west-3", "eu-south-1", "eu-south-2", "eu-north-1",
    "il-central-1", "me-south-1", "me-central-1", "af-south-1",
    "ap-east-1", "ap-east-2", "ap-south-1", "ap-south-2", "ap-northeast-1", "ap-northeast-2", "ap-northeast-3",
    "ap-southeast-1", "ap-southeast-2", "ap-southeast-3", "ap-southeast-4", "ap-southeast-5", "ap-southeast-6",
    "ap-southeast-7",
];

/** Regions of partitions the platform cannot serve, with the reason a user is told. */
export const UNSERVED_PARTITIONS: readonly { pattern: RegExp; partition: string; reason: string }[] = [
    {
        pattern: /^us-gov-/,
        partition: "aws-us-gov (GovCloud)",
        reason: "CloudFront, which serves the front end and the API, does not exist in GovCloud",
    },
    {
        pattern: /^cn-/,
        partition: "aws-cn (China)",
        reason: "CloudFront and ACM in China are separate services under their own accounts and ICP licensing",
    },
];

/** CloudFront only accepts viewer certificates issued in this region. */
export const CLOUDFRONT_CERTIFICATE_REGION = "us-east-1";

/**
 * Zone IDs where EKS refuses cluster subnets (`UnsupportedAvailabilityZoneException`). Zone names
 * map to different physical zones in each account; zone IDs do not, so these are excluded by ID.
 * Checked 2026-12-01: EKS's API reference documents the refusal (UnsupportedAvailabilityZoneException,
 * "a subnet in an Availability Zone that does not support Amazon EKS"); the zone IDs are those of the
 * EKS User Guide's subnet requirements (network-reqs.html#network-requirements-subnets) as eksctl
 * keeps them in its deny-list (pkg/az/az.go: us-east-1 use1-az3, us-west-1 usw1-az2, ca-central-1
 * cac1-az3; its cn-north-1 entry does not apply, China being refused above).
 */
export const EKS_UNSUPPORTED_ZONE_IDS: readonly string[] = ["use1-az3", "usw1-az2", "cac1-az3"];

/** Retention periods CloudWatch Logs accepts, in days. */
export const LOG_RETENTION_DAYS: readonly number[] = [
    1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
];
