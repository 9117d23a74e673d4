// @ts-check
/**
 * Automatic rollback: when one of the candidate slot's release alarms enters ALARM, send all
 * traffic of the weighted listener back to the stable slot, then have the stack file catch up.
 *
 * 1. The switch comes first and waits for nothing else: one ModifyListener call sets the
 *    listener's forward action to the stable slot's target group at weight 100 and the
 *    candidate's at 0, stickiness off as the program declares it. A second event (the other
 *    alarm, or a redelivery) finds the stable slot at 100 already and only logs.
 * 2. Then the traffic workflow is dispatched with `action=rollback`, so the stack file records the
 *    same weights and the next `pulumi up` agrees instead of undoing the switch. If the token is
 *    missing or GitHub refuses, the listener stays switched, the alarm topic is told that the
 *    stack file must catch up, and the invocation fails so its on-failure destination keeps it.
 *
 * Plain JavaScript under `// @ts-check`, like the rotation function, so the file Lambda runs is
 * the file reviewed. The AWS SDK clients come from the Lambda Node.js runtime, which ships the
 * AWS SDK for JavaScript v3; they are loaded only in the entry point, so specs and the benchmark
 * drive the handler with fakes of the few calls it makes.
 */

const WORKFLOW_FILE = "traffic.yml";
/** GitHub REST API version the request is written against (docs.github.com, "API versions"). */
const GITHUB_API_VERSION = "2022-11-28";
const GITHUB_TIMEOUT_MS = 10_000;

/**
 * The parts of a "CloudWatch Alarm State Change" event the function reads. Shape as in the
 * CloudWatch User Guide, "Alarm events and EventBridge"
 * (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/cloudwatch-and-eventbridge.html,
 * read 2026-12-01): source "aws.cloudwatch", detail.alarmName, detail.state.value and .timestamp.
 * @typedef {object} AlarmEvent
 * @property {string} [id]
 * @property {string} [source]
 * @property {string} [detail-type]
 * @property {string} [time]
 * @property {{ alarmName?: string, state?: { value?: string, timestamp?: string, reason?: string } }} [detail]
 */

/**
 * @typedef {object} TargetGroupWeight
 * @property {string} [TargetGroupArn]
 * @property {number} [Weight]
 */

/**
 * @typedef {object} ListenerAction
 * @property {string} [Type]
 * @property {string} [TargetGroupArn]
 * @property {{ TargetGroups?: TargetGroupWeight[], TargetGroupStickinessConfig?: { Enabled?: boolean } }} [ForwardConfig]
 */

/**
 * The load balancer calls the function makes, shaped as the ELBv2 API (DescribeListeners,
 * ModifyListener). The entry point adapts the SDK client; specs pass a fake.
 * @typedef {object} LoadBalancerApi
 * @property {(input: { ListenerArns: string[] }) => Promise<{ Listeners?: Array<{ ListenerArn?: string, DefaultActions?: ListenerAction[] }> }>} describeListeners
 * @property {(input: { ListenerArn: string, DefaultActions: ListenerAction[] }) => Promise<unknown>} modifyListener
 */

/**
 * @typedef {object} SecretsApi
 * @property {(input: { SecretId: string }) => Promise<{ SecretString?: string }>} getSecretValue
 */

/**
 * @typedef {object} TopicApi
 * @property {(input: { TopicArn: string, Subject: string, Message: string }) => Promise<unknown>} publish
 */

/**
 * @typedef {(url: string, init: { method: string, headers: Record<string, string>, body: string, signal?: AbortSignal }) => Promise<{ status: number, text(): Promise<string> }>} Fetch
 */

/**
 * @typedef {object} Clients
 * @property {LoadBalancerApi} elb
 * @property {SecretsApi} secrets
 * @property {TopicApi} sns
 * @property {Fetch} fetch
 * @property {(record: Record<string, unknown>) => void} log One structured record per line.
 */

/**
 * What the function is configured with, from its (KMS-encrypted) environment.
 * @typedef {object} RollbackConfig
 * @property {string} listenerArn The weighted listener, the only one the function may change.
 * @property {string} stableSlot
 * @property {string} stableTargetGroupArn
 * @property {string} candidateSlot
 * @property {string} candidateTargetGroupArn
 * @property {string[]} alarmNames The candidate's release alarms; any other alarm is ignored.
 * @property {string} stack Stack name, the workflow's `stack` input.
 * @property {string} repository GitHub owner/name holding the traffic workflow.
 * @property {string} tokenSecretArn Secret with the GitHub token that may dispatch it.
 * @property {string} topicArn Alarm topic told when the stack file must catch up by hand.
 * @property {boolean} breakGlass Dispatch as break-glass with an incident reference (production).
 */

