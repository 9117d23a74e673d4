/**
 * The two HIPAA anchors of the pack, as data: every control of each that can be judged before
 * deployment, so that coverage is measured against a fixed list rather than remembered.
 *
 * Sources (facts only; checked 2026-12-01):
 * - AWS Config conformance pack "Operational Best Practices for HIPAA Security":
 *   awslabs/aws-config-rules, aws-config-conformance-packs/Operational-Best-Practices-for-HIPAA-Security.yaml,
 *   as of 2026-04-09 (130 managed rules, identified by their `SourceIdentifier`).
 * - cdk-nag 3.0.2 `HIPAA.Security` (lib/packs/hipaa-security of the npm package): 90 rules.
 *
 * Class, as judged in a Pulumi program (not in CloudFormation):
 * - A: judgeable from one resource's inputs (a resource rule);
 * - B: judgeable only from the whole stack, as a relation between resources or as the required
 *   existence of one (a stack rule);
 * - C: run-time or account state only; out of reach of a preview, listed in OUT_OF_SCOPE with the
 *   reason and not counted.
 *
 * Counted once, the pre-deployment controls are the 112 Config rules of class A or B plus the 16 cdk-nag
 * rules whose documented Config counterpart is not in the conformance pack: 128. A cdk-nag rule whose
 * counterpart is in the pack (`sameAs`) is the same control under its cdk-nag name; a policy names both.
 */

export type AnchorName = "awsConfig" | "cdkNag";

export interface AnchorControl {
    anchor: AnchorName;
    /** Config: the managed rule's SourceIdentifier (e.g. CLOUD_TRAIL_ENABLED); cdk-nag: the rule name. */
    id: string;
    /** The AWS service (group) the control concerns. */
    service: string;
    class: "A" | "B";
    /** cdk-nag only: the Config identifier of the same control, when that rule is in the conformance pack. */
    sameAs?: string;
    /** cdk-nag only: the Config managed rule the cdk-nag rule documents itself against, when it is not in the pack. */
    documentedAgainst?: string;
}

export interface OutOfScopeControl {
    anchor: AnchorName;
    id: string;
    service: string;
    /** Why no preview can judge it. */
    reason: string;
}

