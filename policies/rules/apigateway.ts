/**
 * API Gateway stages: behind a WAF web ACL, with execution and access logs, a client certificate
 * for the backend, an encrypted cache and X-Ray tracing.
 *
 * Which setting exists where (the `@pulumi/aws` 7.48.0 `.d.ts`, read 2026-12-01): a REST stage
 * (`aws.apigateway.Stage`) takes its method settings, logging level and cache flags among them,
 * from separate `aws.apigateway.MethodSettings` resources naming its API and stage name; a v2
 * stage (`aws.apigatewayv2.Stage`) has `defaultRouteSettings`, whose `loggingLevel` is "supported
 * only for WebSocket APIs". WAF associates with REST stages only ("an Amazon API Gateway stage
 * (REST only, HTTP is unsupported)", `wafv2.WebAclAssociation.resourceArn`), and client
 * certificates, caching and X-Ray tracing are REST stage inputs.
 */
import { type ClinicalPolicy, resourceRule, stackRule } from "../lib/policy";
import { type StackResource, refersTo } from "../lib/stack";
import { APIGATEWAY, WAF } from "../lib/types";
import { type Maybe, elements, isKnown, isUnknown, present, presentOrPending } from "../lib/values";

/** Inputs of `aws.apigateway.Stage` the rules read. */
export interface RestStageInputs {
    restApi?: Maybe<string>;
    stageName?: Maybe<string>;
    accessLogSettings?: Maybe<{ destinationArn?: Maybe<string>; format?: Maybe<string> }>;
    cacheClusterEnabled?: Maybe<boolean>;
    clientCertificateId?: Maybe<string>;
    xrayTracingEnabled?: Maybe<boolean>;
}

/** Inputs of `aws.apigateway.MethodSettings` the rules read. */
export interface MethodSettingsInputs {
    restApi?: Maybe<string>;
    stageName?: Maybe<string>;
    methodPath?: Maybe<string>;
    settings?: Maybe<{ loggingLevel?: Maybe<string>; cachingEnabled?: Maybe<boolean>; cacheDataEncrypted?: Maybe<boolean>; dataTraceEnabled?: Maybe<boolean> }>;
}

/** Inputs of `aws.apigatewayv2.Stage` the rules read. */
export interface V2StageInputs {
    apiId?: Maybe<string>;
    accessLogSettings?: Maybe<{ destinationArn?: Maybe<string>; format?: Maybe<string> }>;
    defaultRouteSettings?: Maybe<{ loggingLevel?: Maybe<string>; dataTraceEnabled?: Maybe<boolean> }>;
    routeSettings?: Maybe<Maybe<{ routeKey?: Maybe<string>; dataTraceEnabled?: Maybe<boolean> }>[]>;
}

interface V2ApiInputs {
    protocolType?: Maybe<string>;
}

/** The method path that applies settings to every method of a stage. */
export const ALL_METHODS = "*/*";
const LOGGING_LEVELS = new Set(["ERROR", "INFO"]);

/**
 * Whether a MethodSettings belongs to the stage: its stage name comes from the stage (a property
 * dependency), or names it, for the same REST API (the same API resource, or the same known id).
 */
function settingsOfStage(settings: StackResource, stage: StackResource): boolean {
    if (settings.propertyDependencies.stageName?.includes(stage.urn)) return true;
    const mine = settings.props<MethodSettingsInputs>();
    const theirs = stage.props<RestStageInputs>();
    if (!isKnown(mine.stageName) || mine.stageName !== theirs.stageName) return false;
    const apis = new Set(stage.propertyDependencies.restApi ?? []);
    if ((settings.propertyDependencies.restApi ?? []).some((urn) => apis.has(urn))) return true;
    return isKnown(mine.restApi) && mine.restApi === theirs.restApi;
}

/** The stage's `*` / `*` method settings, where stage-wide logging and caching are set. */
function stageWideSettings(stage: StackResource, all: StackResource[]): MethodSettingsInputs[] {
    return all
        .filter((settings) => settingsOfStage(settings, stage))
        .map((settings) => settings.props<MethodSettingsInputs>())
        .filter((settings) => settings.methodPath === ALL_METHODS);
}

