/**
 * The shape of what a user writes in `Pulumi.<stack>.yaml`. Every leaf carries the sentence that
 * names what it expects, so a validation error reads "<key>: expected <that>, got <value>".
 */
import { z } from "zod";
import { DEFAULT_EKS_VERSION, eksVersionProblem } from "./eks-versions";
import { overridesSchema } from "./profile-schema";
import { AWS_REGIONS, UNSERVED_PARTITIONS } from "./regions";
import { ALERT_CHANNELS, ALERT_SEVERITIES, AlertSeverity } from "../components/alerting";
import { SLOT_NAMES } from "../components/blue-green/slots";
import { integer, oneOf, text } from "./schema-parts";

export const DATA_CLASSIFICATIONS = ["phi", "confidential", "internal"] as const;

const EMAIL = /^[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}$/;
const HOSTNAME = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;
// Only the commercial partition is served (see stacks/regions.ts), so only its ARNs are accepted.
export const ACM_CERTIFICATE_ARN = /^arn:aws:acm:([a-z0-9-]+):(\d{12}):certificate\/[0-9a-f-]{36}$/;
export const IAM_ROLE_ARN = /^arn:aws:iam::(\d{12}):role\/[\w+=,.@/-]{1,512}$/;
/** Connections made before the 2024 rename keep the codestar-connections prefix; CodeBuild takes either. */
export const CONNECTION_ARN = /^arn:aws:(codeconnections|codestar-connections):([a-z0-9-]+):(\d{12}):connection\/[0-9a-f-]{36}$/;
/** GitHub's owner (1-39 letters, digits, hyphens) and repository name rules. */
const GITHUB_REPOSITORY = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})\/[A-Za-z0-9._-]{1,100}$/;
const ROLE_TEXT = "an IAM role ARN (arn:aws:iam::<account>:role/<name>)";
const CIDR_TEXT = "an IPv4 CIDR block such as 10.20.0.0/16";
/** registry/repository:tag or …@sha256:digest; `latest` is refused because it cannot be rolled back to. */
const IMAGE = /^[a-z0-9]+([._-][a-z0-9]+)*(:\d+)?(\/[a-z0-9]+([._-][a-z0-9]+)*)*(:(?!latest$)[\w][\w.-]{0,127}|@sha256:[a-f0-9]{64})$/;

/** The partition a region belongs to when the platform cannot serve it. */
export function unservedPartitionOf(region: string) {
    return UNSERVED_PARTITIONS.find(({ pattern }) => pattern.test(region));
}

export const regionSchema = text(`an AWS region such as us-east-1 (one of ${AWS_REGIONS.length} known regions)`).refine(
    (value) => AWS_REGIONS.includes(value),
    {
        error: (issue) => {
            const unserved = typeof issue.input === "string" ? unservedPartitionOf(issue.input) : undefined;
            return unserved
                ? `a region of the commercial aws partition such as us-east-1; ${unserved.partition} is not served: ${unserved.reason}`
                : "a known AWS region such as us-east-1 or eu-central-1";
        },
    },
);

const slotSchema = z.strictObject({
    image: text("a pinned container image such as registry.example.com/clinical-api:1.4.2 (a tag other than latest, or a digest)", IMAGE).optional(),
    weight: integer(0, 100),
    /**
     * The slot's release migrates the shared database in a way the other slot's release cannot work
     * with (a contract step: a column dropped or renamed). Refused while the other slot carries
     * traffic (stacks/consistency.ts); `stage` clears it on the slot that was stable.
     */
    breakingMigration: z.boolean({ error: "true or false" }).optional(),
});

export { SLOT_NAMES } from "../components/blue-green/slots";
export type { SlotName } from "../components/blue-green/slots";

/**
 * ARN of automated backups RDS keeps or replicates in a region (RDS API reference,
 * DescribeDBInstanceAutomatedBackups, DBInstanceAutomatedBackupsArn; read 2026-12-01).
 */