/**
 * @typedef {object} Outcome
 * @property {"ignored" | "already-stable" | "switched"} action
 * @property {Record<string, number>} [before]
 * @property {Record<string, number>} [after]
 */

/**
 * Reads and checks the configuration; names every variable that is missing or wrong.
 * @param {Record<string, string | undefined>} env
 * @returns {RollbackConfig}
 */
function configFrom(env) {
    /** @type {string[]} */
    const problems = [];
    /** @param {string} name */
    const required = (name) => {
        const value = env[name];
        if (value === undefined || value.trim() === "") {
            problems.push(`${name} is not set`);
            return "";
        }
        return value;
    };
    const alarmNames = required("ALARM_NAMES").split(",").map((name) => name.trim()).filter(Boolean);
    const repository = required("REPOSITORY");
    if (repository && !/^[A-Za-z0-9-]+\/[A-Za-z0-9._-]+$/.test(repository)) problems.push(`REPOSITORY must be owner/name, got ${JSON.stringify(repository)}`);
    const breakGlass = env.BREAK_GLASS ?? "false";
    if (breakGlass !== "true" && breakGlass !== "false") problems.push(`BREAK_GLASS must be "true" or "false", got ${JSON.stringify(breakGlass)}`);
    const config = {
        listenerArn: required("LISTENER_ARN"),
        stableSlot: required("STABLE_SLOT"),
        stableTargetGroupArn: required("STABLE_TARGET_GROUP_ARN"),
        candidateSlot: required("CANDIDATE_SLOT"),
        candidateTargetGroupArn: required("CANDIDATE_TARGET_GROUP_ARN"),
        alarmNames,
        stack: required("STACK"),
        repository,
        tokenSecretArn: required("TOKEN_SECRET_ARN"),
        topicArn: required("ALARM_TOPIC_ARN"),
        breakGlass: breakGlass === "true",
    };
    if (config.stableTargetGroupArn && config.stableTargetGroupArn === config.candidateTargetGroupArn) {
        problems.push("STABLE_TARGET_GROUP_ARN and CANDIDATE_TARGET_GROUP_ARN must differ");
    }
    if (problems.length > 0) throw new Error(`automatic rollback is misconfigured: ${problems.join("; ")}`);
    return config;
}

/**
 * The time the alarm entered ALARM: the state's timestamp (`2019-10-02T17:04:40.985+0000`), else
 * the event's time.
 * @param {AlarmEvent} event
 * @returns {Date}
 */
function alarmSince(event) {
    const raw = event.detail?.state?.timestamp ?? event.time ?? "";
    // JavaScript's date parser wants the offset as +00:00.
    const since = new Date(raw.replace(/([+-]\d\d)(\d\d)$/, "$1:$2"));
    return Number.isNaN(since.getTime()) ? new Date() : since;
}

/**
 * `yyyymmddThhmmZ` in UTC, the incident reference's time part.
 * @param {Date} date
 */
function compactUtc(date) {
    const iso = date.toISOString();
    return `${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}T${iso.slice(11, 13)}${iso.slice(14, 16)}Z`;
}

/**
 * The traffic workflow's inputs for this rollback (the interface agreed with the workflow).
 * @param {RollbackConfig} config
 * @param {string} alarm
 * @param {Date} since
 * @returns {Record<string, string>}
 */
function workflowInputs(config, alarm, since) {
    return {
        stack: config.stack,
        action: "rollback",
        argument: "",
        reason: `automatic rollback: ${alarm} in ALARM since ${since.toISOString().replace(/\.\d{3}Z$/, "Z")}`,
        incident: config.breakGlass ? `auto-${alarm}-${compactUtc(since)}` : "",
        break_glass: config.breakGlass ? "true" : "false",
    };
}

/**
 * The listener's forward weights by slot; a target group the function does not know is kept by ARN.
 * @param {ListenerAction[]} actions
 * @param {RollbackConfig} config
 * @returns {Record<string, number>}
 */
function weightsOf(actions, config) {
    const forward = actions.find((action) => action.Type === "forward");
    if (!forward) throw new Error(`listener ${config.listenerArn} has no forward action`);
    const groups = forward.ForwardConfig?.TargetGroups
        ?? (forward.TargetGroupArn ? [{ TargetGroupArn: forward.TargetGroupArn, Weight: 1 }] : []);
    const total = groups.reduce((sum, group) => sum + (group.Weight ?? 1), 0);
    /** @type {Record<string, number>} */
    const weights = { [config.stableSlot]: 0, [config.candidateSlot]: 0 };
    for (const group of groups) {
        const slot = group.TargetGroupArn === config.stableTargetGroupArn ? config.stableSlot
            : group.TargetGroupArn === config.candidateTargetGroupArn ? config.candidateSlot
                : String(group.TargetGroupArn);
        // As a percentage: ELB weights are relative (0-999), the stack file's are shares of 100.
        weights[slot] = total === 0 ? 0 : Math.round(100 * (group.Weight ?? 1) / total);
    }
    return weights;
}