export const AWS_CONFIG_CONTROLS: readonly AnchorControl[] = [
    { anchor: "awsConfig", id: "ALB_HTTP_TO_HTTPS_REDIRECTION_CHECK", service: "ELBv2 (ALB/NLB)", class: "A" },
    { anchor: "awsConfig", id: "ALB_WAF_ENABLED", service: "ELBv2 (ALB/NLB)", class: "B" },
    { anchor: "awsConfig", id: "API_GW_ASSOCIATED_WITH_WAF", service: "API Gateway", class: "B" },
    { anchor: "awsConfig", id: "API_GW_EXECUTION_LOGGING_ENABLED", service: "API Gateway", class: "B" },
    { anchor: "awsConfig", id: "API_GW_SSL_ENABLED", service: "API Gateway", class: "A" },
    { anchor: "awsConfig", id: "AURORA_RESOURCES_PROTECTED_BY_BACKUP_PLAN", service: "AWS Backup", class: "B" },
    { anchor: "awsConfig", id: "AUTOSCALING_GROUP_ELB_HEALTHCHECK_REQUIRED", service: "EC2 instances / Auto Scaling", class: "A" },
    { anchor: "awsConfig", id: "AUTOSCALING_LAUNCH_CONFIG_PUBLIC_IP_DISABLED", service: "EC2 instances / Auto Scaling", class: "A" },
    { anchor: "awsConfig", id: "BACKUP_PLAN_MIN_FREQUENCY_AND_MIN_RETENTION_CHECK", service: "AWS Backup", class: "A" },
    { anchor: "awsConfig", id: "BACKUP_RECOVERY_POINT_MANUAL_DELETION_DISABLED", service: "AWS Backup", class: "B" },
    { anchor: "awsConfig", id: "CLOUD_TRAIL_CLOUD_WATCH_LOGS_ENABLED", service: "CloudTrail", class: "A" },
    { anchor: "awsConfig", id: "CLOUD_TRAIL_ENABLED", service: "CloudTrail", class: "B" },
    { anchor: "awsConfig", id: "CLOUD_TRAIL_ENCRYPTION_ENABLED", service: "CloudTrail", class: "A" },
    { anchor: "awsConfig", id: "CLOUD_TRAIL_LOG_FILE_VALIDATION_ENABLED", service: "CloudTrail", class: "A" },
    { anchor: "awsConfig", id: "CLOUDTRAIL_S3_DATAEVENTS_ENABLED", service: "CloudTrail", class: "B" },
    { anchor: "awsConfig", id: "CLOUDWATCH_ALARM_ACTION_CHECK", service: "CloudWatch", class: "A" },
    { anchor: "awsConfig", id: "CODEBUILD_PROJECT_ENVVAR_AWSCRED_CHECK", service: "CodeBuild", class: "A" },
    { anchor: "awsConfig", id: "CODEBUILD_PROJECT_SOURCE_REPO_URL_CHECK", service: "CodeBuild", class: "A" },
    { anchor: "awsConfig", id: "DB_INSTANCE_BACKUP_ENABLED", service: "RDS", class: "A" },
    { anchor: "awsConfig", id: "DMS_REPLICATION_NOT_PUBLIC", service: "DMS", class: "A" },
    { anchor: "awsConfig", id: "DYNAMODB_AUTOSCALING_ENABLED", service: "DynamoDB", class: "B" },
    { anchor: "awsConfig", id: "DYNAMODB_IN_BACKUP_PLAN", service: "AWS Backup", class: "B" },
    { anchor: "awsConfig", id: "DYNAMODB_PITR_ENABLED", service: "DynamoDB", class: "A" },
    { anchor: "awsConfig", id: "EBS_IN_BACKUP_PLAN", service: "AWS Backup", class: "B" },
    { anchor: "awsConfig", id: "EC2_EBS_ENCRYPTION_BY_DEFAULT", service: "EBS", class: "B" },
    { anchor: "awsConfig", id: "EC2_IMDSV2_CHECK", service: "EC2 instances / Auto Scaling", class: "A" },
    { anchor: "awsConfig", id: "EC2_INSTANCE_NO_PUBLIC_IP", service: "EC2 instances / Auto Scaling", class: "A" },
    { anchor: "awsConfig", id: "EC2_INSTANCE_PROFILE_ATTACHED", service: "EC2 instances / Auto Scaling", class: "A" },
    { anchor: "awsConfig", id: "EC2_RESOURCES_PROTECTED_BY_BACKUP_PLAN", service: "AWS Backup", class: "B" },
    { anchor: "awsConfig", id: "ECS_CONTAINERS_READONLY_ACCESS", service: "ECS", class: "A" },
    { anchor: "awsConfig", id: "ECS_TASK_DEFINITION_USER_FOR_HOST_MODE_CHECK", service: "ECS", class: "A" },
    { anchor: "awsConfig", id: "EFS_ENCRYPTED_CHECK", service: "EFS", class: "A" },
    { anchor: "awsConfig", id: "EFS_IN_BACKUP_PLAN", service: "AWS Backup", class: "B" },
    { anchor: "awsConfig", id: "ELASTIC_BEANSTALK_MANAGED_UPDATES_ENABLED", service: "Elastic Beanstalk", class: "A" },
    { anchor: "awsConfig", id: "ELASTICACHE_REDIS_CLUSTER_AUTOMATIC_BACKUP_CHECK", service: "ElastiCache", class: "A" },
    { anchor: "awsConfig", id: "ELASTICSEARCH_ENCRYPTED_AT_REST", service: "OpenSearch / Elasticsearch", class: "A" },
    { anchor: "awsConfig", id: "ELASTICSEARCH_IN_VPC_ONLY", service: "OpenSearch / Elasticsearch", class: "A" },
    { anchor: "awsConfig", id: "ELASTICSEARCH_LOGS_TO_CLOUDWATCH", service: "OpenSearch / Elasticsearch", class: "A" },
    { anchor: "awsConfig", id: "ELASTICSEARCH_NODE_TO_NODE_ENCRYPTION_CHECK", service: "OpenSearch / Elasticsearch", class: "A" },
    { anchor: "awsConfig", id: "ELB_ACM_CERTIFICATE_REQUIRED", service: "Classic Load Balancer", class: "A" },
    { anchor: "awsConfig", id: "ELB_CROSS_ZONE_LOAD_BALANCING_ENABLED", service: "Classic Load Balancer", class: "A" },
    { anchor: "awsConfig", id: "ELB_DELETION_PROTECTION_ENABLED", service: "ELBv2 (ALB/NLB)", class: "A" },
    { anchor: "awsConfig", id: "ELB_LOGGING_ENABLED", service: "ELBv2 (ALB/NLB)", class: "A" },
    { anchor: "awsConfig", id: "ELB_PREDEFINED_SECURITY_POLICY_SSL_CHECK", service: "Classic Load Balancer", class: "B" },
    { anchor: "awsConfig", id: "ELB_TLS_HTTPS_LISTENERS_ONLY", service: "Classic Load Balancer", class: "A" },
    { anchor: "awsConfig", id: "ELBV2_ACM_CERTIFICATE_REQUIRED", service: "ELBv2 (ALB/NLB)", class: "A" },
    { anchor: "awsConfig", id: "EMR_KERBEROS_ENABLED", service: "EMR", class: "A" },
    { anchor: "awsConfig", id: "EMR_MASTER_NO_PUBLIC_IP", service: "EMR", class: "B" },
    { anchor: "awsConfig", id: "ENCRYPTED_VOLUMES", service: "EBS", class: "A" },
    { anchor: "awsConfig", id: "GUARDDUTY_ENABLED_CENTRALIZED", service: "GuardDuty / Security Hub", class: "B" },
    { anchor: "awsConfig", id: "IAM_CUSTOMER_POLICY_BLOCKED_KMS_ACTIONS", service: "IAM", class: "A" },
    { anchor: "awsConfig", id: "IAM_INLINE_POLICY_BLOCKED_KMS_ACTIONS", service: "IAM", class: "A" },
    { anchor: "awsConfig", id: "IAM_NO_INLINE_POLICY_CHECK", service: "IAM", class: "A" },
    { anchor: "awsConfig", id: "IAM_PASSWORD_POLICY", service: "IAM", class: "A" },
    { anchor: "awsConfig", id: "IAM_POLICY_NO_STATEMENTS_WITH_ADMIN_ACCESS", service: "IAM", class: "A" },
    { anchor: "awsConfig", id: "IAM_POLICY_NO_STATEMENTS_WITH_FULL_ACCESS", service: "IAM", class: "A" },
    { anchor: "awsConfig", id: "IAM_USER_NO_POLICIES_CHECK", service: "IAM", class: "A" },
    { anchor: "awsConfig", id: "INCOMING_SSH_DISABLED", service: "VPC / security groups", class: "A" },
    { anchor: "awsConfig", id: "INSTANCES_IN_VPC", service: "EC2 instances / Auto Scaling", class: "A" },
    { anchor: "awsConfig", id: "INTERNET_GATEWAY_AUTHORIZED_VPC_ONLY", service: "VPC / security groups", class: "A" },
    { anchor: "awsConfig", id: "KINESIS_STREAM_ENCRYPTED", service: "Kinesis", class: "A" },
    { anchor: "awsConfig", id: "LAMBDA_FUNCTION_PUBLIC_ACCESS_PROHIBITED", service: "Lambda", class: "A" },
    { anchor: "awsConfig", id: "MULTI_REGION_CLOUD_TRAIL_ENABLED", service: "CloudTrail", class: "B" },
    { anchor: "awsConfig", id: "NO_UNRESTRICTED_ROUTE_TO_IGW", service: "VPC / security groups", class: "A" },
    { anchor: "awsConfig", id: "OPENSEARCH_ENCRYPTED_AT_REST", service: "OpenSearch / Elasticsearch", class: "A" },
    { anchor: "awsConfig", id: "OPENSEARCH_HTTPS_REQUIRED", service: "OpenSearch / Elasticsearch", class: "A" },
    { anchor: "awsConfig", id: "OPENSEARCH_IN_VPC_ONLY", service: "OpenSearch / Elasticsearch", class: "A" },
    { anchor: "awsConfig", id: "OPENSEARCH_LOGS_TO_CLOUDWATCH", service: "OpenSearch / Elasticsearch", class: "A" },
    { anchor: "awsConfig", id: "OPENSEARCH_NODE_TO_NODE_ENCRYPTION_CHECK", service: "OpenSearch / Elasticsearch", class: "A" },
    { anchor: "awsConfig", id: "RDS_AUTOMATIC_MINOR_VERSION_UPGRADE_ENABLED", service: "RDS", class: "A" },
    { anchor: "awsConfig", id: "RDS_CLUSTER_DELETION_PROTECTION_ENABLED", service: "RDS", class: "A" },
    { anchor: "awsConfig", id: "RDS_ENHANCED_MONITORING_ENABLED", service: "RDS", class: "A" },
    { anchor: "awsConfig", id: "RDS_IN_BACKUP_PLAN", service: "AWS Backup", class: "B" },
    { anchor: "awsConfig", id: "RDS_INSTANCE_PUBLIC_ACCESS_CHECK", service: "RDS", class: "A" },
    { anchor: "awsConfig", id: "RDS_LOGGING_ENABLED", service: "RDS", class: "A" },
    { anchor: "awsConfig", id: "RDS_MULTI_AZ_SUPPORT", service: "RDS", class: "A" },
    { anchor: "awsConfig", id: "RDS_CLUSTER_MULTI_AZ_ENABLED", service: "RDS", class: "B" },
    { anchor: "awsConfig", id: "RDS_SNAPSHOT_ENCRYPTED", service: "RDS", class: "B" },
    { anchor: "awsConfig", id: "RDS_SNAPSHOTS_PUBLIC_PROHIBITED", service: "RDS", class: "A" },
    { anchor: "awsConfig", id: "RDS_STORAGE_ENCRYPTED", service: "RDS", class: "A" },
    { anchor: "awsConfig", id: "REDSHIFT_BACKUP_ENABLED", service: "Redshift", class: "A" },
    { anchor: "awsConfig", id: "REDSHIFT_CLUSTER_CONFIGURATION_CHECK", service: "Redshift", class: "B" },
    { anchor: "awsConfig", id: "REDSHIFT_CLUSTER_MAINTENANCESETTINGS_CHECK", service: "Redshift", class: "A" },
    { anchor: "awsConfig", id: "REDSHIFT_CLUSTER_PUBLIC_ACCESS_CHECK", service: "Redshift", class: "A" },
    { anchor: "awsConfig", id: "REDSHIFT_REQUIRE_TLS_SSL", service: "Redshift", class: "B" },
    { anchor: "awsConfig", id: "RESTRICTED_INCOMING_TRAFFIC", service: "VPC / security groups", class: "A" },
    { anchor: "awsConfig", id: "S3_ACCOUNT_LEVEL_PUBLIC_ACCESS_BLOCKS_PERIODIC", service: "S3", class: "B" },
    { anchor: "awsConfig", id: "S3_BUCKET_ACL_PROHIBITED", service: "S3", class: "B" },
    { anchor: "awsConfig", id: "S3_BUCKET_DEFAULT_LOCK_ENABLED", service: "S3", class: "A" },
    { anchor: "awsConfig", id: "S3_BUCKET_LOGGING_ENABLED", service: "S3", class: "B" },
    { anchor: "awsConfig", id: "S3_BUCKET_PUBLIC_READ_PROHIBITED", service: "S3", class: "B" },
    { anchor: "awsConfig", id: "S3_BUCKET_PUBLIC_WRITE_PROHIBITED", service: "S3", class: "B" },
    { anchor: "awsConfig", id: "S3_BUCKET_REPLICATION_ENABLED", service: "S3", class: "B" },
    { anchor: "awsConfig", id: "S3_BUCKET_SERVER_SIDE_ENCRYPTION_ENABLED", service: "S3", class: "B" },
    { anchor: "awsConfig", id: "S3_BUCKET_SSL_REQUESTS_ONLY", service: "S3", class: "B" },
    { anchor: "awsConfig", id: "S3_BUCKET_VERSIONING_ENABLED", service: "S3", class: "B" },
    { anchor: "awsConfig", id: "S3_DEFAULT_ENCRYPTION_KMS", service: "S3", class: "B" },
    { anchor: "awsConfig", id: "S3_EVENT_NOTIFICATIONS_ENABLED", service: "S3", class: "B" },
    { anchor: "awsConfig", id: "S3_VERSION_LIFECYCLE_POLICY_CHECK", service: "S3", class: "B" },
    { anchor: "awsConfig", id: "SAGEMAKER_ENDPOINT_CONFIGURATION_KMS_KEY_CONFIGURED", service: "SageMaker", class: "A" },
    { anchor: "awsConfig", id: "SAGEMAKER_NOTEBOOK_INSTANCE_KMS_KEY_CONFIGURED", service: "SageMaker", class: "A" },
    { anchor: "awsConfig", id: "SAGEMAKER_NOTEBOOK_NO_DIRECT_INTERNET_ACCESS", service: "SageMaker", class: "A" },
    { anchor: "awsConfig", id: "SECRETSMANAGER_ROTATION_ENABLED_CHECK", service: "Secrets Manager", class: "B" },
    { anchor: "awsConfig", id: "SECRETSMANAGER_USING_CMK", service: "Secrets Manager", class: "A" },
    { anchor: "awsConfig", id: "SECURITYHUB_ENABLED", service: "GuardDuty / Security Hub", class: "B" },
    { anchor: "awsConfig", id: "SNS_ENCRYPTED_KMS", service: "SNS", class: "A" },
    { anchor: "awsConfig", id: "SSM_DOCUMENT_NOT_PUBLIC", service: "SSM", class: "A" },
    { anchor: "awsConfig", id: "SUBNET_AUTO_ASSIGN_PUBLIC_IP_DISABLED", service: "VPC / security groups", class: "A" },
    { anchor: "awsConfig", id: "VPC_DEFAULT_SECURITY_GROUP_CLOSED", service: "VPC / security groups", class: "B" },
    { anchor: "awsConfig", id: "VPC_FLOW_LOGS_ENABLED", service: "VPC / security groups", class: "B" },
    { anchor: "awsConfig", id: "VPC_SG_OPEN_ONLY_TO_AUTHORIZED_PORTS", service: "VPC / security groups", class: "A" },
    { anchor: "awsConfig", id: "WAFV2_LOGGING_ENABLED", service: "WAF", class: "B" },
];

