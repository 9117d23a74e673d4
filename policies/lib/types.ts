/**
 * Resource type tokens the pack inspects, as the engine reports them (`@pulumi/aws` 7.x,
 * `@pulumi/kubernetes` 4.x). Kept as strings: importing the provider SDKs would make the
 * pack's start-up type-check parse tens of megabytes of declarations.
 */
export const RDS = {
    instance: "aws:rds/instance:Instance",
    cluster: "aws:rds/cluster:Cluster",
    clusterInstance: "aws:rds/clusterInstance:ClusterInstance",
    parameterGroup: "aws:rds/parameterGroup:ParameterGroup",
    clusterParameterGroup: "aws:rds/clusterParameterGroup:ClusterParameterGroup",
    snapshot: "aws:rds/snapshot:Snapshot",
    /** Automated backups replicated to another region. */
    automatedBackupsReplication: "aws:rds/instanceAutomatedBackupsReplication:InstanceAutomatedBackupsReplication",
} as const;

export const BACKUP = {
    vault: "aws:backup/vault:Vault",
    vaultLock: "aws:backup/vaultLockConfiguration:VaultLockConfiguration",
    plan: "aws:backup/plan:Plan",
    selection: "aws:backup/selection:Selection",
} as const;

export const S3 = {
    bucket: "aws:s3/bucket:Bucket",
    bucketV2: "aws:s3/bucketV2:BucketV2",
    publicAccessBlock: "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
    encryption: "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
    encryptionV2: "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2",
    versioning: "aws:s3/bucketVersioning:BucketVersioning",
    versioningV2: "aws:s3/bucketVersioningV2:BucketVersioningV2",
    logging: "aws:s3/bucketLogging:BucketLogging",
    loggingV2: "aws:s3/bucketLoggingV2:BucketLoggingV2",
    lifecycle: "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
    lifecycleV2: "aws:s3/bucketLifecycleConfigurationV2:BucketLifecycleConfigurationV2",
    acl: "aws:s3/bucketAcl:BucketAcl",
    aclV2: "aws:s3/bucketAclV2:BucketAclV2",
    policy: "aws:s3/bucketPolicy:BucketPolicy",
    ownershipControls: "aws:s3/bucketOwnershipControls:BucketOwnershipControls",
    replication: "aws:s3/bucketReplicationConfig:BucketReplicationConfig",
} as const;

export const CLOUDFRONT = {
    distribution: "aws:cloudfront/distribution:Distribution",
} as const;

export const EKS = {
    cluster: "aws:eks/cluster:Cluster",
    nodeGroup: "aws:eks/nodeGroup:NodeGroup",
} as const;

export const EC2 = {
    launchTemplate: "aws:ec2/launchTemplate:LaunchTemplate",
    vpc: "aws:ec2/vpc:Vpc",
    subnet: "aws:ec2/subnet:Subnet",
    flowLog: "aws:ec2/flowLog:FlowLog",
    route: "aws:ec2/route:Route",
    routeTable: "aws:ec2/routeTable:RouteTable",
    internetGateway: "aws:ec2/internetGateway:InternetGateway",
    defaultSecurityGroup: "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup",
    securityGroup: "aws:ec2/securityGroup:SecurityGroup",
    securityGroupRule: "aws:ec2/securityGroupRule:SecurityGroupRule",
    ingressRule: "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
    egressRule: "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule",
} as const;

export const SECRETS = {
    secret: "aws:secretsmanager/secret:Secret",
    rotation: "aws:secretsmanager/secretRotation:SecretRotation",
    version: "aws:secretsmanager/secretVersion:SecretVersion",
    policy: "aws:secretsmanager/secretPolicy:SecretPolicy",
} as const;

export const KMS = {
    key: "aws:kms/key:Key",
    keyPolicy: "aws:kms/keyPolicy:KeyPolicy",
} as const;

export const CLOUDWATCH = {
    metricAlarm: "aws:cloudwatch/metricAlarm:MetricAlarm",
    compositeAlarm: "aws:cloudwatch/compositeAlarm:CompositeAlarm",
    logGroup: "aws:cloudwatch/logGroup:LogGroup",
    logDeliverySource: "aws:cloudwatch/logDeliverySource:LogDeliverySource",
} as const;

export const SNS = {
    topic: "aws:sns/topic:Topic",
    topicPolicy: "aws:sns/topicPolicy:TopicPolicy",
    subscription: "aws:sns/topicSubscription:TopicSubscription",
} as const;

/** AWS Chatbot channel configurations, which subscribe to SNS topics. */
export const CHATBOT = {
    slackChannel: "aws:chatbot/slackChannelConfiguration:SlackChannelConfiguration",
    teamsChannel: "aws:chatbot/teamsChannelConfiguration:TeamsChannelConfiguration",
} as const;

