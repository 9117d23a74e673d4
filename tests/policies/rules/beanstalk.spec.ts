import { BEANSTALK } from "../../../policies/lib/types";
import * as rules from "../../../policies/rules/beanstalk";
import { describeStackPolicy } from "../harness/cases";
import { type TestResource, UNKNOWN_VALUE as UNKNOWN, resource } from "../harness/server";

const setting = (namespace: string, name: string, value: unknown) => ({ namespace, name, value });
const managed = [
    setting(rules.MANAGED_ACTIONS, "ManagedActionsEnabled", "true"),
    setting(rules.MANAGED_ACTIONS, "PreferredStartTime", "Sun:02:00"),
    setting(rules.PLATFORM_UPDATE, "UpdateLevel", "minor"),
];
const enhanced = [setting(rules.HEALTH_REPORTING, "SystemType", "enhanced")];
const environment = (settings: unknown[], inputs: Record<string, unknown> = {}, references: Record<string, TestResource> = {}) =>
    resource(BEANSTALK.environment, "portal", { application: "portal", solutionStackName: "64bit Amazon Linux 2023 v6.6.0 running Node.js 22", settings, ...inputs }, references);
const template = (settings: unknown[]) => resource(BEANSTALK.configurationTemplate, "portal-template", { name: "portal-template", application: "portal", settings });

describe("Elastic Beanstalk policies", () => {
    describeStackPolicy(rules.beanstalkManagedUpdates, {
        accepts: {
            "an environment with managed minor updates": [environment([...managed, ...enhanced])],
            "an environment whose template turns them on": [template(managed), environment(enhanced, { templateName: UNKNOWN }, { templateName: template(managed) })],
        },
        rejects: {
            "an environment without managed actions": {
                resources: [environment(enhanced)],
                offenders: ["portal"],
                message: /ManagedActionsEnabled is not set/,
            },
            "an environment overriding its template with false": {
                resources: [template(managed), environment([setting(rules.MANAGED_ACTIONS, "ManagedActionsEnabled", "false")], { templateName: "portal-template" })],
                offenders: ["portal"],
                message: /ManagedActionsEnabled is "false"/,
            },
            "managed actions without an update level": {
                resources: [environment(managed.slice(0, 2))],
                offenders: ["portal"],
                message: /UpdateLevel is not set/,
            },
            "a flag unknown in preview": {
                resources: [environment([setting(rules.MANAGED_ACTIONS, "ManagedActionsEnabled", UNKNOWN)])],
                offenders: ["portal"],
                message: /unknown in preview/,
            },
        },
    });

    describeStackPolicy(rules.beanstalkEnhancedHealth, {
        accepts: {
            "an environment reporting enhanced health": [environment([...managed, ...enhanced])],
            "an environment whose template names enhanced health": [template(enhanced), environment(managed, { templateName: "portal-template" })],
        },
        rejects: {
            "an environment on basic health": {
                resources: [environment([...managed, setting(rules.HEALTH_REPORTING, "SystemType", "basic")])],
                offenders: ["portal"],
                message: /SystemType is "basic"/,
            },
            "an environment that leaves it to the default": {
                resources: [environment(managed)],
                offenders: ["portal"],
                message: /SystemType is not set/,
            },
        },
    });
});
