/**
 * The application load balancer in front of both slots: internal (no address on the internet;
 * CloudFront reaches it through a VPC origin), TLS 1.2/1.3 only, invalid header fields dropped,
 * access logs to the log bucket. Port 80 only redirects. The HTTPS listener forwards to the two
 * slot target groups by weight, and the weights appear nowhere else, so a traffic change is a
 * change to this one listener.
 *
 * The test listener (TEST_PORT) sends every request to the candidate slot, whatever the weights:
 * the release's smoke tests reach the candidate there before it takes any user traffic. Only the
 * CI runner's group is admitted to it, and CloudFront's VPC origin reaches port 443 only, so no
 * user request arrives on it. It names the candidate's target group, which the weighted listener
 * names too: one target group may serve several listeners of the same load balancer ("Create an
 * HTTP listener for your Application Load Balancer", Prerequisites, Elastic Load Balancing User
 * Guide, https://docs.aws.amazon.com/elasticloadbalancing/latest/application/create-listener.html,
 * checked 2026-12-01).
 */
import * as aws from "../aws";
import * as pulumi from "@pulumi/pulumi";
import { SLOT_NAMES, SlotName } from "./slots";
import { PlatformContext } from "../context";

export const APP_PORT = 8080;
export const TLS_POLICY = "ELBSecurityPolicy-TLS13-1-2-2021-06";
export const READINESS_PATH = "/health/readiness";
/** Port of the test listener, which forwards everything to the candidate slot. */
export const TEST_PORT = 8443;

export interface SlotTargetGroup {
    arn: pulumi.Output<string>;
    /** The `targetgroup/…` suffix CloudWatch dimensions use. */
    arnSuffix: pulumi.Output<string>;
}

export interface SlotLoadBalancerArgs {
    /** The VPC the load balancer and target groups are in. */
    vpcId: pulumi.Input<string>;
    /** Private subnets, one per zone. */
    subnetIds: pulumi.Input<string>[];
    /** Regional ACM certificate for the HTTPS listener. */
    certificateArn: string;
    /** Bucket receiving access logs. */
    accessLogBucket: pulumi.Input<string>;
    /**
     * The bucket policy that lets load-balancer log delivery write there. The load balancer waits for
     * it: ELB test-writes to the bucket when access logging is turned on and refuses the setting
     * ("Access Denied for bucket") while the grant is missing.
     */
    accessLogBucketPolicy: pulumi.Resource;
    /** Key prefix of the access logs; the bucket policy grants delivery under it. */
    accessLogPrefix: string;
    /** Refuse deletion of the load balancer in AWS. */
    deletionProtection: boolean;
    /** The group the pods are in; the load balancer may reach it on the app port and nothing else. */
    podSecurityGroupId: pulumi.Input<string>;
    /** Share of traffic per slot, integers summing to 100. */
    weights: Readonly<Record<SlotName, number>>;
    /**
     * The slot the test listener forwards to: the one that is not stable, where releases are staged.
     * It follows the stable slot only, never the weights, so a traffic change leaves it alone.
     */
    candidateSlot: SlotName;
    /** The only group admitted to the test listener: the CI runner that runs the smoke tests. */
    testClientSecurityGroupId: pulumi.Input<string>;
    /**
     * What the weighted listener waits for before it forwards to a target group: the slots'
     * TargetGroupBindings. Until a group's binding exists nothing registers pods in it, so traffic
     * sent there would find no targets. The bindings are built after the target groups they name,
     * so callers pass a promise they resolve once the slots exist. The releases' migration Jobs
     * are among them: no traffic moves unless the migrations of the releases it goes to succeeded.
     */
    forwardAfter: pulumi.Input<pulumi.Resource[]>;
    /** The stack's shared inputs: tags and protection, the logs key and retention (components/context.ts). */
    context: PlatformContext;
}

export class SlotLoadBalancer extends pulumi.ComponentResource {
    readonly arn: pulumi.Output<string>;
    readonly arnSuffix: pulumi.Output<string>;
    readonly dnsName: pulumi.Output<string>;
    /** The load balancer's group; the edge adds the only ingress rules it has. */
    readonly securityGroupId: pulumi.Output<string>;
    readonly targetGroups: Record<SlotName, SlotTargetGroup>;
    /** The weighted HTTPS listener; the one resource a traffic change updates. */
    readonly trafficListener: aws.lb.Listener;
    /** The HTTPS listener on TEST_PORT that forwards everything to the candidate slot. */
    readonly testListener: aws.lb.Listener;

    constructor(name: string, args: SlotLoadBalancerArgs, opts?: pulumi.ComponentResourceOptions) {
        super("clinical-platform:blue-green:LoadBalancer", name, {}, opts);
        const parent = { parent: this };

        const group = defineSecurityGroup(name, args, parent);
        const loadBalancer = new aws.lb.LoadBalancer(name, {
            loadBalancerType: "application",
            internal: true,
            ipAddressType: "ipv4",
            subnets: args.subnetIds,
            securityGroups: [group.id],
            dropInvalidHeaderFields: true,
            enableDeletionProtection: args.deletionProtection,
            enableHttp2: true,
            idleTimeout: 60,
            accessLogs: { bucket: args.accessLogBucket, prefix: args.accessLogPrefix, enabled: true },
        }, { parent: this, dependsOn: [args.accessLogBucketPolicy] });
        this.targetGroups = defineTargetGroups(name, args, parent);
        const listeners = defineListeners(name, args, loadBalancer, this.targetGroups, parent);
        this.trafficListener = listeners.traffic;
        this.testListener = listeners.test;

        this.arn = loadBalancer.arn;
        this.arnSuffix = loadBalancer.arnSuffix;
        this.dnsName = loadBalancer.dnsName;
        this.securityGroupId = group.id;
        this.registerOutputs({
            arn: this.arn,
            arnSuffix: this.arnSuffix,
            dnsName: this.dnsName,
            securityGroupId: this.securityGroupId,
            targetGroups: this.targetGroups,
            trafficListenerArn: this.trafficListener.arn,
            testListenerArn: this.testListener.arn,
        });
    }
}