/** `aws:alb/*` are aliases of the `aws:lb/*` classes with their own tokens; rules match both. */
export const LB = {
    loadBalancer: ["aws:lb/loadBalancer:LoadBalancer", "aws:alb/loadBalancer:LoadBalancer"],
    listener: ["aws:lb/listener:Listener", "aws:alb/listener:Listener"],
    listenerCertificate: ["aws:lb/listenerCertificate:ListenerCertificate", "aws:alb/listenerCertificate:ListenerCertificate"],
    targetGroup: ["aws:lb/targetGroup:TargetGroup", "aws:alb/targetGroup:TargetGroup"],
} as const;

export const WAF = {
    webAcl: "aws:wafv2/webAcl:WebAcl",
    association: "aws:wafv2/webAclAssociation:WebAclAssociation",
    logging: "aws:wafv2/webAclLoggingConfiguration:WebAclLoggingConfiguration",
} as const;

export const IAM = {
    policy: "aws:iam/policy:Policy",
    role: "aws:iam/role:Role",
    rolePolicy: "aws:iam/rolePolicy:RolePolicy",
    rolePolicyAttachment: "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
    userPolicy: "aws:iam/userPolicy:UserPolicy",
    userPolicyAttachment: "aws:iam/userPolicyAttachment:UserPolicyAttachment",
    groupPolicy: "aws:iam/groupPolicy:GroupPolicy",
    groupPolicyAttachment: "aws:iam/groupPolicyAttachment:GroupPolicyAttachment",
    policyAttachment: "aws:iam/policyAttachment:PolicyAttachment",
    user: "aws:iam/user:User",
    userGroupMembership: "aws:iam/userGroupMembership:UserGroupMembership",
    groupMembership: "aws:iam/groupMembership:GroupMembership",
    accessKey: "aws:iam/accessKey:AccessKey",
    accountPasswordPolicy: "aws:iam/accountPasswordPolicy:AccountPasswordPolicy",
} as const;

export const CLOUDTRAIL = {
    trail: "aws:cloudtrail/trail:Trail",
} as const;

/** The account's security baseline: services that exist once per account, or per account and region. */
export const BASELINE = {
    detector: "aws:guardduty/detector:Detector",
    detectorFeature: "aws:guardduty/detectorFeature:DetectorFeature",
    securityHub: "aws:securityhub/account:Account",
    standardsSubscription: "aws:securityhub/standardsSubscription:StandardsSubscription",
    configRecorder: "aws:cfg/recorder:Recorder",
    configRecorderStatus: "aws:cfg/recorderStatus:RecorderStatus",
    configDeliveryChannel: "aws:cfg/deliveryChannel:DeliveryChannel",
    ebsEncryptionByDefault: "aws:ebs/encryptionByDefault:EncryptionByDefault",
    ebsDefaultKmsKey: "aws:ebs/defaultKmsKey:DefaultKmsKey",
    accountPublicAccessBlock: "aws:s3/accountPublicAccessBlock:AccountPublicAccessBlock",
} as const;

export const K8S = {
    deployment: "kubernetes:apps/v1:Deployment",
    service: "kubernetes:core/v1:Service",
    horizontalPodAutoscaler: "kubernetes:autoscaling/v2:HorizontalPodAutoscaler",
    job: "kubernetes:batch/v1:Job",
    statefulSet: "kubernetes:apps/v1:StatefulSet",
    daemonSet: "kubernetes:apps/v1:DaemonSet",
    replicaSet: "kubernetes:apps/v1:ReplicaSet",
    cronJob: "kubernetes:batch/v1:CronJob",
    pod: "kubernetes:core/v1:Pod",
} as const;

export const LAMBDA = {
    function: "aws:lambda/function:Function",
    permission: "aws:lambda/permission:Permission",
    eventInvokeConfig: "aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig",
} as const;

/** OpenSearch and its predecessor, Elasticsearch: the same domain inputs under two tokens. */
export const SEARCH = {
    opensearchDomain: "aws:opensearch/domain:Domain",
    elasticsearchDomain: "aws:elasticsearch/domain:Domain",
} as const;

export const REDSHIFT = {
    cluster: "aws:redshift/cluster:Cluster",
    logging: "aws:redshift/logging:Logging",
    parameterGroup: "aws:redshift/parameterGroup:ParameterGroup",
} as const;

export const DYNAMODB = {
    table: "aws:dynamodb/table:Table",
    tableReplica: "aws:dynamodb/tableReplica:TableReplica",
} as const;

export const APPAUTOSCALING = {
    target: "aws:appautoscaling/target:Target",
    policy: "aws:appautoscaling/policy:Policy",
} as const;

export const ELASTICACHE = {
    cluster: "aws:elasticache/cluster:Cluster",
    replicationGroup: "aws:elasticache/replicationGroup:ReplicationGroup",
} as const;

export const EFS = {
    fileSystem: "aws:efs/fileSystem:FileSystem",
} as const;

export const KINESIS = {
    stream: "aws:kinesis/stream:Stream",
} as const;