function settingsOf(inputs: MethodSettingsInputs): { loggingLevel?: Maybe<string>; cachingEnabled?: Maybe<boolean>; cacheDataEncrypted?: Maybe<boolean> } {
    return isKnown(inputs.settings) ? inputs.settings : {};
}

export const apigatewayWafAssociated = stackRule({
    name: "apigateway-waf-associated",
    description: "Every API Gateway REST API stage is protected by an AWS WAF web ACL.",
    severity: "high",
    category: "network",
    hipaa: ["164.308(a)(1)(ii)(B)", "164.312(a)(1)"],
    soc2: ["CC6.6"],
    remediation: "Add an aws.wafv2.WebAclAssociation with resourceArn set to the stage's ARN and a REGIONAL web ACL.",
    anchors: { awsConfig: ["API_GW_ASSOCIATED_WITH_WAF"] },
    resourceTypes: [APIGATEWAY.stage],
    *check(stack) {
        const associations = stack.ofType(WAF.association);
        for (const stage of stack.ofType(APIGATEWAY.stage)) {
            const inputs = stage.props<RestStageInputs>();
            // A stage ARN is arn:<partition>:apigateway:<region>::/restapis/<id>/stages/<name>.
            const suffix = isKnown(inputs.restApi) && isKnown(inputs.stageName) ? `/restapis/${inputs.restApi}/stages/${inputs.stageName}` : undefined;
            const associated = associations.some((association) => {
                if (refersTo(association, "resourceArn", stage, ["arn"])) return true;
                const arn = association.props<{ resourceArn?: Maybe<string> }>().resourceArn;
                return suffix !== undefined && isKnown(arn) && arn.endsWith(suffix);
            });
            if (!associated) {
                yield { resource: stage, message: "The REST API stage has no WAF web ACL association (aws.wafv2.WebAclAssociation with its ARN as resourceArn)." };
            }
        }
    },
});

export const apigatewayExecutionLogging = stackRule({
    name: "apigateway-execution-logging",
    description: "API Gateway stages write execution logs at level ERROR or INFO: REST stages through `*/*` method settings, WebSocket stages through their default route settings.",
    severity: "high",
    category: "logging",
    hipaa: ["164.312(b)"],
    soc2: ["CC7.2"],
    remediation: "REST: add an aws.apigateway.MethodSettings for the stage with methodPath \"*/*\" and settings.loggingLevel \"ERROR\" or \"INFO\". WebSocket: set defaultRouteSettings.loggingLevel to \"ERROR\" or \"INFO\".",
    anchors: { awsConfig: ["API_GW_EXECUTION_LOGGING_ENABLED"], cdkNag: ["APIGWExecutionLoggingEnabled"] },
    resourceTypes: [APIGATEWAY.stage, APIGATEWAY.v2Stage],
    *check(stack) {
        const methodSettings = stack.ofType(APIGATEWAY.methodSettings);
        for (const stage of stack.ofType(APIGATEWAY.stage)) {
            const levels = stageWideSettings(stage, methodSettings).map((settings) => settingsOf(settings).loggingLevel);
            if (levels.length === 0) {
                yield { resource: stage, message: `No aws.apigateway.MethodSettings with methodPath "${ALL_METHODS}" sets this REST stage's loggingLevel, so it writes no execution logs.` };
            } else if (!levels.some((level) => isKnown(level) && LOGGING_LEVELS.has(level))) {
                yield { resource: stage, message: `The stage's "${ALL_METHODS}" method settings leave settings.loggingLevel ${describeLevel(levels[0])}; it must be ERROR or INFO.` };
            }
        }
        const apis = stack.ofType(APIGATEWAY.v2Api);
        for (const stage of stack.ofType(APIGATEWAY.v2Stage)) {
            // HTTP APIs have no execution logs (only access logs, judged by apigateway-access-logging).
            const api = apis.find((candidate) => refersTo(stage, "apiId", candidate, ["id"]));
            if (api === undefined || api.props<V2ApiInputs>().protocolType !== "WEBSOCKET") continue;
            const settings = stage.props<V2StageInputs>().defaultRouteSettings;
            const level = isKnown(settings) ? settings.loggingLevel : undefined;
            if (!isKnown(level) || !LOGGING_LEVELS.has(level)) {
                yield { resource: stage, message: `The WebSocket stage's defaultRouteSettings.loggingLevel is ${describeLevel(level)}; it must be ERROR or INFO.` };
            }
        }
    },
});

