import { type ComplianceMetadata, type Category, type Severity, mappingFromTags } from "../lib/metadata";
import type { ClinicalPolicy } from "../lib/policy";
import { albPolicies } from "./alb";
import { backupPolicies } from "./backup";
import { baselinePolicies } from "./baseline";
import { cloudtrailPolicies } from "./cloudtrail";
import { cloudfrontPolicies } from "./cloudfront";
import { cloudwatchPolicies } from "./cloudwatch";
import { ec2Policies } from "./ec2";
import { eksPolicies } from "./eks";
import { iamPolicies } from "./iam";
import { kmsPolicies } from "./kms";
import { kubernetesPolicies } from "./kubernetes";
import { lambdaPolicies } from "./lambda";
import { rdsPolicies } from "./rds";
import { s3Policies } from "./s3";
import { s3RecordsPolicies } from "./s3-records";
import { secretsmanagerPolicies } from "./secretsmanager";
import { securityGroupPolicies } from "./securitygroups";
import { snsPolicies } from "./sns";
import { vpcPolicies } from "./vpc";
import { wafPolicies } from "./waf";

/** The pack's policies by service, in the order the compliance matrix lists them. */
export const policiesByService: Readonly<Record<string, readonly ClinicalPolicy[]>> = {
    "RDS PostgreSQL": rdsPolicies,
    S3: s3Policies,
    "S3 notifications, copies and Object Lock": s3RecordsPolicies,
    CloudFront: cloudfrontPolicies,
    EKS: eksPolicies,
    "EC2 launch templates": ec2Policies,
    "Secrets Manager": secretsmanagerPolicies,
    KMS: kmsPolicies,
    CloudWatch: cloudwatchPolicies,
    SNS: snsPolicies,
    Lambda: lambdaPolicies,
    "Load balancers (ALB)": albPolicies,
    WAF: wafPolicies,
    VPC: vpcPolicies,
    "Security groups": securityGroupPolicies,
    IAM: iamPolicies,
    "AWS Backup and disaster recovery": backupPolicies,
    "Account baseline (CloudTrail)": cloudtrailPolicies,
    "Account baseline (GuardDuty, Config, EBS)": baselinePolicies,
    Kubernetes: kubernetesPolicies,
};

export const allPolicies: readonly ClinicalPolicy[] = Object.values(policiesByService).flat();

/** Citations, severity and remediation of every policy, by policy name. */
export const policyMetadata: Readonly<Record<string, ComplianceMetadata>> = Object.fromEntries(
    allPolicies.map((policy) => {
        const mapping = mappingFromTags(policy.tags ?? []);
        const metadata: ComplianceMetadata = {
            name: policy.name,
            description: policy.description,
            severity: policy.severity as Severity,
            category: mapping.category as Category,
            hipaa: mapping.hipaa,
            soc2: mapping.soc2,
            remediation: policy.remediationSteps ?? "",
            anchors: mapping.anchors,
        };
        return [policy.name, metadata];
    }),
);
