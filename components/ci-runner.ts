/**
 * The GitHub Actions runner this stack's own deploys and previews run on: an AWS CodeBuild project
 * in the VPC's private subnets that GitHub's `workflow_job` webhook starts once per queued job
 * ("Self-hosted GitHub Actions runners in AWS CodeBuild", CodeBuild User Guide, checked 2026-12-01).
 * A job reaches it with the label `codebuild-<project>-${{ github.run_id }}-${{ github.run_attempt }}`
 * (RUNNER_LABEL_PREFIX + the project name; "Label overrides supported with the CodeBuild-hosted
 * GitHub Actions runner", same guide and date).
 *
 * Why CodeBuild rather than the alternatives:
 * - self-hosted runners on EC2 are long-lived hosts this team would patch, harden and scale, and a
 *   runner that serves job after job carries one job's leftovers (files, credentials) into the next;
 * - Actions Runner Controller in the cluster would run the jobs that deploy the cluster inside it:
 *   the first `up` has no cluster to run in, and a broken cluster could not be repaired from CI;
 * - CodeBuild starts a fresh container per job and throws it away afterwards, admits nothing inbound,
 *   is a HIPAA-eligible service, logs every build to CloudWatch, and needs no host of ours.
 *
 * The build's role is not the deploy role: it can only write its own logs, place its network
 * interfaces in the private subnets and use the GitHub connection. The job itself still exchanges
 * GitHub's OIDC token for the stack's deploy or preview role, exactly as on a GitHub-hosted runner.
 */
import * as aws from "./aws";
import * as pulumi from "@pulumi/pulumi";
import { grantToRole, policyDocument } from "./iam";
import { PlatformContext } from "./context";

/** The runner label of a project is this prefix, the project name, then run id and attempt. */
export const RUNNER_LABEL_PREFIX = "codebuild-";

/**
 * Amazon Linux 2023 standard image, listed for CodeBuild-hosted runners as `linux` / `5.0` ("Compute
 * images supported with the CodeBuild-hosted GitHub Actions runner", checked 2026-12-01); it carries
 * the AWS CLI the kubeconfig's `aws eks get-token` calls.
 */
export const RUNNER_IMAGE = "aws/codebuild/amazonlinux-x86_64-standard:5.0";
/** 4 vCPUs and 7 GB: the offline preview, the policy pack and `pulumi up` run in one job. */
export const RUNNER_COMPUTE_TYPE = "BUILD_GENERAL1_MEDIUM";
const HTTPS = 443;

export interface CiRunnerArgs {
    /** CodeBuild project name, unique per account and region, e.g. clinical-platform-production-runner. */
    projectName: string;
    /** GitHub repository, owner/name, whose queued workflow jobs start builds. */
    repository: string;
    /** CodeConnections (or CodeStar Connections) connection to GitHub; approved once by hand in the console. */
    connectionArn: string;
    /** The stack's account and region; the role's grants name resources in them. */
    accountId: string;
    region: string;
    vpcId: pulumi.Input<string>;
    /** The private (app) subnets: NAT egress and a route to the cluster's API endpoint. */
    privateSubnetIds: pulumi.Input<string>[];
    /** The stack's shared inputs: tags and protection, the logs key and retention (components/context.ts). */
    context: PlatformContext;
    /** Minutes a job may run; a build still running then is stopped. */
    buildTimeoutMinutes?: number;
}

export class CiRunner extends pulumi.ComponentResource {
    readonly projectName: pulumi.Output<string>;
    /** The runner's group; the cluster admits its API port from this group only. */
    readonly securityGroupId: pulumi.Output<string>;
    /** The label a workflow job names, without `-${{ github.run_id }}-${{ github.run_attempt }}`. */
    readonly labelPrefix: string;