/** The load balancer's security group: to the pods on the app port, and the CI runner alone into the test listener. */
function defineSecurityGroup(name: string, args: SlotLoadBalancerArgs, parent: { parent: pulumi.Resource }): aws.ec2.SecurityGroup {
    const group = new aws.ec2.SecurityGroup(name, {
        vpcId: args.vpcId,
        description: "Clinical API load balancer; ingress from CloudFront only, egress to pods on the app port",
        tags: { Name: name },
    }, parent);
    new aws.vpc.SecurityGroupEgressRule(`${name}-to-pods`, {
        securityGroupId: group.id,
        referencedSecurityGroupId: args.podSecurityGroupId,
        ipProtocol: "tcp",
        fromPort: APP_PORT,
        toPort: APP_PORT,
        description: "Requests and health checks to the API pods",
    }, parent);
    new aws.vpc.SecurityGroupIngressRule(`${name}-into-pods`, {
        securityGroupId: args.podSecurityGroupId,
        referencedSecurityGroupId: group.id,
        ipProtocol: "tcp",
        fromPort: APP_PORT,
        toPort: APP_PORT,
        description: "API pods from the load balancer",
    }, parent);

    // The test listener admits the CI runner alone, in both groups: the runner's own egress is
    // HTTPS (443) only, so it gets an egress rule to this group on the test port as well.
    new aws.vpc.SecurityGroupIngressRule(`${name}-test-from-runner`, {
        securityGroupId: group.id,
        referencedSecurityGroupId: args.testClientSecurityGroupId,
        ipProtocol: "tcp",
        fromPort: TEST_PORT,
        toPort: TEST_PORT,
        description: "Smoke tests from the CI runner to the candidate's test listener",
    }, parent);
    new aws.vpc.SecurityGroupEgressRule(`${name}-runner-to-test`, {
        securityGroupId: args.testClientSecurityGroupId,
        referencedSecurityGroupId: group.id,
        ipProtocol: "tcp",
        fromPort: TEST_PORT,
        toPort: TEST_PORT,
        description: "Smoke tests to the candidate's test listener",
    }, parent);
    return group;
}

/** One IP target group per slot, health-checked on the readiness path. */
function defineTargetGroups(name: string, args: SlotLoadBalancerArgs, parent: { parent: pulumi.Resource }): Record<SlotName, SlotTargetGroup> {
    return Object.fromEntries(SLOT_NAMES.map((slot) => {
        // No fixed name: a change that replaces the group can create the new one before dropping the old.
        const targetGroup = new aws.lb.TargetGroup(`${name}-${slot}`, {
            vpcId: args.vpcId,
            targetType: "ip",
            protocol: "HTTP",
            protocolVersion: "HTTP1",
            port: APP_PORT,
            healthCheck: {
                enabled: true,
                protocol: "HTTP",
                path: READINESS_PATH,
                port: "traffic-port",
                matcher: "200",
                interval: 10,
                timeout: 5,
                healthyThreshold: 2,
                unhealthyThreshold: 2,
            },
            deregistrationDelay: 30,
            stickiness: { type: "lb_cookie", enabled: false },
            tags: { Slot: slot },
        }, parent);
        return [slot, { arn: targetGroup.arn, arnSuffix: targetGroup.arnSuffix }];
    })) as Record<SlotName, SlotTargetGroup>;
}

/** The HTTP redirect, the weighted HTTPS listener and the test listener that forwards to the candidate. */
function defineListeners(name: string, args: SlotLoadBalancerArgs, loadBalancer: aws.lb.LoadBalancer, targetGroups: Record<SlotName, SlotTargetGroup>, parent: { parent: pulumi.Resource }): { traffic: aws.lb.Listener; test: aws.lb.Listener } {
    new aws.lb.Listener(`${name}-http`, {
        loadBalancerArn: loadBalancer.arn,
        port: 80,
        protocol: "HTTP",
        defaultActions: [{ type: "redirect", redirect: { protocol: "HTTPS", port: "443", statusCode: "HTTP_301" } }],
    }, parent);
    const traffic = new aws.lb.Listener(`${name}-https`, {
        loadBalancerArn: loadBalancer.arn,
        port: 443,
        protocol: "HTTPS",
        sslPolicy: TLS_POLICY,
        certificateArn: args.certificateArn,
        defaultActions: [{
            type: "forward",
            forward: {
                targetGroups: SLOT_NAMES.map((slot) => ({ arn: targetGroups[slot].arn, weight: args.weights[slot] })),
                // Off: every request follows the weights, so a rollback moves all traffic at once. The
                // API is stateless (token auth), so a client needs no affinity to one slot.
                stickiness: { enabled: false, duration: 1 },
            },
        }],
    }, { ...parent, dependsOn: args.forwardAfter });
    const test = new aws.lb.Listener(`${name}-test`, {
        loadBalancerArn: loadBalancer.arn,
        port: TEST_PORT,
        protocol: "HTTPS",
        sslPolicy: TLS_POLICY,
        certificateArn: args.certificateArn,
        // targetGroupArn is the single-group form of a forward action (@pulumi/aws 7.48.0,
        // types/input.d.ts lb.ListenerDefaultAction; checked 2026-12-01): no weights to change.
        defaultActions: [{ type: "forward", targetGroupArn: targetGroups[args.candidateSlot].arn }],
    }, { ...parent, dependsOn: args.forwardAfter });
    return { traffic, test };
}