function describeLevel(level: Maybe<string>): string {
    if (isUnknown(level)) return "unknown in preview";
    return isKnown(level) ? `"${level}"` : "unset (OFF)";
}

export const apigatewayAccessLogging = resourceRule<RestStageInputs & V2StageInputs>({
    name: "apigateway-access-logging",
    description: "API Gateway stages (REST, HTTP and WebSocket) write access logs: who called which route, when, with what result.",
    severity: "high",
    category: "logging",
    hipaa: ["164.312(b)", "164.308(a)(1)(ii)(D)"],
    soc2: ["CC7.2"],
    remediation: "Set accessLogSettings with destinationArn (a log group under the logs key) and a format that records the request id, caller, route and status.",
    resourceTypes: [APIGATEWAY.stage, APIGATEWAY.v2Stage],
    *check(stage) {
        const settings = stage.accessLogSettings;
        if (!isKnown(settings) || !presentOrPending(settings.destinationArn)) {
            yield "accessLogSettings.destinationArn is not set, so the stage keeps no access log.";
        } else if (!present(settings.format)) {
            yield "accessLogSettings.format is empty or unknown, so what the access log records cannot be shown.";
        }
    },
});

export const apigatewayClientCertificate = resourceRule<RestStageInputs>({
    name: "apigateway-client-certificate",
    description: "API Gateway REST stages present a client certificate to their backend, so the backend can tell API Gateway's calls from anyone else's.",
    severity: "medium",
    category: "encryption",
    hipaa: ["164.312(e)(1)", "164.312(d)"],
    soc2: ["CC6.1", "CC6.7"],
    remediation: "Create an aws.apigateway.ClientCertificate and set clientCertificateId on the stage; have the backend verify it.",
    anchors: { awsConfig: ["API_GW_SSL_ENABLED"], cdkNag: ["APIGWSSLEnabled"] },
    resourceTypes: [APIGATEWAY.stage],
    *check(stage) {
        if (!presentOrPending(stage.clientCertificateId)) {
            yield "clientCertificateId is not set, so the backend cannot authenticate the calls API Gateway makes.";
        }
    },
});

export const apigatewayCacheEncrypted = stackRule({
    name: "apigateway-cache-encrypted",
    description: "API Gateway REST stages cache responses, and only encrypted: the stage's cache cluster is on and its `*/*` method settings encrypt the cached data.",
    severity: "medium",
    category: "encryption",
    hipaa: ["164.312(a)(2)(iv)", "164.308(a)(7)(i)"],
    soc2: ["CC6.1", "A1.2"],
    remediation: "Set cacheClusterEnabled on the stage, and in its \"*/*\" aws.apigateway.MethodSettings set settings.cachingEnabled and settings.cacheDataEncrypted to true.",
    anchors: { cdkNag: ["APIGWCacheEnabledAndEncrypted"] },
    resourceTypes: [APIGATEWAY.stage],
    *check(stack) {
        const methodSettings = stack.ofType(APIGATEWAY.methodSettings);
        for (const stage of stack.ofType(APIGATEWAY.stage)) {
            // Any method of the stage that caches must encrypt what it caches, not only `*/*`.
            const unencrypted = methodSettings
                .filter((settings) => settingsOfStage(settings, stage))
                .map((settings) => settings.props<MethodSettingsInputs>())
                .filter((settings) => settingsOf(settings).cachingEnabled === true && settingsOf(settings).cacheDataEncrypted !== true);
            if (unencrypted.length > 0) {
                const paths = unencrypted.map((settings) => (isKnown(settings.methodPath) ? settings.methodPath : "(unknown path)"));
                yield { resource: stage, message: `Method settings ${paths.join(", ")} cache responses without settings.cacheDataEncrypted, so cached data is stored unencrypted.` };
                continue;
            }
            const wide = stageWideSettings(stage, methodSettings).map(settingsOf);
            if (stage.props<RestStageInputs>().cacheClusterEnabled !== true || !wide.some((settings) => settings.cachingEnabled === true && settings.cacheDataEncrypted === true)) {
                yield { resource: stage, message: `The stage does not cache with encryption: it needs cacheClusterEnabled and "${ALL_METHODS}" method settings with cachingEnabled and cacheDataEncrypted.` };
            }
        }
    },
});

