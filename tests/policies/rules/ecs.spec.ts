import { ECS } from "../../../policies/lib/types";
import * as rules from "../../../policies/rules/ecs";
import { describeResourcePolicy } from "../harness/cases";
import { UNKNOWN_VALUE as UNKNOWN, resource } from "../harness/server";

const container = (inputs: Record<string, unknown> = {}) => ({
    name: "api",
    image: "123456789012.dkr.ecr.eu-west-1.amazonaws.com/api@sha256:0123",
    essential: true,
    readonlyRootFilesystem: true,
    user: "1000:1000",
    ...inputs,
});
const task = (containers: unknown, inputs: Record<string, unknown> = {}) =>
    resource(ECS.taskDefinition, "api-task", {
        family: "api",
        networkMode: "awsvpc",
        requiresCompatibilities: ["FARGATE"],
        containerDefinitions: typeof containers === "string" ? containers : JSON.stringify(containers),
        ...inputs,
    });

describe("ECS policies", () => {
    describeResourcePolicy(rules.ecsTaskReadOnlyRootFilesystem, {
        accepts: {
            "every container read-only": task([container(), container({ name: "proxy" })]),
        },
        rejects: {
            "one container writable": [task([container(), container({ name: "proxy", readonlyRootFilesystem: false })]), /Container "proxy" does not set readonlyRootFilesystem/],
            "a container that leaves it unset": [task([container({ readonlyRootFilesystem: undefined })]), /Container "api" does not set/],
            "definitions unknown in preview": [task(UNKNOWN), /containerDefinitions is unknown in preview/],
            "definitions that are not JSON": [task("[{"), /not a JSON list/],
        },
    });

    describeResourcePolicy(rules.ecsTaskHostModeNonRoot, {
        accepts: {
            "awsvpc mode, even as root": task([container({ user: "root" })]),
            "host mode with a non-root uid": task([container()], { networkMode: "host" }),
            "host mode with a named user": task([container({ user: "app" })], { networkMode: "host" }),
        },
        rejects: {
            "host mode as root": [task([container({ user: "root" })], { networkMode: "host" }), /runs as "root" in host network mode/],
            "host mode as uid 0 with a group": [task([container({ user: "0:1000" })], { networkMode: "host" }), /runs as "0:1000"/],
            "host mode with the image's default user": [task([container({ user: undefined })], { networkMode: "host" }), /image's default user \(root\)/],
            "host mode as privileged root (stricter than AWS Config)": [task([container({ user: undefined, privileged: true })], { networkMode: "host" }), /default user \(root\)/],
            "a network mode unknown in preview": [task([container({ user: "root" })], { networkMode: UNKNOWN }), /possibly host/],
        },
    });
});