export const CDK_NAG_CONTROLS: readonly AnchorControl[] = [
    { anchor: "cdkNag", id: "APIGWCacheEnabledAndEncrypted", service: "API Gateway", class: "B", documentedAgainst: "api-gw-cache-enabled-and-encrypted" },
    { anchor: "cdkNag", id: "APIGWExecutionLoggingEnabled", service: "API Gateway", class: "B", sameAs: "API_GW_EXECUTION_LOGGING_ENABLED" },
    { anchor: "cdkNag", id: "APIGWSSLEnabled", service: "API Gateway", class: "A", sameAs: "API_GW_SSL_ENABLED" },
    { anchor: "cdkNag", id: "APIGWXrayEnabled", service: "API Gateway", class: "A", documentedAgainst: "api-gw-xray-enabled" },
    { anchor: "cdkNag", id: "AutoScalingGroupELBHealthCheckRequired", service: "EC2 instances / Auto Scaling", class: "A", sameAs: "AUTOSCALING_GROUP_ELB_HEALTHCHECK_REQUIRED" },
    { anchor: "cdkNag", id: "AutoScalingLaunchConfigPublicIpDisabled", service: "EC2 instances / Auto Scaling", class: "A", sameAs: "AUTOSCALING_LAUNCH_CONFIG_PUBLIC_IP_DISABLED" },
    { anchor: "cdkNag", id: "CloudTrailCloudWatchLogsEnabled", service: "CloudTrail", class: "A", sameAs: "CLOUD_TRAIL_CLOUD_WATCH_LOGS_ENABLED" },
    { anchor: "cdkNag", id: "CloudTrailEncryptionEnabled", service: "CloudTrail", class: "A", sameAs: "CLOUD_TRAIL_ENCRYPTION_ENABLED" },
    { anchor: "cdkNag", id: "CloudTrailLogFileValidationEnabled", service: "CloudTrail", class: "A", sameAs: "CLOUD_TRAIL_LOG_FILE_VALIDATION_ENABLED" },
    { anchor: "cdkNag", id: "CloudWatchAlarmAction", service: "CloudWatch", class: "A", sameAs: "CLOUDWATCH_ALARM_ACTION_CHECK" },
    { anchor: "cdkNag", id: "CloudWatchLogGroupEncrypted", service: "CloudWatch", class: "A", documentedAgainst: "cloudwatch-log-group-encrypted" },
    { anchor: "cdkNag", id: "CloudWatchLogGroupRetentionPeriod", service: "CloudWatch", class: "A", documentedAgainst: "cw-loggroup-retention-period-check" },
    { anchor: "cdkNag", id: "CodeBuildProjectEnvVarAwsCred", service: "CodeBuild", class: "A", sameAs: "CODEBUILD_PROJECT_ENVVAR_AWSCRED_CHECK" },
    { anchor: "cdkNag", id: "CodeBuildProjectSourceRepoUrl", service: "CodeBuild", class: "A", sameAs: "CODEBUILD_PROJECT_SOURCE_REPO_URL_CHECK" },
    { anchor: "cdkNag", id: "DMSReplicationNotPublic", service: "DMS", class: "A", sameAs: "DMS_REPLICATION_NOT_PUBLIC" },
    { anchor: "cdkNag", id: "DynamoDBAutoScalingEnabled", service: "DynamoDB", class: "B", sameAs: "DYNAMODB_AUTOSCALING_ENABLED" },
    { anchor: "cdkNag", id: "DynamoDBInBackupPlan", service: "AWS Backup", class: "B", sameAs: "DYNAMODB_IN_BACKUP_PLAN" },
    { anchor: "cdkNag", id: "DynamoDBPITREnabled", service: "DynamoDB", class: "A", sameAs: "DYNAMODB_PITR_ENABLED" },
    { anchor: "cdkNag", id: "EC2EBSInBackupPlan", service: "AWS Backup", class: "B", sameAs: "EBS_IN_BACKUP_PLAN" },
    { anchor: "cdkNag", id: "EC2EBSOptimizedInstance", service: "EC2 instances / Auto Scaling", class: "A", documentedAgainst: "ebs-optimized-instance" },
    { anchor: "cdkNag", id: "EC2IMDSv2Enabled", service: "EC2 instances / Auto Scaling", class: "A", sameAs: "EC2_IMDSV2_CHECK" },
    { anchor: "cdkNag", id: "EC2InstanceDetailedMonitoringEnabled", service: "EC2 instances / Auto Scaling", class: "A", documentedAgainst: "ec2-instance-detailed-monitoring-enabled" },
    { anchor: "cdkNag", id: "EC2InstanceNoPublicIp", service: "EC2 instances / Auto Scaling", class: "A", sameAs: "EC2_INSTANCE_NO_PUBLIC_IP" },
    { anchor: "cdkNag", id: "EC2InstanceProfileAttached", service: "EC2 instances / Auto Scaling", class: "A", sameAs: "EC2_INSTANCE_PROFILE_ATTACHED" },
    { anchor: "cdkNag", id: "EC2InstancesInVPC", service: "EC2 instances / Auto Scaling", class: "A", sameAs: "INSTANCES_IN_VPC" },
    { anchor: "cdkNag", id: "EC2RestrictedCommonPorts", service: "VPC / security groups", class: "A", sameAs: "RESTRICTED_INCOMING_TRAFFIC" },
    { anchor: "cdkNag", id: "EC2RestrictedSSH", service: "VPC / security groups", class: "A", sameAs: "INCOMING_SSH_DISABLED" },
    { anchor: "cdkNag", id: "ECSTaskDefinitionUserForHostMode", service: "ECS", class: "A", sameAs: "ECS_TASK_DEFINITION_USER_FOR_HOST_MODE_CHECK" },
    { anchor: "cdkNag", id: "EFSInBackupPlan", service: "AWS Backup", class: "B", sameAs: "EFS_IN_BACKUP_PLAN" },
    { anchor: "cdkNag", id: "EFSEncrypted", service: "EFS", class: "A", sameAs: "EFS_ENCRYPTED_CHECK" },
    { anchor: "cdkNag", id: "ElastiCacheRedisClusterAutomaticBackup", service: "ElastiCache", class: "A", sameAs: "ELASTICACHE_REDIS_CLUSTER_AUTOMATIC_BACKUP_CHECK" },
    { anchor: "cdkNag", id: "ElasticBeanstalkEnhancedHealthReportingEnabled", service: "Elastic Beanstalk", class: "A", documentedAgainst: "beanstalk-enhanced-health-reporting-enabled" },
    { anchor: "cdkNag", id: "ElasticBeanstalkManagedUpdatesEnabled", service: "Elastic Beanstalk", class: "A", sameAs: "ELASTIC_BEANSTALK_MANAGED_UPDATES_ENABLED" },
    { anchor: "cdkNag", id: "ALBHttpDropInvalidHeaderEnabled", service: "ELBv2 (ALB/NLB)", class: "A", documentedAgainst: "alb-http-drop-invalid-header-enabled" },
    { anchor: "cdkNag", id: "ALBHttpToHttpsRedirection", service: "ELBv2 (ALB/NLB)", class: "A", sameAs: "ALB_HTTP_TO_HTTPS_REDIRECTION_CHECK" },
    { anchor: "cdkNag", id: "ELBACMCertificateRequired", service: "Classic Load Balancer", class: "A", sameAs: "ELB_ACM_CERTIFICATE_REQUIRED" },
    { anchor: "cdkNag", id: "ELBCrossZoneLoadBalancingEnabled", service: "Classic Load Balancer", class: "A", sameAs: "ELB_CROSS_ZONE_LOAD_BALANCING_ENABLED" },
    { anchor: "cdkNag", id: "ELBDeletionProtectionEnabled", service: "ELBv2 (ALB/NLB)", class: "A", sameAs: "ELB_DELETION_PROTECTION_ENABLED" },
    { anchor: "cdkNag", id: "ELBLoggingEnabled", service: "ELBv2 (ALB/NLB)", class: "A", sameAs: "ELB_LOGGING_ENABLED" },
    { anchor: "cdkNag", id: "ELBTlsHttpsListenersOnly", service: "Classic Load Balancer", class: "A", sameAs: "ELB_TLS_HTTPS_LISTENERS_ONLY" },
    { anchor: "cdkNag", id: "ELBv2ACMCertificateRequired", service: "ELBv2 (ALB/NLB)", class: "A", sameAs: "ELBV2_ACM_CERTIFICATE_REQUIRED" },
    { anchor: "cdkNag", id: "EMRKerberosEnabled", service: "EMR", class: "A", sameAs: "EMR_KERBEROS_ENABLED" },
    { anchor: "cdkNag", id: "IAMGroupHasUsers", service: "IAM", class: "B", documentedAgainst: "iam-group-has-users-check" },
    { anchor: "cdkNag", id: "IAMNoInlinePolicy", service: "IAM", class: "A", sameAs: "IAM_NO_INLINE_POLICY_CHECK" },
    { anchor: "cdkNag", id: "IAMPolicyNoStatementsWithAdminAccess", service: "IAM", class: "A", sameAs: "IAM_POLICY_NO_STATEMENTS_WITH_ADMIN_ACCESS" },
    { anchor: "cdkNag", id: "IAMPolicyNoStatementsWithFullAccess", service: "IAM", class: "A", sameAs: "IAM_POLICY_NO_STATEMENTS_WITH_FULL_ACCESS" },
    { anchor: "cdkNag", id: "IAMUserGroupMembership", service: "IAM", class: "B", documentedAgainst: "iam-user-group-membership-check" },
    { anchor: "cdkNag", id: "IAMUserNoPolicies", service: "IAM", class: "A", sameAs: "IAM_USER_NO_POLICIES_CHECK" },
    { anchor: "cdkNag", id: "LambdaConcurrency", service: "Lambda", class: "A", documentedAgainst: "lambda-concurrency-check" },
    { anchor: "cdkNag", id: "LambdaDLQ", service: "Lambda", class: "A", documentedAgainst: "lambda-dlq-check" },
    { anchor: "cdkNag", id: "LambdaFunctionPublicAccessProhibited", service: "Lambda", class: "A", sameAs: "LAMBDA_FUNCTION_PUBLIC_ACCESS_PROHIBITED" },
    { anchor: "cdkNag", id: "LambdaInsideVPC", service: "Lambda", class: "A", documentedAgainst: "lambda-inside-vpc" },
    { anchor: "cdkNag", id: "OpenSearchEncryptedAtRest", service: "OpenSearch / Elasticsearch", class: "A", sameAs: "ELASTICSEARCH_ENCRYPTED_AT_REST" },
    { anchor: "cdkNag", id: "OpenSearchInVPCOnly", service: "OpenSearch / Elasticsearch", class: "A", sameAs: "ELASTICSEARCH_IN_VPC_ONLY" },
    { anchor: "cdkNag", id: "OpenSearchErrorLogsToCloudWatch", service: "OpenSearch / Elasticsearch", class: "A", sameAs: "ELASTICSEARCH_LOGS_TO_CLOUDWATCH" },
    { anchor: "cdkNag", id: "OpenSearchNodeToNodeEncryption", service: "OpenSearch / Elasticsearch", class: "A", sameAs: "ELASTICSEARCH_NODE_TO_NODE_ENCRYPTION_CHECK" },
    { anchor: "cdkNag", id: "RDSAutomaticMinorVersionUpgradeEnabled", service: "RDS", class: "A", sameAs: "RDS_AUTOMATIC_MINOR_VERSION_UPGRADE_ENABLED" },
    { anchor: "cdkNag", id: "RDSEnhancedMonitoringEnabled", service: "RDS", class: "A", sameAs: "RDS_ENHANCED_MONITORING_ENABLED" },
    { anchor: "cdkNag", id: "RDSInBackupPlan", service: "AWS Backup", class: "B", sameAs: "RDS_IN_BACKUP_PLAN" },
    { anchor: "cdkNag", id: "RDSInstanceBackupEnabled", service: "RDS", class: "A", sameAs: "DB_INSTANCE_BACKUP_ENABLED" },
    { anchor: "cdkNag", id: "RDSInstanceDeletionProtectionEnabled", service: "RDS", class: "A", documentedAgainst: "rds-instance-deletion-protection-enabled" },
    { anchor: "cdkNag", id: "RDSMultiAZSupport", service: "RDS", class: "A", sameAs: "RDS_MULTI_AZ_SUPPORT" },
    { anchor: "cdkNag", id: "RDSInstancePublicAccess", service: "RDS", class: "A", sameAs: "RDS_INSTANCE_PUBLIC_ACCESS_CHECK" },
    { anchor: "cdkNag", id: "RDSLoggingEnabled", service: "RDS", class: "A", sameAs: "RDS_LOGGING_ENABLED" },
    { anchor: "cdkNag", id: "RDSStorageEncrypted", service: "RDS", class: "A", sameAs: "RDS_STORAGE_ENCRYPTED" },
    { anchor: "cdkNag", id: "RedshiftBackupEnabled", service: "Redshift", class: "A", sameAs: "REDSHIFT_BACKUP_ENABLED" },
    { anchor: "cdkNag", id: "RedshiftClusterConfiguration", service: "Redshift", class: "B", sameAs: "REDSHIFT_CLUSTER_CONFIGURATION_CHECK" },
    { anchor: "cdkNag", id: "RedshiftClusterMaintenanceSettings", service: "Redshift", class: "A", sameAs: "REDSHIFT_CLUSTER_MAINTENANCESETTINGS_CHECK" },
    { anchor: "cdkNag", id: "RedshiftClusterPublicAccess", service: "Redshift", class: "A", sameAs: "REDSHIFT_CLUSTER_PUBLIC_ACCESS_CHECK" },
    { anchor: "cdkNag", id: "RedshiftEnhancedVPCRoutingEnabled", service: "Redshift", class: "A", documentedAgainst: "redshift-enhanced-vpc-routing-enabled" },
    { anchor: "cdkNag", id: "RedshiftRequireTlsSSL", service: "Redshift", class: "B", sameAs: "REDSHIFT_REQUIRE_TLS_SSL" },
    { anchor: "cdkNag", id: "S3BucketLevelPublicAccessProhibited", service: "S3", class: "A", documentedAgainst: "s3-bucket-level-public-access-prohibited" },
    { anchor: "cdkNag", id: "S3BucketLoggingEnabled", service: "S3", class: "B", sameAs: "S3_BUCKET_LOGGING_ENABLED" },
    { anchor: "cdkNag", id: "S3BucketPublicReadProhibited", service: "S3", class: "B", sameAs: "S3_BUCKET_PUBLIC_READ_PROHIBITED" },
    { anchor: "cdkNag", id: "S3BucketPublicWriteProhibited", service: "S3", class: "B", sameAs: "S3_BUCKET_PUBLIC_WRITE_PROHIBITED" },
    { anchor: "cdkNag", id: "S3BucketReplicationEnabled", service: "S3", class: "B", sameAs: "S3_BUCKET_REPLICATION_ENABLED" },
    { anchor: "cdkNag", id: "S3BucketSSLRequestsOnly", service: "S3", class: "B", sameAs: "S3_BUCKET_SSL_REQUESTS_ONLY" },
    { anchor: "cdkNag", id: "S3BucketVersioningEnabled", service: "S3", class: "B", sameAs: "S3_BUCKET_VERSIONING_ENABLED" },
    { anchor: "cdkNag", id: "S3DefaultEncryptionKMS", service: "S3", class: "B", sameAs: "S3_DEFAULT_ENCRYPTION_KMS" },
    { anchor: "cdkNag", id: "SageMakerEndpointConfigurationKMSKeyConfigured", service: "SageMaker", class: "A", sameAs: "SAGEMAKER_ENDPOINT_CONFIGURATION_KMS_KEY_CONFIGURED" },
    { anchor: "cdkNag", id: "SageMakerNotebookInstanceKMSKeyConfigured", service: "SageMaker", class: "A", sameAs: "SAGEMAKER_NOTEBOOK_INSTANCE_KMS_KEY_CONFIGURED" },
    { anchor: "cdkNag", id: "SageMakerNotebookNoDirectInternetAccess", service: "SageMaker", class: "A", sameAs: "SAGEMAKER_NOTEBOOK_NO_DIRECT_INTERNET_ACCESS" },
    { anchor: "cdkNag", id: "SecretsManagerRotationEnabled", service: "Secrets Manager", class: "B", sameAs: "SECRETSMANAGER_ROTATION_ENABLED_CHECK" },
    { anchor: "cdkNag", id: "SecretsManagerUsingKMSKey", service: "Secrets Manager", class: "A", sameAs: "SECRETSMANAGER_USING_CMK" },
    { anchor: "cdkNag", id: "SNSEncryptedKMS", service: "SNS", class: "A", sameAs: "SNS_ENCRYPTED_KMS" },
    { anchor: "cdkNag", id: "VPCDefaultSecurityGroupClosed", service: "VPC / security groups", class: "B", sameAs: "VPC_DEFAULT_SECURITY_GROUP_CLOSED" },
    { anchor: "cdkNag", id: "VPCFlowLogsEnabled", service: "VPC / security groups", class: "B", sameAs: "VPC_FLOW_LOGS_ENABLED" },
    { anchor: "cdkNag", id: "VPCNoUnrestrictedRouteToIGW", service: "VPC / security groups", class: "A", sameAs: "NO_UNRESTRICTED_ROUTE_TO_IGW" },
    { anchor: "cdkNag", id: "VPCSubnetAutoAssignPublicIpDisabled", service: "VPC / security groups", class: "A", sameAs: "SUBNET_AUTO_ASSIGN_PUBLIC_IP_DISABLED" },
    { anchor: "cdkNag", id: "WAFv2LoggingEnabled", service: "WAF", class: "B", sameAs: "WAFV2_LOGGING_ENABLED" },
];

