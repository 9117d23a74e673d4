import { readFileSync } from "node:fs";
import { type JsonSchema, validate } from "./json-schema";

export type EnforcementLevel = "advisory" | "mandatory" | "remediate" | "disabled";

export interface PolicyConfig {
    enforcementLevel: EnforcementLevel;
    properties: Record<string, unknown>;
}

/** What the pack says about one policy in GetAnalyzerInfo, as far as config is concerned. */
export interface ConfigurablePolicy {
    name: string;
    enforcementLevel: EnforcementLevel;
    configSchema: { properties: Record<string, unknown>; required?: string[] } | undefined;
}

interface PartialConfig {
    enforcementLevel?: EnforcementLevel;
    properties?: Record<string, unknown>;
}

const LEVELS: readonly string[] = ["advisory", "mandatory", "remediate", "disabled"];

/**
 * Reads a `--policy-pack-config` file the way the CLI does: a policy maps to an enforcement
 * level string or to an object of properties (with an optional enforcementLevel); the
 * "environments" key belongs to Pulumi ESC and is not policy config.
 */
export function readPackConfigFile(file: string): Record<string, PartialConfig> {
    const text = readFileSync(file, "utf8");
    if (text.trim() === "") {
        return {};
    }
    const parsed: unknown = JSON.parse(text);
    if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
        throw new Error(`${file}: policy pack config must be a JSON object`);
    }
    const config: Record<string, PartialConfig> = {};
    for (const [policy, value] of Object.entries(parsed as Record<string, unknown>)) {
        if (policy === "environments") {
            continue;
        }
        if (typeof value === "string") {
            config[policy] = { enforcementLevel: asLevel(value, `${file}: ${policy}`) };
        } else if (value !== null && typeof value === "object" && !Array.isArray(value)) {
            const { enforcementLevel, ...properties } = value as Record<string, unknown>;
            config[policy] = {
                ...(enforcementLevel === undefined ? {} : { enforcementLevel: asLevel(enforcementLevel, `${file}: ${policy}`) }),
                ...(Object.keys(properties).length > 0 ? { properties } : {}),
            };
        } else {
            throw new Error(`${file}: ${policy} must be an enforcement level or an object`);
        }
    }
    return config;
}

/**
 * The config the CLI sends in Configure: every policy with its schema defaults, then the
 * pack's initial config, then the file (an "all" entry sets every policy's level first).
 * Throws with every schema violation listed, as `pulumi preview` refuses to start then.
 */
export function reconcilePackConfig(
    policies: readonly ConfigurablePolicy[],
    initialConfig: Record<string, PartialConfig>,
    fileConfig: Record<string, PartialConfig>,
): Record<string, PolicyConfig> {
    const result: Record<string, PolicyConfig> = {};
    for (const policy of policies) {
        const defaults: Record<string, unknown> = {};
        for (const [key, schema] of Object.entries(policy.configSchema?.properties ?? {})) {
            const value = (schema as { default?: unknown }).default;
            if (value !== undefined) {
                defaults[key] = value;
            }
        }
        result[policy.name] = { enforcementLevel: policy.enforcementLevel, properties: defaults };
    }
    apply(result, initialConfig);
    apply(result, fileConfig);

    const problems = policies.flatMap((policy) => {
        if (policy.configSchema === undefined) {
            return [];
        }
        const schema: JsonSchema = {
            type: "object",
            properties: policy.configSchema.properties,
            ...(policy.configSchema.required === undefined ? {} : { required: policy.configSchema.required }),
        };
        try {
            return validate(schema, result[policy.name]?.properties ?? {}).map((problem) => `${policy.name}: ${problem}`);
        } catch (error) {
            return [`${policy.name}: the pack's config schema is invalid: ${(error as Error).message}`];
        }
    });
    if (problems.length > 0) {
        throw new Error(`invalid policy pack config:\n  ${problems.sort().join("\n  ")}`);
    }
    return result;
}

function apply(result: Record<string, PolicyConfig>, config: Record<string, PartialConfig>): void {
    const all = config["all"]?.enforcementLevel;
    if (all !== undefined) {
        for (const entry of Object.values(result)) {
            entry.enforcementLevel = all;
        }
    }
    for (const [policy, given] of Object.entries(config)) {
        if (policy === "all") {
            continue;
        }
        const current = result[policy] ?? { enforcementLevel: "advisory", properties: {} };
        result[policy] = {
            enforcementLevel: given.enforcementLevel ?? current.enforcementLevel,
            properties: { ...current.properties, ...given.properties },
        };
    }
}

function asLevel(value: unknown, where: string): EnforcementLevel {
    if (typeof value !== "string" || !LEVELS.includes(value)) {
        throw new Error(`${where}: ${JSON.stringify(value)} is not a valid enforcement level`);
    }
    return value as EnforcementLevel;
}