export const apigatewayXrayTracing = resourceRule<RestStageInputs>({
    name: "apigateway-xray-tracing",
    description: "API Gateway REST stages trace requests with AWS X-Ray, so a request can be followed through the services it reaches.",
    severity: "low",
    category: "logging",
    hipaa: ["164.312(b)"],
    soc2: ["CC7.2"],
    remediation: "Set xrayTracingEnabled: true on the stage.",
    anchors: { cdkNag: ["APIGWXrayEnabled"] },
    resourceTypes: [APIGATEWAY.stage],
    *check(stage) {
        if (stage.xrayTracingEnabled !== true) {
            yield `xrayTracingEnabled is ${isUnknown(stage.xrayTracingEnabled) ? "unknown in preview" : "not true"}, so the stage's requests are not traced.`;
        }
    },
});

/**
 * Neither anchor has this one. Data tracing logs whole requests and responses, bodies included
 * ("Set up CloudWatch logging for REST APIs in API Gateway": "we recommend that you don't enable
 * Data tracing for production APIs", API Gateway Developer Guide, read 2026-12-01): for a clinical
 * API, that copies PHI into log groups that are kept, searched and read far more widely than the database.
 */
export const apigatewayNoDataTrace = resourceRule<MethodSettingsInputs & V2StageInputs>({
    name: "apigateway-no-data-trace",
    description: "API Gateway never logs full request and response data (data tracing), which would copy PHI into the logs.",
    severity: "high",
    category: "logging",
    hipaa: ["164.308(a)(4)(i)", "164.312(a)(1)"],
    soc2: ["CC6.1", "C1.1"],
    remediation: "Set dataTraceEnabled to false (or leave it unset) in the method settings and route settings; keep execution logs at ERROR or INFO.",
    resourceTypes: [APIGATEWAY.methodSettings, APIGATEWAY.v2Stage],
    *check(inputs) {
        // An unknown flag may be true; unset means false (the API's default).
        const traces = (flag: Maybe<boolean>) => flag === true || isUnknown(flag);
        if (isKnown(inputs.settings) && traces(inputs.settings.dataTraceEnabled)) {
            yield `settings.dataTraceEnabled is ${isUnknown(inputs.settings.dataTraceEnabled) ? "unknown in preview" : "true"}, so full requests and responses may be written to the execution log.`;
        }
        const defaults = inputs.defaultRouteSettings;
        if (isKnown(defaults) && traces(defaults.dataTraceEnabled)) {
            yield "defaultRouteSettings.dataTraceEnabled is not false, so full messages of every route may be written to the execution log.";
        }
        for (const route of elements(inputs.routeSettings).known) {
            if (traces(route.dataTraceEnabled)) {
                yield `routeSettings for ${isKnown(route.routeKey) ? route.routeKey : "a route"} enable dataTraceEnabled, so its full messages may be written to the execution log.`;
            }
        }
    },
});

export const apigatewayPolicies: ClinicalPolicy[] = [
    apigatewayWafAssociated,
    apigatewayExecutionLogging,
    apigatewayAccessLogging,
    apigatewayClientCertificate,
    apigatewayCacheEncrypted,
    apigatewayXrayTracing,
    apigatewayNoDataTrace,
];
