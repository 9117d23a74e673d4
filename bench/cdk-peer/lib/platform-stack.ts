import { Duration, RemovalPolicy, Stack, StackProps } from 'aws-cdk-lib';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cw_actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';

export interface PlatformStackProps extends StackProps {
  readonly webAclArn: string;
  /** Name suffix so several copies can coexist (scaled variant). */
  readonly nameSuffix?: string;
}

export class PlatformStack extends Stack {
  constructor(scope: Construct, id: string, props: PlatformStackProps) {
    super(scope, id, props);
    const sfx = props.nameSuffix ?? '';

    // ---------------- KMS ----------------
    const key = (name: string) =>
      new kms.Key(this, `${name}Key`, {
        alias: `alias/peer${sfx}/${name.toLowerCase()}`,
        description: `peer ${name} key`,
        enableKeyRotation: true,
        removalPolicy: RemovalPolicy.RETAIN,
      });
    const dataKey = key('Data');
    const logsKey = key('Logs');
    const secretsKey = key('Secrets');
    const clusterKey = key('Cluster');

    logsKey.addToResourcePolicy(new iam.PolicyStatement({
      principals: [new iam.ServicePrincipal(`logs.${this.region}.amazonaws.com`)],
      actions: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
      resources: ['*'],
      conditions: { ArnLike: { 'kms:EncryptionContext:aws:logs:arn': `arn:aws:logs:${this.region}:${this.account}:*` } },
    }));
    logsKey.grantEncryptDecrypt(new iam.ServicePrincipal('cloudwatch.amazonaws.com'));

    // ---------------- VPC ----------------
    const vpc = new ec2.Vpc(this, 'Vpc', {
      ipAddresses: ec2.IpAddresses.cidr('10.40.0.0/16'),
      availabilityZones: ['eu-west-1a', 'eu-west-1b', 'eu-west-1c'],
      natGateways: 3,
      subnetConfiguration: [
        { name: 'public', subnetType: ec2.SubnetType.PUBLIC, cidrMask: 24 },
        { name: 'private', subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS, cidrMask: 20 },
        { name: 'isolated', subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 24 },
      ],
    });
    const flowLogGroup = new logs.LogGroup(this, 'VpcFlowLogs', {
      encryptionKey: logsKey,
      retention: logs.RetentionDays.ONE_YEAR,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    vpc.addFlowLog('FlowLog', {
      destination: ec2.FlowLogDestination.toCloudWatchLogs(flowLogGroup),
      trafficType: ec2.FlowLogTrafficType.ALL,
    });

    // ---------------- S3 ----------------
    const lifecycle: s3.LifecycleRule[] = [
      { id: 'abort-mpu', abortIncompleteMultipartUploadAfter: Duration.days(7) },
      { id: 'noncurrent', noncurrentVersionExpiration: Duration.days(90),
        noncurrentVersionTransitions: [{ storageClass: s3.StorageClass.INFREQUENT_ACCESS, transitionAfter: Duration.days(30) }] },
      { id: 'tiering', transitions: [{ storageClass: s3.StorageClass.INTELLIGENT_TIERING, transitionAfter: Duration.days(30) }] },
    ];
    const logBucket = new s3.Bucket(this, 'LogBucket', {
      encryption: s3.BucketEncryption.KMS,
      encryptionKey: logsKey,
      bucketKeyEnabled: true,
      versioned: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_PREFERRED, // CloudFront standard logging needs ACLs
      lifecycleRules: [...lifecycle, { id: 'expire-logs', expiration: Duration.days(400) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const bucket = (name: string, extra: s3.LifecycleRule[] = []) => new s3.Bucket(this, `${name}Bucket`, {
      encryption: s3.BucketEncryption.KMS,
      encryptionKey: dataKey,
      bucketKeyEnabled: true,
      versioned: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      serverAccessLogsBucket: logBucket,
      serverAccessLogsPrefix: `s3/${name.toLowerCase()}/`,
      lifecycleRules: [...lifecycle, ...extra],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const assetsBucket = bucket('Assets');
    bucket('Backups', [{ id: 'glacier', transitions: [{ storageClass: s3.StorageClass.GLACIER, transitionAfter: Duration.days(90) }] }]);

    // ---------------- Secrets ----------------
    new secretsmanager.Secret(this, 'JwtSecret', {
      description: 'JWT signing secret',
      encryptionKey: secretsKey,
      generateSecretString: { passwordLength: 64, excludePunctuation: true },
    });
    for (const name of ['Payments', 'Email', 'Maps']) {
      new secretsmanager.Secret(this, `${name}ApiKey`, {
        description: `${name} API key`,
        encryptionKey: secretsKey,
      });
    }

    // ---------------- RDS PostgreSQL ----------------
    const engine = rds.DatabaseInstanceEngine.postgres({ version: rds.PostgresEngineVersion.VER_17_9 });
    const parameterGroup = new rds.ParameterGroup(this, 'DbParams', {
      engine,
      parameters: { 'rds.force_ssl': '1', log_min_duration_statement: '1000' },
    });
    const db = new rds.DatabaseInstance(this, 'Database', {
      engine,
      instanceType: ec2.InstanceType.of(ec2.InstanceClass.M7G, ec2.InstanceSize.LARGE),
      vpc,
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
      multiAz: true,
      allocatedStorage: 100,
      maxAllocatedStorage: 500,
      storageType: rds.StorageType.GP3,
      storageEncrypted: true,
      storageEncryptionKey: dataKey,
      manageMasterUserPassword: true,
      backupRetention: Duration.days(14),
      deletionProtection: true,
      cloudwatchLogsExports: ['postgresql', 'upgrade'],
      cloudwatchLogsRetention: logs.RetentionDays.ONE_YEAR,
      enablePerformanceInsights: true,
      performanceInsightEncryptionKey: dataKey,
      monitoringInterval: Duration.seconds(60),
      parameterGroup,
      autoMinorVersionUpgrade: true,
      iamAuthentication: true,
      removalPolicy: RemovalPolicy.SNAPSHOT,
    });
    // Keep the RDS-managed master secret under the secrets key.
    (db.node.defaultChild as rds.CfnDBInstance).addPropertyOverride('MasterUserSecret.KmsKeyId', secretsKey.keyArn);

    // ---------------- EKS ----------------
    const clusterLogGroupRetention = new logs.LogGroup(this, 'EksClusterLogs', {
      logGroupName: `/aws/eks/peer-cluster${sfx}/cluster`,
      encryptionKey: logsKey,
      retention: logs.RetentionDays.ONE_YEAR,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const cluster = new eks.Cluster(this, 'Cluster', {
      clusterName: `peer-cluster${sfx}`,
      version: eks.KubernetesVersion.V1_36,
      vpc,
      vpcSubnets: [{ subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS }],
      endpointAccess: eks.EndpointAccess.PRIVATE,
      secretsEncryptionKey: clusterKey,
      clusterLogging: [
        eks.ClusterLoggingTypes.API,
        eks.ClusterLoggingTypes.AUDIT,
        eks.ClusterLoggingTypes.AUTHENTICATOR,
        eks.ClusterLoggingTypes.CONTROLLER_MANAGER,
        eks.ClusterLoggingTypes.SCHEDULER,
      ],
      defaultCapacityType: eks.DefaultCapacityType.NODEGROUP,
      defaultCapacity: 0,
    });
    cluster.node.addDependency(clusterLogGroupRetention);
    cluster.addNodegroupCapacity('Workers', {
      instanceTypes: [ec2.InstanceType.of(ec2.InstanceClass.M7G, ec2.InstanceSize.XLARGE)],
      amiType: eks.NodegroupAmiType.AL2023_ARM_64_STANDARD,
      minSize: 3,
      desiredSize: 3,
      maxSize: 9,
      subnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
    });
    db.connections.allowDefaultPortFrom(cluster.clusterSecurityGroup, 'EKS nodes to PostgreSQL');

    // ---------------- Internal ALB ----------------
    const albSg = new ec2.SecurityGroup(this, 'AlbSg', { vpc, description: 'internal ALB', allowAllOutbound: false });
    albSg.addIngressRule(ec2.Peer.ipv4(vpc.vpcCidrBlock), ec2.Port.tcp(80), 'HTTP from VPC');
    const alb = new elbv2.ApplicationLoadBalancer(this, 'Alb', {
      vpc,
      internetFacing: false,
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
      securityGroup: albSg,
      dropInvalidHeaderFields: true,
      deletionProtection: true,
    });
    const targetGroup = new elbv2.ApplicationTargetGroup(this, 'AppTargets', {
      vpc,
      port: 8080,
      protocol: elbv2.ApplicationProtocol.HTTP,
      targetType: elbv2.TargetType.IP,
      healthCheck: { path: '/healthz', healthyHttpCodes: '200' },
    });
    const listener = alb.addListener('Http', { port: 80, open: false, defaultTargetGroups: [targetGroup] });
    albSg.addEgressRule(ec2.Peer.ipv4(vpc.vpcCidrBlock), ec2.Port.tcp(8080), 'to app pods');
    void listener;

    // ---------------- CloudFront ----------------
    const distribution = new cloudfront.Distribution(this, 'Cdn', {
      comment: 'peer platform',
      defaultBehavior: {
        origin: origins.S3BucketOrigin.withOriginAccessControl(assetsBucket),
        viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        cachePolicy: cloudfront.CachePolicy.CACHING_OPTIMIZED,
      },
      additionalBehaviors: {
        '/api/*': {
          origin: origins.VpcOrigin.withApplicationLoadBalancer(alb, {
            protocolPolicy: cloudfront.OriginProtocolPolicy.HTTP_ONLY,
          }),
          viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.HTTPS_ONLY,
          allowedMethods: cloudfront.AllowedMethods.ALLOW_ALL,
          cachePolicy: cloudfront.CachePolicy.CACHING_DISABLED,
          originRequestPolicy: cloudfront.OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
        },
      },
      defaultRootObject: 'index.html',
      minimumProtocolVersion: cloudfront.SecurityPolicyProtocol.TLS_V1_2_2021,
      priceClass: cloudfront.PriceClass.PRICE_CLASS_100,
      enableLogging: true,
      logBucket,
      logFilePrefix: 'cloudfront/',
      webAclId: props.webAclArn,
    });

    // ---------------- SNS + alarms ----------------
    const topic = new sns.Topic(this, 'AlarmTopic', { masterKey: logsKey, enforceSSL: true });
    const action = new cw_actions.SnsAction(topic);
    const alarm = (id: string, a: cloudwatch.AlarmProps) => {
      const al = new cloudwatch.Alarm(this, id, a);
      al.addAlarmAction(action);
      al.addOkAction(action);
      return al;
    };
    const albDims = { LoadBalancer: alb.loadBalancerFullName };
    const m = (metricName: string, statistic: string, namespace = 'AWS/ApplicationELB', dimensionsMap: Record<string, string> = albDims) =>
      new cloudwatch.Metric({ namespace, metricName, statistic, dimensionsMap, period: Duration.minutes(1) });

    alarm('Alb5xxRate', {
      alarmDescription: 'ALB target 5xx rate above 5%',
      metric: new cloudwatch.MathExpression({
        expression: '100 * (e5 / MAX([req, 1]))',
        usingMetrics: { e5: m('HTTPCode_Target_5XX_Count', 'Sum'), req: m('RequestCount', 'Sum') },
        period: Duration.minutes(1),
        label: '5xx %',
      }),
      threshold: 5, evaluationPeriods: 5, datapointsToAlarm: 3,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    alarm('AlbP95Latency', {
      alarmDescription: 'p95 target response time above 1s',
      metric: m('TargetResponseTime', 'p95'),
      threshold: 1, evaluationPeriods: 5, datapointsToAlarm: 3,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    const ciDims = { ClusterName: cluster.clusterName };
    alarm('NodeCpu', {
      alarmDescription: 'EKS node CPU above 80%',
      metric: m('node_cpu_utilization', 'Average', 'ContainerInsights', ciDims),
      threshold: 80, evaluationPeriods: 5,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
    });
    alarm('NodeMemory', {
      alarmDescription: 'EKS node memory above 80%',
      metric: m('node_memory_utilization', 'Average', 'ContainerInsights', ciDims),
      threshold: 80, evaluationPeriods: 5,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
    });
    alarm('DbCpu', {
      alarmDescription: 'RDS CPU above 80%',
      metric: db.metricCPUUtilization({ period: Duration.minutes(5) }),
      threshold: 80, evaluationPeriods: 3,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
    });
    alarm('DbFreeStorage', {
      alarmDescription: 'RDS free storage below 10 GiB',
      metric: db.metricFreeStorageSpace({ period: Duration.minutes(5) }),
      threshold: 10 * 1024 ** 3, evaluationPeriods: 3,
      comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
    });
    alarm('DbConnections', {
      alarmDescription: 'RDS connection count high',
      metric: db.metricDatabaseConnections({ period: Duration.minutes(5) }),
      threshold: 400, evaluationPeriods: 3,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
    });
    alarm('DbHealthy', {
      alarmDescription: 'healthy ALB targets below 1 (application/database health)',
      metric: m('HealthyHostCount', 'Minimum', 'AWS/ApplicationELB',
        { LoadBalancer: alb.loadBalancerFullName, TargetGroup: targetGroup.targetGroupFullName }),
      threshold: 1, evaluationPeriods: 3,
      comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.BREACHING,
    });
    void distribution;
  }
}
