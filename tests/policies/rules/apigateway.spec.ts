import { APIGATEWAY, WAF } from "../../../policies/lib/types";
import * as rules from "../../../policies/rules/apigateway";
import { describeResourcePolicy, describeStackPolicy } from "../harness/cases";
import { type TestResource, UNKNOWN_VALUE as UNKNOWN, resource } from "../harness/server";

const REST_API = "aws:apigateway/restApi:RestApi";
const LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup";
const api = resource(REST_API, "records-api", { name: "records" });
const logs = resource(LOG_GROUP, "records-api-logs", { name: "/aws/apigateway/records", kmsKeyId: UNKNOWN, retentionInDays: 365 });
const accessLogs = { destinationArn: UNKNOWN, format: '{"requestId":"$context.requestId","ip":"$context.identity.sourceIp","status":"$context.status"}' };
const stage = (name: string, inputs: Record<string, unknown> = {}) =>
    resource(APIGATEWAY.stage, name, {
        restApi: UNKNOWN,
        deployment: UNKNOWN,
        stageName: name,
        accessLogSettings: accessLogs,
        cacheClusterEnabled: true,
        cacheClusterSize: "0.5",
        clientCertificateId: UNKNOWN,
        xrayTracingEnabled: true,
        ...inputs,
    }, { restApi: api, accessLogSettings: logs });
const prod = stage("prod");
const methodSettings = (target: TestResource, settings: Record<string, unknown>, methodPath = rules.ALL_METHODS, name = `${target.name}-settings`) =>
    resource(APIGATEWAY.methodSettings, name, { restApi: UNKNOWN, stageName: UNKNOWN, methodPath, settings }, { restApi: api, stageName: target });
const compliantSettings = { loggingLevel: "ERROR", metricsEnabled: true, cachingEnabled: true, cacheDataEncrypted: true };
const acl = resource(WAF.webAcl, "api-acl", { scope: "REGIONAL" });
const association = (target: TestResource) => resource(WAF.association, `${target.name}-waf`, { resourceArn: UNKNOWN, webAclArn: UNKNOWN }, { resourceArn: target, webAclArn: acl });

const v2Api = (name: string, protocolType: string) => resource(APIGATEWAY.v2Api, name, { name, protocolType });
const v2Stage = (name: string, target: TestResource, inputs: Record<string, unknown> = {}) =>
    resource(APIGATEWAY.v2Stage, name, { apiId: UNKNOWN, name: "$default", accessLogSettings: accessLogs, ...inputs }, { apiId: target });
const sockets = v2Api("notifications", "WEBSOCKET");
const http = v2Api("intake", "HTTP");