/**
 * The forward action that sends everything to the stable slot. Stickiness stays off, as the
 * program declares it on the listener: every request follows the weights.
 * @param {RollbackConfig} config
 * @returns {ListenerAction[]}
 */
function stableOnly(config) {
    return [{
        Type: "forward",
        ForwardConfig: {
            TargetGroups: [
                { TargetGroupArn: config.stableTargetGroupArn, Weight: 100 },
                { TargetGroupArn: config.candidateTargetGroupArn, Weight: 0 },
            ],
            TargetGroupStickinessConfig: { Enabled: false },
        },
    }];
}

/**
 * Dispatches the traffic workflow ("Create a workflow dispatch event",
 * https://docs.github.com/en/rest/actions/workflows#create-a-workflow-dispatch-event, read
 * 2026-12-01: POST /repos/{owner}/{repo}/actions/workflows/{workflow_id}/dispatches with `ref`
 * and `inputs`, a fine-grained token with Actions write; 204 No Content on success, 200 only
 * when run details are asked for).
 * @param {Clients} clients
 * @param {RollbackConfig} config
 * @param {Record<string, string>} inputs
 */
async function dispatchWorkflow(clients, config, inputs) {
    const secret = await clients.secrets.getSecretValue({ SecretId: config.tokenSecretArn });
    const token = (secret.SecretString ?? "").trim();
    if (!token) throw new Error(`the GitHub token secret ${config.tokenSecretArn} is empty`);
    const response = await clients.fetch(`https://api.github.com/repos/${config.repository}/actions/workflows/${WORKFLOW_FILE}/dispatches`, {
        method: "POST",
        headers: {
            Accept: "application/vnd.github+json",
            Authorization: `Bearer ${token}`,
            "Content-Type": "application/json",
            "User-Agent": "clinical-platform-auto-rollback",
            "X-GitHub-Api-Version": GITHUB_API_VERSION,
        },
        body: JSON.stringify({ ref: "main", inputs }),
        signal: AbortSignal.timeout(GITHUB_TIMEOUT_MS),
    });
    if (response.status !== 204 && response.status !== 200) {
        const body = (await response.text().catch(() => "")).slice(0, 500);
        throw new Error(`GitHub refused the workflow dispatch: HTTP ${response.status} ${body}`);
    }
}

/**
 * @param {unknown} error
 * @returns {string}
 */
function messageOf(error) {
    return error instanceof Error ? error.message : String(error);
}

/**
 * Builds the handler around its clients and configuration.
 * @param {Clients} clients
 * @param {RollbackConfig} config
 * @returns {(event: AlarmEvent, context?: { invokedFunctionArn?: string, functionName?: string }) => Promise<Outcome>}
 */