export const AUTOMATED_BACKUPS_ARN = /^arn:aws:rds:([a-z0-9-]+):(\d{12}):auto-backup:ab-[a-z0-9]{1,255}$/;
export const KMS_KEY_ARN = /^arn:aws:kms:([a-z0-9-]+):(\d{12}):key\/[0-9a-f-]{36}$/;
/** `latest`, or an ISO 8601 UTC time to the second, as RestoreDBInstanceToPointInTime takes it. */
export const RESTORE_TIME = /^(latest|\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z)$/;

const standbySchema = z.strictObject({
    cidr: text(CIDR_TEXT),
    domain: text("a lower-case DNS name for the platform served from the DR region, such as dr.app.clinical.example.com", HOSTNAME),
    certificates: z.strictObject({
        edge: text("an ACM certificate ARN in us-east-1 for the DR domain", ACM_CERTIFICATE_ARN),
        regional: text("an ACM certificate ARN in the DR region for the DR domain", ACM_CERTIFICATE_ARN),
    }, { error: "an object with edge and regional certificate ARNs for the DR domain" }),
}, { error: "an object with the cidr, domain and certificates of the platform in the DR region" });

const restoreSchema = z.strictObject({
    automatedBackupsArn: text("the ARN of the replicated automated backups (arn:aws:rds:<region>:<account>:auto-backup:ab-…)", AUTOMATED_BACKUPS_ARN),
    kmsKeyArn: text("the ARN of the KMS key the replicated backups are encrypted with (arn:aws:kms:<region>:<account>:key/<uuid>)", KMS_KEY_ARN),
    time: text("latest, or a UTC time to the second such as 2026-12-01T09:30:00Z", RESTORE_TIME),
}, { error: "an object with automatedBackupsArn, kmsKeyArn and time" });

const appSchema = z.strictObject({
    stableSlot: oneOf(SLOT_NAMES),
    slots: z.strictObject({ blue: slotSchema, green: slotSchema }, { error: "an object with blue and green slots" }),
});

export type { ProfileOverrides } from "./profile-schema";

/**
 * What each release runs. The migration runs from the release's own image, so it is the
 * application's: an exec-form command (no shell), run to completion before the release takes traffic.
 * The smoke command runs on the stack's CI runner against the candidate's test route.
 */
const releaseSchema = z.strictObject({
    migration: z.strictObject({
        command: z.array(text("a non-empty argument"), { error: "an exec-form command as a list, such as [\"node\", \"dist/migrate.js\"]" })
            .min(1, { error: "a command of at least one word, such as [\"node\", \"dist/migrate.js\"]" }),
    }, { error: "an object with the migration command of each release" }),
    smoke: z.strictObject({
        command: text("a shell command run against the candidate, such as ./smoke.sh"),
    }).partial().default({}),
}, { error: "an object with the release's migration command (and optionally its smoke command)" });

/** Where alarms go: the channels a stack has, and which of them each severity reaches. */
export { ALERT_CHANNELS, ALERT_SEVERITIES } from "../components/alerting";
export type { AlertChannel, AlertSeverity } from "../components/alerting";

const REMOVED_ALERT_EMAILS_TEXT = "no value: alertEmails was replaced by clinical-platform:alerts, whose channels.email lists the addresses "
    + "and whose routing.warning and routing.critical name the channels each severity reaches (docs/runbooks/alarms.md)";
// Slack's ids as AWS Chatbot takes them (the v7 SlackChannelConfiguration docs give T07EA123LEP and
// C07EZ1ABC23; checked 2026-12-01): a workspace id starts with T, a channel id with C (or G, private).
const SLACK_TEAM_ID = /^T[0-9A-Z]{6,}$/;
const SLACK_CHANNEL_ID = /^[CG][0-9A-Z]{6,}$/;
// Secrets Manager's name alphabet (letters, digits, /_+=.@-), up to 512 characters.
const SECRET_NAME = /^[A-Za-z0-9/_+=.@-]{1,512}$/;
// A PagerDuty integration (routing) key is 32 letters and digits: the stack file must never hold one.
const LOOKS_LIKE_INTEGRATION_KEY = /^[A-Za-z0-9]{32}$/;

