import { type ComplianceMetadata, type Category, type Severity, mappingFromTags } from "../lib/metadata";
import type { ClinicalPolicy } from "../lib/policy";
import { albPolicies } from "./alb";
import { apigatewayPolicies } from "./apigateway";
import { autoscalingPolicies } from "./autoscaling";
import { backupPolicies } from "./backup";
import { baselinePolicies } from "./baseline";
import { beanstalkPolicies } from "./beanstalk";
import { cloudfrontPolicies } from "./cloudfront";
import { cloudtrailPolicies } from "./cloudtrail";
import { cloudwatchPolicies } from "./cloudwatch";
import { codebuildPolicies } from "./codebuild";
import { dmsPolicies } from "./dms";
import { dynamodbPolicies } from "./dynamodb";
import { ec2Policies } from "./ec2";
import { ec2InstancePolicies } from "./ec2-instances";
import { ecrPolicies } from "./ecr";
import { ecsPolicies } from "./ecs";
import { efsPolicies } from "./efs";
import { eksPolicies } from "./eks";
import { elasticachePolicies } from "./elasticache";
import { elbClassicPolicies } from "./elb-classic";
import { emrPolicies } from "./emr";
import { iamPolicies } from "./iam";
import { kinesisPolicies } from "./kinesis";
import { kmsPolicies } from "./kms";
import { kubernetesPolicies } from "./kubernetes";
import { lambdaPolicies } from "./lambda";
import { opensearchPolicies } from "./opensearch";
import { rdsPolicies } from "./rds";
import { redshiftPolicies } from "./redshift";
import { s3Policies } from "./s3";
import { s3RecordsPolicies } from "./s3-records";
import { sagemakerPolicies } from "./sagemaker";
import { secretsmanagerPolicies } from "./secretsmanager";
import { securityGroupPolicies } from "./securitygroups";
import { snsPolicies } from "./sns";
import { sqsPolicies } from "./sqs";
import { ssmPolicies } from "./ssm";
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
    "API Gateway": apigatewayPolicies,
    CodeBuild: codebuildPolicies,
    "ECS task definitions": ecsPolicies,
    "Elastic Beanstalk": beanstalkPolicies,
    "Systems Manager documents": ssmPolicies,
    "Load balancers (ALB)": albPolicies,
    WAF: wafPolicies,
    VPC: vpcPolicies,
    "Security groups": securityGroupPolicies,
    IAM: iamPolicies,
    "AWS Backup and disaster recovery": backupPolicies,
    "Account baseline (CloudTrail)": cloudtrailPolicies,
    "Account baseline (GuardDuty, Config, EBS)": baselinePolicies,
    Kubernetes: kubernetesPolicies,
    "EC2 instances, EBS volumes and launch configurations": ec2InstancePolicies,
    "Auto Scaling groups": autoscalingPolicies,
    "Classic Load Balancers": elbClassicPolicies,
    EMR: emrPolicies,
    DMS: dmsPolicies,
    "OpenSearch and Elasticsearch": opensearchPolicies,
    Redshift: redshiftPolicies,
    DynamoDB: dynamodbPolicies,
    ElastiCache: elasticachePolicies,
    EFS: efsPolicies,
    Kinesis: kinesisPolicies,
    SageMaker: sagemakerPolicies,
    SQS: sqsPolicies,
    ECR: ecrPolicies,
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