describe("API Gateway policies", () => {
    describeStackPolicy(rules.apigatewayWafAssociated, {
        accepts: {
            "a REST stage with a web ACL association": [api, prod, acl, association(prod)],
            "a REST stage associated by its literal ARN": [
                stage("prod", { restApi: "a1b2c3" }),
                resource(WAF.association, "literal-waf", { resourceArn: "arn:aws:apigateway:eu-west-1::/restapis/a1b2c3/stages/prod", webAclArn: UNKNOWN }),
            ],
        },
        notApplicable: {
            "an HTTP API stage, which WAF cannot protect": [http, v2Stage("intake-default", http)],
        },
        rejects: {
            "a REST stage with no association": {
                resources: [api, prod, stage("beta"), acl, association(stage("beta"))],
                offenders: ["prod"],
                message: /no WAF web ACL association/,
            },
            "an association naming another stage's ARN": {
                resources: [stage("prod", { restApi: "a1b2c3" }), resource(WAF.association, "other-waf", { resourceArn: "arn:aws:apigateway:eu-west-1::/restapis/a1b2c3/stages/beta", webAclArn: UNKNOWN })],
                offenders: ["prod"],
                message: /no WAF web ACL association/,
            },
        },
    });

    describeStackPolicy(rules.apigatewayExecutionLogging, {
        accepts: {
            "an HTTP API stage, which has no execution logs": [http, v2Stage("intake-default", http)],
            "a REST stage whose */* settings log errors": [api, prod, methodSettings(prod, compliantSettings)],
            "a REST stage whose */* settings log at INFO, named by literal stage name": [
                api, prod, resource(APIGATEWAY.methodSettings, "literal", { restApi: UNKNOWN, stageName: "prod", methodPath: "*/*", settings: { loggingLevel: "INFO" } }, { restApi: api }),
            ],
            "a WebSocket stage logging its default route": [sockets, v2Stage("notifications-live", sockets, { defaultRouteSettings: { loggingLevel: "ERROR" } })],
        },
        rejects: {
            "a REST stage without method settings": {
                resources: [api, prod],
                offenders: ["prod"],
                message: /No aws\.apigateway\.MethodSettings with methodPath "\*\/\*"/,
            },
            "a REST stage whose only settings are for one method": {
                resources: [api, prod, methodSettings(prod, compliantSettings, "records/GET")],
                offenders: ["prod"],
                message: /No aws\.apigateway\.MethodSettings/,
            },
            "a REST stage whose */* settings turn logging off": {
                resources: [api, prod, methodSettings(prod, { ...compliantSettings, loggingLevel: "OFF" })],
                offenders: ["prod"],
                message: /loggingLevel "OFF"; it must be ERROR or INFO/,
            },
            "a REST stage whose */* settings leave the level unset": {
                resources: [api, prod, methodSettings(prod, { metricsEnabled: true })],
                offenders: ["prod"],
                message: /loggingLevel unset \(OFF\)/,
            },
            "a WebSocket stage without a logging level": {
                resources: [sockets, v2Stage("notifications-live", sockets)],
                offenders: ["notifications-live"],
                message: /defaultRouteSettings\.loggingLevel is unset/,
            },
        },
    });

    describeResourcePolicy(rules.apigatewayAccessLogging, {
        accepts: {
            "a REST stage logging to its group": prod,
            "an HTTP API stage logging to its group": v2Stage("intake-default", http),
        },
        rejects: {
            "a REST stage without access logs": [stage("prod", { accessLogSettings: undefined }), /destinationArn is not set/],
            "an HTTP stage with an empty format": [v2Stage("intake-default", http, { accessLogSettings: { destinationArn: UNKNOWN, format: "" } }), /format is empty or unknown/],
            "a WebSocket stage with an empty destination": [v2Stage("notifications-live", sockets, { accessLogSettings: { destinationArn: "", format: "$context.requestId" } }), /destinationArn is not set/],
        },
    });

    describeResourcePolicy(rules.apigatewayClientCertificate, {
        accepts: {
            "a REST stage with the certificate created in the same update": prod,
        },
        rejects: {
            "a REST stage without a client certificate": [stage("prod", { clientCertificateId: undefined }), /clientCertificateId is not set/],
            "a REST stage with an empty certificate id": [stage("prod", { clientCertificateId: "" }), /clientCertificateId is not set/],
        },
    });

    describeStackPolicy(rules.apigatewayCacheEncrypted, {
        accepts: {
            "a REST stage caching everything encrypted": [api, prod, methodSettings(prod, compliantSettings)],
            "a REST stage that also caches one method encrypted": [api, prod, methodSettings(prod, compliantSettings), methodSettings(prod, { cachingEnabled: true, cacheDataEncrypted: true, cacheTtlInSeconds: 60 }, "records/GET", "get")],
        },
        rejects: {
            "a REST stage without a cache cluster": {
                resources: [api, stage("prod", { cacheClusterEnabled: false }), methodSettings(stage("prod"), compliantSettings)],
                offenders: ["prod"],
                message: /does not cache with encryption/,
            },
            "a REST stage caching unencrypted": {
                resources: [api, prod, methodSettings(prod, { ...compliantSettings, cacheDataEncrypted: false })],
                offenders: ["prod"],
                message: /\*\/\* cache responses without settings\.cacheDataEncrypted/,
            },
            "a REST stage with one method caching unencrypted": {
                resources: [api, prod, methodSettings(prod, compliantSettings), methodSettings(prod, { cachingEnabled: true }, "records/GET", "get")],
                offenders: ["prod"],
                message: /records\/GET cache responses without/,
            },
            "a REST stage with no method settings": {
                resources: [api, prod],
                offenders: ["prod"],
                message: /does not cache with encryption/,
            },
        },
    });

    describeResourcePolicy(rules.apigatewayXrayTracing, {
        accepts: {
            "a traced REST stage": prod,
        },
        rejects: {
            "an untraced REST stage": [stage("prod", { xrayTracingEnabled: undefined }), /xrayTracingEnabled is not true/],
            "tracing unknown in preview": [stage("prod", { xrayTracingEnabled: UNKNOWN }), /unknown in preview/],
        },
    });

    describeResourcePolicy(rules.apigatewayNoDataTrace, {
        accepts: {
            "REST method settings logging errors only": methodSettings(prod, compliantSettings),
            "a WebSocket stage logging its routes without data": v2Stage("notifications-live", sockets, {
                defaultRouteSettings: { loggingLevel: "INFO", dataTraceEnabled: false },
                routeSettings: [{ routeKey: "$connect", loggingLevel: "ERROR" }],
            }),
        },
        notApplicable: {
            "a REST stage (its method settings are judged)": prod,
        },
        rejects: {
            "REST method settings tracing data": [methodSettings(prod, { ...compliantSettings, dataTraceEnabled: true }), /settings\.dataTraceEnabled is true/],
            "a tracing flag unknown in preview": [methodSettings(prod, { ...compliantSettings, dataTraceEnabled: UNKNOWN }), /unknown in preview/],
            "a WebSocket stage tracing every route": [v2Stage("notifications-live", sockets, { defaultRouteSettings: { loggingLevel: "INFO", dataTraceEnabled: true } }), /defaultRouteSettings\.dataTraceEnabled/],
            "a WebSocket stage tracing one route": [v2Stage("notifications-live", sockets, { routeSettings: [{ routeKey: "sendMessage", dataTraceEnabled: true }] }), /routeSettings for sendMessage/],
        },
    });
});