const channelList = (severity: AlertSeverity) => z.array(oneOf(ALERT_CHANNELS), { error: `a list of the channels ${severity} alarms reach, from ${ALERT_CHANNELS.join(", ")}` });

const alertsSchema = z.strictObject({
    channels: z.strictObject({
        email: z.array(text("an e-mail address such as oncall@example.com", EMAIL), { error: "a list of e-mail addresses" })
            .min(1, { error: "at least one e-mail address" }).optional(),
        // The workspace is authorised once in the AWS Chatbot console before the first deploy (docs/runbooks/alarms.md).
        slack: z.strictObject({
            teamId: text("the Slack workspace (team) id that AWS Chatbot was authorised for, such as T07EA123LEP", SLACK_TEAM_ID),
            channelId: text("a Slack channel id such as C07EZ1ABC23 (the channel's link ends with it)", SLACK_CHANNEL_ID),
        }, { error: "an object with the Slack teamId and channelId" }).optional(),
        pagerduty: z.strictObject({
            integrationKeySecret: text("the name of the Secrets Manager secret holding the PagerDuty integration key, such as clinical-platform/production/pagerduty", SECRET_NAME)
                .refine((name) => !LOOKS_LIKE_INTEGRATION_KEY.test(name), {
                    error: "the name of the Secrets Manager secret holding the integration key, never the key itself (docs/runbooks/alarms.md puts the key in the secret)",
                }),
        }, { error: "an object with integrationKeySecret, the name of the secret holding the PagerDuty integration key" }).optional(),
    }, { error: "an object with the alert channels: email, slack, pagerduty" }),
    routing: z.strictObject({
        warning: channelList("warning"),
        critical: channelList("critical").min(1, { error: "at least one channel: critical alarms must reach someone" }),
    }, { error: "an object with the channels warning and critical alarms reach" }),
}, { error: "an object with the alert channels and the routing of warning and critical alarms" }).superRefine((alerts, context) => {
    for (const severity of ALERT_SEVERITIES) {
        const routed = alerts.routing[severity];
        routed.forEach((channel, index) => {
            if (alerts.channels[channel] === undefined) {
                context.addIssue({ code: "custom", path: ["routing", severity, index], input: channel, message: `a channel configured under channels (${Object.keys(alerts.channels).join(", ") || "none is"}); ${channel} is not` });
            } else if (routed.indexOf(channel) !== index) {
                context.addIssue({ code: "custom", path: ["routing", severity, index], input: channel, message: "each channel once" });
            }
        });
    }
    for (const channel of ALERT_CHANNELS) {
        if (alerts.channels[channel] !== undefined && !ALERT_SEVERITIES.some((severity) => alerts.routing[severity].includes(channel))) {
            context.addIssue({ code: "custom", path: ["channels", channel], input: alerts.channels[channel], message: "a channel that routing.warning or routing.critical names (or remove it)" });
        }
    }
});
function yamlBoolean() {
    return z.preprocess((value) => (value === "true" ? true : value === "false" ? false : value), z.boolean({ error: "true or false" })).default(false);
}