export const OUT_OF_SCOPE: readonly OutOfScopeControl[] = [
    { anchor: "awsConfig", id: "ACCESS_KEYS_ROTATED", service: "IAM", reason: "Key age is run-time state; iam-no-long-lived-access-keys forbids declaring access keys at all." },
    { anchor: "awsConfig", id: "ACM_CERTIFICATE_EXPIRATION_CHECK", service: "ACM", reason: "Days to expiry depend on when the rule runs, not on the declared certificate." },
    { anchor: "awsConfig", id: "BACKUP_RECOVERY_POINT_ENCRYPTED", service: "AWS Backup", reason: "Recovery points are produced by AWS Backup at run time; a program cannot declare one." },
    { anchor: "awsConfig", id: "DYNAMODB_THROUGHPUT_LIMIT_CHECK", service: "DynamoDB", reason: "Compares the whole account's provisioned capacity with its quota." },
    { anchor: "awsConfig", id: "EBS_SNAPSHOT_PUBLIC_RESTORABLE_CHECK", service: "EBS", reason: "The aws provider cannot declare a public restore permission (it takes account IDs only)." },
    { anchor: "awsConfig", id: "EC2_INSTANCE_MANAGED_BY_SSM", service: "EC2 instances / Auto Scaling", reason: "SSM agent registration happens on the running instance." },
    { anchor: "awsConfig", id: "EC2_MANAGEDINSTANCE_ASSOCIATION_COMPLIANCE_STATUS_CHECK", service: "EC2 instances / Auto Scaling", reason: "SSM association compliance is reported by running instances." },
    { anchor: "awsConfig", id: "EC2_MANAGEDINSTANCE_PATCH_COMPLIANCE_STATUS_CHECK", service: "EC2 instances / Auto Scaling", reason: "Patch compliance is reported by running instances." },
    { anchor: "awsConfig", id: "EC2_STOPPED_INSTANCE", service: "EC2 instances / Auto Scaling", reason: "How long an instance has been stopped is run-time state." },
    { anchor: "awsConfig", id: "IAM_ROOT_ACCESS_KEY_CHECK", service: "IAM", reason: "Root credentials are account state outside any stack." },
    { anchor: "awsConfig", id: "IAM_USER_MFA_ENABLED", service: "IAM", reason: "MFA enrolment is a human action after the user exists." },
    { anchor: "awsConfig", id: "IAM_USER_UNUSED_CREDENTIALS_CHECK", service: "IAM", reason: "Credential last-use is run-time state." },
    { anchor: "awsConfig", id: "KMS_CMK_NOT_SCHEDULED_FOR_DELETION", service: "KMS", reason: "Pending deletion is run-time state, and policies do not see deletes; kms-deletion-window is the pre-deployment counterpart." },
    { anchor: "awsConfig", id: "MFA_ENABLED_FOR_IAM_CONSOLE_ACCESS", service: "IAM", reason: "MFA enrolment is a human action after the login profile exists." },
    { anchor: "awsConfig", id: "ROOT_ACCOUNT_HARDWARE_MFA_ENABLED", service: "IAM", reason: "Root account state, outside any stack." },
    { anchor: "awsConfig", id: "ROOT_ACCOUNT_MFA_ENABLED", service: "IAM", reason: "Root account state, outside any stack." },
    { anchor: "awsConfig", id: "VPC_VPN_2_TUNNELS_UP", service: "VPC / security groups", reason: "Tunnel status is run-time state." },
    { anchor: "awsConfig", id: "AWS_CONFIG_PROCESS_CHECK", service: "Process (manual)", reason: "A manual process attestation (annual risk assessment), not resource state." },
];

/** Every pre-deployment control of both anchors, by anchor. */
export const ANCHOR_CONTROLS: Readonly<Record<AnchorName, readonly AnchorControl[]>> = {
    awsConfig: AWS_CONFIG_CONTROLS,
    cdkNag: CDK_NAG_CONTROLS,
};

/** The controls counted once: Config rules, plus the cdk-nag rules without a counterpart in the Config pack. */
export function distinctControls(): AnchorControl[] {
    return [...AWS_CONFIG_CONTROLS, ...CDK_NAG_CONTROLS.filter((control) => control.sameAs === undefined)];
}
