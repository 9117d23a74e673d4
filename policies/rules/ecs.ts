/**
 * ECS task definitions: containers with read-only root filesystems, and no container running as
 * root in a task that shares the host's network namespace. The Kubernetes workload rules
 * (`k8s-*-read-only-root-fs`, `k8s-*-run-as-non-root`) ask the same of pods.
 *
 * `containerDefinitions` is one JSON string in `aws.ecs.TaskDefinition` (the `@pulumi/aws` 7.48.0
 * `.d.ts`), with the ECS API's camelCase field names (`readonlyRootFilesystem`, `user`,
 * `privileged`; ECS API Reference, ContainerDefinition, read 2026-12-01). When the string is
 * unknown in preview (an image URI from a repository created in the same update), no container
 * can be shown to comply, so it is judged like containers without the setting.
 */
import { type ClinicalPolicy, resourceRule } from "../lib/policy";
import { ECS } from "../lib/types";
import { type Maybe, isKnown, isUnknown } from "../lib/values";

/** Inputs of `aws.ecs.TaskDefinition` the rules read. */
export interface TaskDefinitionInputs {
    containerDefinitions?: Maybe<string | unknown[]>;
    networkMode?: Maybe<string>;
}

interface ContainerDefinition {
    name?: string;
    readonlyRootFilesystem?: boolean;
    user?: string;
    privileged?: boolean;
}

type Containers = ContainerDefinition[] | "unknown" | "invalid";

function containersOf(task: TaskDefinitionInputs): Containers {
    const definitions = task.containerDefinitions;
    if (isUnknown(definitions)) return "unknown";
    let parsed: unknown = definitions;
    if (typeof definitions === "string") {
        try {
            parsed = JSON.parse(definitions);
        } catch {
            return "invalid";
        }
    }
    if (!Array.isArray(parsed)) return "invalid";
    return parsed.filter((item): item is ContainerDefinition => item !== null && typeof item === "object");
}

function nameOf(container: ContainerDefinition, index: number): string {
    return typeof container.name === "string" && container.name !== "" ? `"${container.name}"` : `#${index + 1}`;
}

/** `user` is `user`, `uid`, `user:group` or `uid:gid`; root is the name `root` or uid 0, and absent means the image's user, root by default. */
function runsAsRoot(user: unknown): boolean {
    if (typeof user !== "string" || user.trim() === "") return true;
    const account = user.split(":")[0].trim();
    return account === "root" || /^0+$/.test(account);
}

function* unjudgeable(containers: Containers): Iterable<string> {
    if (containers === "unknown") {
        yield "containerDefinitions is unknown in preview, so no container can be shown to comply.";
    } else if (containers === "invalid") {
        yield "containerDefinitions is not a JSON list of container definitions.";
    }
}

export const ecsTaskReadOnlyRootFilesystem = resourceRule<TaskDefinitionInputs>({
    name: "ecs-task-read-only-root-fs",
    description: "ECS task definitions run every container with a read-only root filesystem.",
    severity: "medium",
    category: "workload",
    hipaa: ["164.308(a)(3)(i)", "164.312(c)(1)"],
    soc2: ["CC6.8"],
    remediation: "Set \"readonlyRootFilesystem\": true in every container definition; give writable paths their own volumes.",
    anchors: { awsConfig: ["ECS_CONTAINERS_READONLY_ACCESS"] },
    resourceTypes: [ECS.taskDefinition],
    *check(task) {
        const containers = containersOf(task);
        if (!Array.isArray(containers)) {
            yield* unjudgeable(containers);
            return;
        }
        for (const [index, container] of containers.entries()) {
            if (container.readonlyRootFilesystem !== true) {
                yield `Container ${nameOf(container, index)} does not set readonlyRootFilesystem: true, so it can change its own filesystem.`;
            }
        }
    },
});

export const ecsTaskHostModeNonRoot = resourceRule<TaskDefinitionInputs>({
    name: "ecs-task-host-mode-non-root",
    description: "ECS task definitions in host network mode run every container as a non-root user.",
    severity: "high",
    category: "workload",
    hipaa: ["164.308(a)(3)(i)", "164.308(a)(4)(ii)(A)", "164.312(a)(1)"],
    soc2: ["CC6.1", "CC6.8"],
    // Stricter than AWS Config's rule, which accepts `privileged: true` as an explicit choice: a
    // privileged root container sharing the host's network is the most exposed of all, not an exception.
    remediation: "Set \"user\" to a non-root user or uid (e.g. \"1000:1000\") in every container definition, or use awsvpc network mode.",
    anchors: { awsConfig: ["ECS_TASK_DEFINITION_USER_FOR_HOST_MODE_CHECK"], cdkNag: ["ECSTaskDefinitionUserForHostMode"] },
    resourceTypes: [ECS.taskDefinition],
    *check(task) {
        // A mode the preview cannot know may be host; a literal one is always known.
        if (task.networkMode !== "host" && !isUnknown(task.networkMode)) return;
        const containers = containersOf(task);
        if (!Array.isArray(containers)) {
            yield* unjudgeable(containers);
            return;
        }
        const mode = isKnown(task.networkMode) ? "host network mode" : "a network mode unknown in preview (possibly host)";
        for (const [index, container] of containers.entries()) {
            if (runsAsRoot(container.user)) {
                yield `Container ${nameOf(container, index)} runs as ${typeof container.user === "string" && container.user.trim() !== "" ? `"${container.user}"` : "the image's default user (root)"} in ${mode}, sharing the host's network as root.`;
            }
        }
    },
});

export const ecsPolicies: ClinicalPolicy[] = [ecsTaskReadOnlyRootFilesystem, ecsTaskHostModeNonRoot];