/** Keys under the project's namespace, `clinical-platform:<key>`. */
export const projectConfigSchema = z.strictObject({
    owner: text("the owning team, such as clinical-platform-team or a team e-mail"),
    costCenter: text("a cost-centre code of 2–32 letters, digits or hyphens, such as CC-1042", /^[A-Za-z0-9-]{2,32}$/),
    // No default here: each environment's profile names the class it holds (dev holds no PHI).
    dataClassification: oneOf(DATA_CLASSIFICATIONS).optional(),
    // This stack creates the account's security baseline: what exists once per account (trail, IAM
    // password policy, S3 Block Public Access) and its own region's services (GuardDuty, Security Hub,
    // Config, EBS encryption by default); exactly one stack per account does (stacks/account.ts).
    // The CLI hands a top-level YAML boolean to the program as the text "true" or "false".
    ownsAccountResources: yamlBoolean(),
    // Owns its region's services only, in a region of the account other than the owner stack's.
    ownsRegionalResources: yamlBoolean(),
    domain: text("a lower-case DNS name such as app.clinical.example.com", HOSTNAME),
    certificates: z.strictObject({
        edge: text("an ACM certificate ARN (arn:aws:acm:us-east-1:<account>:certificate/<uuid>)", ACM_CERTIFICATE_ARN),
        regional: text("an ACM certificate ARN (arn:aws:acm:<region>:<account>:certificate/<uuid>)", ACM_CERTIFICATE_ARN),
    }, { error: "an object with edge and regional certificate ARNs" }),
    alertEmails: z.never({ error: REMOVED_ALERT_EMAILS_TEXT }).optional(),
    alerts: alertsSchema,
    network: z.strictObject({
        cidr: text(CIDR_TEXT),
        peerCidrs: z.array(text(CIDR_TEXT), { error: "a list of CIDR blocks" }).default([]),
    }, { error: "an object with the VPC cidr" }),
    cluster: z.strictObject({
        adminRoleArn: text(ROLE_TEXT, IAM_ROLE_ARN),
        // Refused once it leaves standard support, so a cluster never slides into paid extended support.
        version: text(`an EKS Kubernetes version such as ${DEFAULT_EKS_VERSION}`, /^1\.\d{2}$/)
            .superRefine((version, context) => {
                const problem = eksVersionProblem(version, new Date());
                if (problem) context.addIssue({ code: "custom", message: problem, input: version });
            })
            .default(DEFAULT_EKS_VERSION),
        publicAccessCidrs: z.array(text(CIDR_TEXT), { error: "a list of CIDR blocks" }).default([]),
    }, { error: "an object with the cluster adminRoleArn" }),
    // The CI that deploys the stack: its runner inside the VPC (components/ci-runner.ts) and the two
    // roles GitHub's OIDC tokens are exchanged for, each with its own EKS access entry.
    ci: z.strictObject({
        repository: text("the GitHub repository as owner/name, such as example-org/clinical-platform", GITHUB_REPOSITORY),
        connectionArn: text(
            "a CodeConnections connection ARN (arn:aws:codeconnections:<region>:<account>:connection/<uuid>), approved in the console",
            CONNECTION_ARN,
        ),
        deployRoleArn: text(`${ROLE_TEXT}: the role deploy workflows assume through GitHub OIDC`, IAM_ROLE_ARN),
        previewRoleArn: text(`${ROLE_TEXT}: the read-only role pull-request previews assume through GitHub OIDC`, IAM_ROLE_ARN),
    }, { error: "an object with the CI repository, connectionArn, deployRoleArn and previewRoleArn" }),
    // Disaster recovery (components/recovery): the region RDS backups are replicated to, the backups
    // bucket replicates to and AWS Backup copies to. Production must name one, dev may not
    // (stacks/consistency.ts).
    // In a DR stack (`<environment>-dr`), `restore` names the replicated backups its database is
    // restored from; `standby` in the home stack holds what differs when the platform runs in the DR
    // region (npm run restore writes the DR stack file from both, docs/runbooks/restore.md).
    recovery: z.strictObject({
        drRegion: regionSchema.optional(),
        standby: standbySchema.optional(),
        restore: restoreSchema.optional(),
    }, { error: "an object with the drRegion, such as { drRegion: us-west-2 }" }).optional(),
    app: appSchema,
    release: releaseSchema,
    overrides: overridesSchema.default({}),
});

export type ProjectConfig = z.infer<typeof projectConfigSchema>;