    constructor(name: string, args: CiRunnerArgs, opts?: pulumi.ComponentResourceOptions) {
        super("clinical-platform:ci:Runner", name, {}, opts);
        const parent = { parent: this };
        const partition = aws.getPartitionOutput({}, parent).partition;
        const projectArn = pulumi.interpolate`arn:${partition}:codebuild:${args.region}:${args.accountId}:project/${args.projectName}`;

        const logGroup = new aws.cloudwatch.LogGroup(`${name}-logs`, {
            name: `/aws/codebuild/${args.projectName}`,
            retentionInDays: args.context.logs.retentionDays,
            kmsKeyId: args.context.logs.keyArn,
        }, parent);

        // Egress only: a build is reached by nothing; it calls out to GitHub, AWS APIs, the npm
        // registry (through the NAT gateway) and the cluster's private endpoint, all over HTTPS.
        const group = new aws.ec2.SecurityGroup(`${name}-group`, {
            vpcId: args.vpcId,
            description: `CI runner ${args.projectName}: HTTPS out, nothing in`,
            tags: { Name: `${name}-group` },
        }, parent);
        new aws.vpc.SecurityGroupEgressRule(`${name}-https-out`, {
            securityGroupId: group.id,
            cidrIpv4: "0.0.0.0/0",
            ipProtocol: "tcp",
            fromPort: HTTPS,
            toPort: HTTPS,
            description: "HTTPS to GitHub, AWS APIs, the package registry and the cluster API",
        }, parent);

        // Only CodeBuild acting for this one project may assume the role (confused-deputy guard).
        const role = new aws.iam.Role(`${name}-role`, {
            description: `CodeBuild service role of the CI runner ${args.projectName}`,
            assumeRolePolicy: policyDocument([{
                Effect: "Allow",
                Principal: { Service: "codebuild.amazonaws.com" },
                Action: "sts:AssumeRole",
                Condition: {
                    StringEquals: { "aws:SourceAccount": args.accountId },
                    ArnLike: { "aws:SourceArn": projectArn },
                },
            }]),
        }, parent);

        const subnetArns = args.privateSubnetIds.map((id) => pulumi.interpolate`arn:${partition}:ec2:${args.region}:${args.accountId}:subnet/${id}`);
        // The connection's IAM prefix follows its ARN (codeconnections or the older codestar-connections).
        const connectionService = args.connectionArn.split(":")[2];
        const grant = grantToRole(this, `${name}-role`, role, [
            {
                Sid: "BuildLogs",
                Effect: "Allow",
                Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
                Resource: [logGroup.arn, pulumi.interpolate`${logGroup.arn}:*`],
            },
            // What CodeBuild needs to run a build in a VPC ("Allow CodeBuild access to AWS services required
            // to create a VPC network interface", CodeBuild User Guide, checked 2026-12-01). These EC2
            // actions take no resource-level scoping, so they are on "*".
            {
                Sid: "VpcNetworkInterfaces",
                Effect: "Allow",
                Action: [
                    "ec2:CreateNetworkInterface",
                    "ec2:DeleteNetworkInterface",
                    "ec2:DescribeDhcpOptions",
                    "ec2:DescribeNetworkInterfaces",
                    "ec2:DescribeSecurityGroups",
                    "ec2:DescribeSubnets",
                    "ec2:DescribeVpcs",
                ],
                Resource: "*",
            },
            {
                Sid: "VpcInterfacePermissionForCodeBuild",
                Effect: "Allow",
                Action: "ec2:CreateNetworkInterfacePermission",
                Resource: pulumi.interpolate`arn:${partition}:ec2:${args.region}:${args.accountId}:network-interface/*`,
                Condition: {
                    StringEquals: { "ec2:AuthorizedService": "codebuild.amazonaws.com" },
                    ArnEquals: { "ec2:Subnet": subnetArns },
                },
            },
            {
                Sid: "GitHubConnection",
                Effect: "Allow",
                Action: [`${connectionService}:GetConnectionToken`, `${connectionService}:GetConnection`, `${connectionService}:UseConnection`],
                Resource: args.connectionArn,
            },
        ]);

        const project = new aws.codebuild.Project(name, {
            name: args.projectName,
            description: `Ephemeral GitHub Actions runner for ${args.repository}, one build per queued job`,
            serviceRole: role.arn,
            source: {
                type: "GITHUB",
                location: `https://github.com/${args.repository}.git`,
                auth: { type: "CODECONNECTIONS", resource: args.connectionArn },
            },
            // The job checks out what it needs itself and keeps nothing: no artifacts, no cache.
            artifacts: { type: "NO_ARTIFACTS" },
            environment: {
                type: "LINUX_CONTAINER",
                computeType: RUNNER_COMPUTE_TYPE,
                image: RUNNER_IMAGE,
                imagePullCredentialsType: "CODEBUILD",
                // No Docker daemon: nothing here builds images.
                privilegedMode: false,
            },
            vpcConfig: { vpcId: args.vpcId, subnets: args.privateSubnetIds, securityGroupIds: [group.id] },
            logsConfig: {
                cloudwatchLogs: { status: "ENABLED", groupName: logGroup.name },
                s3Logs: { status: "DISABLED" },
            },
            buildTimeout: args.buildTimeoutMinutes ?? 150,
            queuedTimeout: 60,
            projectVisibility: "PRIVATE",
            // CodeBuild checks the VPC permissions of the role when the project is created
            // (aws/aws-cdk#2662, checked 2026-12-01), so the grant comes first.
        }, { parent: this, dependsOn: [grant] });

        // GitHub tells CodeBuild of every queued job; CodeBuild starts a build only for a job whose
        // label names this project.
        new aws.codebuild.Webhook(name, {
            projectName: project.name,
            buildType: "BUILD",
            filterGroups: [{ filters: [{ type: "EVENT", pattern: "WORKFLOW_JOB_QUEUED" }] }],
        }, parent);

        this.projectName = project.name;
        this.securityGroupId = group.id;
        this.labelPrefix = `${RUNNER_LABEL_PREFIX}${args.projectName}`;
        this.registerOutputs({ projectName: this.projectName, securityGroupId: this.securityGroupId, labelPrefix: this.labelPrefix });
    }
}
