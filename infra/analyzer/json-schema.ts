import Ajv, { type ErrorObject, type ValidateFunction } from "ajv";

/**
 * A policy's config schema as the pack declares it (JSON Schema draft-07, the draft the Pulumi
 * CLI validates `--policy-pack-config` against before it calls Configure).
 */
export type JsonSchema = Record<string, unknown>;

// ajv 8.20.0 (npm registry, checked 2026-12-01); draft-07 is its default draft. allErrors so
// every problem is listed at once; strict so a misspelt keyword in a pack's own schema stops
// the preview instead of silently validating nothing; types, tuples and required keep ajv's
// leniency because draft-07 allows what they would flag.
const ajv = new Ajv({ allErrors: true, strict: true, strictTypes: false, strictTuples: false, strictRequired: false });
// Keyed by the schema's text: most policies share the same few schemas, and compiling is the cost.
const compiled = new Map<string, ValidateFunction>();

/**
 * Problems with `value`, each prefixed by the location of the offending value in the config
 * (`minimumDays: must be >= 1`, `exemptResources[1]: must NOT have fewer than 1 characters`).
 * Throws if the schema itself is not a valid schema.
 */
export function validate(schema: JsonSchema, value: unknown): string[] {
    const key = JSON.stringify(schema);
    let check = compiled.get(key);
    if (check === undefined) {
        check = ajv.compile(schema);
        compiled.set(key, check);
    }
    return check(value) ? [] : (check.errors ?? []).map(describe);
}

function describe(error: ErrorObject): string {
    const params = error.params as Record<string, unknown>;
    let message = error.message ?? error.keyword;
    let at = location(error.instancePath);
    if (error.keyword === "required") {
        // Named at the missing key itself, like the other problems.
        at = join(at, String(params["missingProperty"]));
        message = "is required";
    } else if (error.keyword === "additionalProperties") {
        at = join(at, String(params["additionalProperty"]));
        message = "is not an allowed property";
    } else if (error.keyword === "enum") {
        message = `must be one of ${(params["allowedValues"] as unknown[]).map((option) => JSON.stringify(option)).join(", ")}`;
    }
    return at === "" ? message : `${at}: ${message}`;
}

/** `/exemptResources/1` → `exemptResources[1]`; `/a~1b/c` → `a/b.c` (JSON Pointer unescaped). */
function location(pointer: string): string {
    return pointer
        .split("/")
        .slice(1)
        .map((segment) => segment.replace(/~1/g, "/").replace(/~0/g, "~"))
        .reduce(join, "");
}

function join(at: string, segment: string): string {
    if (/^\d+$/.test(segment)) {
        return `${at}[${segment}]`;
    }
    return at === "" ? segment : `${at}.${segment}`;
}
