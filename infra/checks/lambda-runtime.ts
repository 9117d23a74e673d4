/**
 * No Lambda function uses a runtime past its deprecation date or AWS's block on creating functions
 * with it. A deprecated runtime gets no security patches; once creation is blocked, a fresh account
 * (or a replaced function) cannot be deployed at all.
 */
import runtimeData from "./data/lambda-runtimes.json";
import { DeployCheck, DeployCheckFailure, isUnknown } from "./types";

export interface RuntimeLifecycle {
    runtime: string;
    /** ISO dates (YYYY-MM-DD). */
    deprecation: string;
    blockCreate: string;
    blockUpdate: string;
}

export interface RuntimeData {
    source: string;
    checked: string;
    runtimes: RuntimeLifecycle[];
}

const FUNCTION_TYPE = "aws:lambda/function:Function";
const DATA = runtimeData as RuntimeData;

/** The check over a given table of runtimes; the registered check uses the committed one. */
export function lambdaRuntimeCheckWith(data: RuntimeData): DeployCheck {
    const lifecycles = new Map(data.runtimes.map((entry) => [entry.runtime, entry]));
    return {
        name: "lambda-runtime",
        description: "No Lambda function uses a runtime past its deprecation date or its block on function creation.",
        source: `infra/checks/data/lambda-runtimes.json, from ${data.source}, checked ${data.checked}`,
        run({ plan, today }) {
            const day = (today ?? new Date()).toISOString().slice(0, 10);
            const failures: DeployCheckFailure[] = [];
            for (const fn of plan.resources.filter((r) => r.type === FUNCTION_TYPE)) {
                const runtime = fn.inputs.runtime;
                // Container-image functions carry no runtime; an unknown one cannot be judged here.
                if (typeof runtime !== "string" || isUnknown(runtime)) continue;
                const lifecycle = lifecycles.get(runtime);
                if (!lifecycle) {
                    if (runtime.startsWith("nodejs")) {
                        failures.push({ check: "lambda-runtime", urn: fn.urn, message: `function ${fn.name} sets runtime = "${runtime}", which the runtime table (${data.source}) does not list; add its dates or choose a listed runtime` });
                    }
                    continue;
                }
                const passed = [
                    lifecycle.deprecation <= day ? `deprecated on ${lifecycle.deprecation}` : "",
                    lifecycle.blockCreate <= day ? `function creation blocked since ${lifecycle.blockCreate}` : "",
                ].filter(Boolean);
                if (passed.length === 0) continue;
                const supported = data.runtimes
                    .filter((entry) => entry.runtime.replace(/\d.*$/, "") === runtime.replace(/\d.*$/, "") && entry.deprecation > day && entry.blockCreate > day)
                    .map((entry) => entry.runtime);
                failures.push({
                    check: "lambda-runtime",
                    urn: fn.urn,
                    message: `function ${fn.name} sets runtime = "${runtime}", ${passed.join(" and ")} (as of ${day}); ` +
                        `use a supported runtime${supported.length > 0 ? ` (${supported.join(", ")})` : ""}`,
                });
            }
            return failures;
        },
    };
}

export const lambdaRuntimeCheck: DeployCheck = lambdaRuntimeCheckWith(DATA);