function createHandler(clients, config) {
    return async (event, context) => {
        const who = context?.invokedFunctionArn ?? context?.functionName ?? "auto-rollback";
        const alarm = event.detail?.alarmName ?? "";
        const state = event.detail?.state?.value;
        const base = { who, alarm, state, eventId: event.id, listener: config.listenerArn };
        if (event.source !== "aws.cloudwatch" || event["detail-type"] !== "CloudWatch Alarm State Change"
            || state !== "ALARM" || !config.alarmNames.includes(alarm)) {
            clients.log({ ...base, outcome: "ignored", why: "not a release alarm of the candidate entering ALARM", watched: config.alarmNames });
            return { action: "ignored" };
        }
        const since = alarmSince(event);

        let before;
        try {
            const described = await clients.elb.describeListeners({ ListenerArns: [config.listenerArn] });
            const listener = (described.Listeners ?? []).find((l) => l.ListenerArn === config.listenerArn);
            if (!listener) throw new Error(`listener ${config.listenerArn} was not found`);
            before = weightsOf(listener.DefaultActions ?? [], config);
            if (before[config.stableSlot] === 100) {
                clients.log({ ...base, outcome: "already-stable", before });
                return { action: "already-stable", before };
            }
            await clients.elb.modifyListener({ ListenerArn: config.listenerArn, DefaultActions: stableOnly(config) });
        } catch (error) {
            const reason = messageOf(error);
            clients.log({ ...base, outcome: "switch-failed", before, error: reason });
            await notify(clients, config, `${config.stack}: automatic rollback FAILED, traffic unchanged`, [
                `${alarm} entered ALARM at ${since.toISOString()}, and switching listener ${config.listenerArn} to slot ${config.stableSlot} failed: ${reason}`,
                `Roll back by hand now (docs/runbooks/emergency-rollback.md): the traffic workflow with stack=${config.stack}, action=rollback.`,
            ]);
            throw error;
        }
        const after = { [config.stableSlot]: 100, [config.candidateSlot]: 0 };
        // The audit record of the switch itself; the workflow's own record follows in the repository.
        clients.log({ ...base, outcome: "switched", since: since.toISOString(), before, after, stableSlot: config.stableSlot, candidateSlot: config.candidateSlot });

        const inputs = workflowInputs(config, alarm, since);
        try {
            await dispatchWorkflow(clients, config, inputs);
            clients.log({ ...base, outcome: "workflow-dispatched", repository: config.repository, workflow: WORKFLOW_FILE, inputs });
        } catch (error) {
            const reason = messageOf(error);
            clients.log({ ...base, outcome: "workflow-dispatch-failed", error: reason, inputs });
            await notify(clients, config, `${config.stack}: traffic rolled back; the stack file must catch up`, [
                `${alarm} entered ALARM at ${since.toISOString()}; listener ${config.listenerArn} now sends 100 % to slot ${config.stableSlot} and 0 % to slot ${config.candidateSlot}.`,
                `Dispatching the traffic workflow failed: ${reason}`,
                `Run traffic rollback now (stack=${config.stack}, action=rollback, reason "${inputs.reason}"${config.breakGlass ? `, break_glass=true, incident ${inputs.incident}` : ""}), before any pulumi up: until the stack file says so, the next up sends traffic back to slot ${config.candidateSlot}.`,
            ]);
            throw new Error(`traffic switched to slot ${config.stableSlot}, but the stack file must catch up: ${reason}`, { cause: error });
        }
        return { action: "switched", before, after };
    };
}

/**
 * Tells the alarm topic; a failure to do so is logged, never hides the original failure.
 * @param {Clients} clients
 * @param {RollbackConfig} config
 * @param {string} subject
 * @param {string[]} lines
 */
async function notify(clients, config, subject, lines) {
    try {
        // SNS subjects: at most 100 printable ASCII characters.
        await clients.sns.publish({ TopicArn: config.topicArn, Subject: subject.slice(0, 100), Message: lines.join("\n\n") });
    } catch (error) {
        clients.log({ outcome: "notify-failed", topic: config.topicArn, error: messageOf(error) });
    }
}

/**
 * Loads a module of the runtime's AWS SDK. Not a static `require`: the SDK clients other than
 * Secrets Manager's are not dependencies of this repository, and the type checker would look for them.
 * @param {string} name
 * @returns {any}
 */
function runtimeModule(name) {
    return require(name);
}

/** @type {Clients | undefined} */
let defaultClients;
/** @type {RollbackConfig | undefined} */
let defaultConfig;

/** @returns {Clients} */
function sdkClients() {
    const elbv2 = runtimeModule("@aws-sdk/client-elastic-load-balancing-v2");
    const secretsManager = runtimeModule("@aws-sdk/client-secrets-manager");
    const sns = runtimeModule("@aws-sdk/client-sns");
    const elb = new elbv2.ElasticLoadBalancingV2Client({});
    const secrets = new secretsManager.SecretsManagerClient({});
    const topic = new sns.SNSClient({});
    return {
        elb: {
            describeListeners: (input) => elb.send(new elbv2.DescribeListenersCommand(input)),
            modifyListener: (input) => elb.send(new elbv2.ModifyListenerCommand(input)),
        },
        secrets: { getSecretValue: (input) => secrets.send(new secretsManager.GetSecretValueCommand(input)) },
        sns: { publish: (input) => topic.send(new sns.PublishCommand(input)) },
        fetch: (url, init) => fetch(url, init),
        log: (record) => console.log(JSON.stringify(record)),
    };
}

/**
 * The Lambda entry point (`index.handler`).
 * @param {AlarmEvent} event
 * @param {{ invokedFunctionArn?: string, functionName?: string }} [context]
 * @returns {Promise<Outcome>}
 */
async function handler(event, context) {
    defaultConfig ??= configFrom(process.env);
    defaultClients ??= sdkClients();
    return createHandler(defaultClients, defaultConfig)(event, context);
}

module.exports = { handler, createHandler, configFrom, workflowInputs, weightsOf, stableOnly };