export const SAGEMAKER = {
    endpointConfiguration: "aws:sagemaker/endpointConfiguration:EndpointConfiguration",
    notebookInstance: "aws:sagemaker/notebookInstance:NotebookInstance",
} as const;

export const SQS = {
    queue: "aws:sqs/queue:Queue",
    queuePolicy: "aws:sqs/queuePolicy:QueuePolicy",
    redrivePolicy: "aws:sqs/redrivePolicy:RedrivePolicy",
    redriveAllowPolicy: "aws:sqs/redriveAllowPolicy:RedriveAllowPolicy",
} as const;

/** Services that can send what they failed to deliver to a queue (a dead-letter target). */
export const DEAD_LETTER_SOURCES = {
    eventTarget: "aws:cloudwatch/eventTarget:EventTarget",
    schedule: "aws:scheduler/schedule:Schedule",
} as const;

export const ECR = {
    repository: "aws:ecr/repository:Repository",
    repositoryPolicy: "aws:ecr/repositoryPolicy:RepositoryPolicy",
    lifecyclePolicy: "aws:ecr/lifecyclePolicy:LifecyclePolicy",
    registryScanningConfiguration: "aws:ecr/registryScanningConfiguration:RegistryScanningConfiguration",
} as const;

/** EC2 instances, their volumes and addresses, launch configurations and Auto Scaling groups. */
export const COMPUTE = {
    instance: "aws:ec2/instance:Instance",
    launchConfiguration: "aws:ec2/launchConfiguration:LaunchConfiguration",
    volume: "aws:ebs/volume:Volume",
    eip: "aws:ec2/eip:Eip",
    eipAssociation: "aws:ec2/eipAssociation:EipAssociation",
    autoscalingGroup: "aws:autoscaling/group:Group",
    autoscalingAttachment: "aws:autoscaling/attachment:Attachment",
    trafficSourceAttachment: "aws:autoscaling/trafficSourceAttachment:TrafficSourceAttachment",
} as const;

/** How subnets reach the internet: internet gateways attached on their own, and route-table associations. */
export const EC2_LINKS = {
    internetGatewayAttachment: "aws:ec2/internetGatewayAttachment:InternetGatewayAttachment",
    routeTableAssociation: "aws:ec2/routeTableAssociation:RouteTableAssociation",
} as const;

/** Classic Load Balancers and the SSL negotiation policies attached to their listeners. */
export const ELB_CLASSIC = {
    loadBalancer: "aws:elb/loadBalancer:LoadBalancer",
    loadBalancerPolicy: "aws:elb/loadBalancerPolicy:LoadBalancerPolicy",
    listenerPolicy: "aws:elb/listenerPolicy:ListenerPolicy",
    sslNegotiationPolicy: "aws:elb/sslNegotiationPolicy:SslNegotiationPolicy",
} as const;

export const EMR = {
    cluster: "aws:emr/cluster:Cluster",
} as const;

export const DMS = {
    replicationInstance: "aws:dms/replicationInstance:ReplicationInstance",
} as const;

/** API Gateway: REST APIs (v1) and HTTP/WebSocket APIs (v2). */
export const APIGATEWAY = {
    stage: "aws:apigateway/stage:Stage",
    methodSettings: "aws:apigateway/methodSettings:MethodSettings",
    v2Api: "aws:apigatewayv2/api:Api",
    v2Stage: "aws:apigatewayv2/stage:Stage",
} as const;

export const CODEBUILD = {
    project: "aws:codebuild/project:Project",
} as const;

export const ECS = {
    taskDefinition: "aws:ecs/taskDefinition:TaskDefinition",
} as const;

export const BEANSTALK = {
    environment: "aws:elasticbeanstalk/environment:Environment",
    configurationTemplate: "aws:elasticbeanstalk/configurationTemplate:ConfigurationTemplate",
} as const;

export const SSM = {
    document: "aws:ssm/document:Document",
} as const;

/** Resources the account-baseline, AWS Backup coverage, RDS snapshot and S3 notification rules read (@pulumi/aws 7.48.0, checked 2026-12-01). */
export const COVERAGE = {
    iamGroup: "aws:iam/group:Group",
    rdsClusterSnapshot: "aws:rds/clusterSnapshot:ClusterSnapshot",
    rdsSnapshotCopy: "aws:rds/snapshotCopy:SnapshotCopy",
    dynamodbTable: DYNAMODB.table,
    ebsVolume: COMPUTE.volume,
    ec2Instance: COMPUTE.instance,
    efsFileSystem: EFS.fileSystem,
    efsBackupPolicy: "aws:efs/backupPolicy:BackupPolicy",
    backupVaultPolicy: "aws:backup/vaultPolicy:VaultPolicy",
    s3Notification: "aws:s3/bucketNotification:BucketNotification",
    s3ObjectLock: "aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration",
    cloudfrontVpcOrigin: "aws:cloudfront/vpcOrigin:VpcOrigin",
} as const;
