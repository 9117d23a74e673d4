import { readFileSync } from "fs";
import * as path from "path";
import type { ErrorObject, Options } from "ajv";

/**
 * A policy's config schema as the pack declares it (JSON Schema draft-07, the draft the Pulumi
 * CLI validates `--policy-pack-config` against before it calls Configure).
 */
export type JsonSchema = Record<string, unknown>;

type Validator = ((value: unknown) => boolean) & { errors?: ErrorObject[] | null };

// ajv 8.20.0 (npm registry, checked 2026-12-01); draft-07 is its default draft. allErrors so
// every problem is listed at once; strict so a misspelt keyword in a pack's own schema stops
// the preview instead of silently validating nothing; types, tuples and required keep ajv's
// leniency because draft-07 allows what they would flag. `code.source` lets a compiled
// validator be saved as a module (ajv's "standalone" code).
const AJV_OPTIONS: Options = { allErrors: true, strict: true, strictTypes: false, strictTuples: false, strictRequired: false, code: { source: true } };

/**
 * Compiled validators, saved as the modules ajv generates, keyed by ajv's version, its options
 * and the schema. Compiling the pack's 24 distinct schemas took 0.10–0.15 s of every preview on the
 * 2-core machine (2026-12-02); loading them compiled takes a few milliseconds, and ajv itself is
 * then not loaded at all. The directory is the offline commands' cache (infra/offline/cache-files.js).
 */
/* eslint-disable-next-line @typescript-eslint/no-require-imports */
const cacheFiles = require("../offline/cache-files") as { COMPILE_CACHE_DIR: string; cacheKey(...parts: string[]): string; writeWhole(file: string, data: string): boolean };
const VALIDATOR_CACHE_DIR = path.join(cacheFiles.COMPILE_CACHE_DIR, "ajv");
const validators = new Map<string, Validator>();
let ajv: import("ajv").default | undefined;
let cacheSalt: string | undefined;

function validatorFor(schema: JsonSchema): Validator {
    const text = JSON.stringify(schema);
    const known = validators.get(text);
    if (known !== undefined) return known;
    /* eslint-disable @typescript-eslint/no-require-imports */
    cacheSalt ??= JSON.stringify({ ajv: (JSON.parse(readFileSync(require.resolve("ajv/package.json"), "utf8")) as { version: string }).version, AJV_OPTIONS });
    const file = path.join(VALIDATOR_CACHE_DIR, `${cacheFiles.cacheKey(cacheSalt, text)}.js`);
    let validator: Validator | undefined;
    try {
        validator = require(file) as Validator;
    } catch {
        // Not saved yet, or unreadable: compiled again below.
    }
    // An emptied file loads as `{}`: anything but a function is compiled again too.
    if (typeof validator !== "function") {
        const Ajv = (require("ajv") as typeof import("ajv")).default;
        const standaloneCode = (require("ajv/dist/standalone") as typeof import("ajv/dist/standalone")).default;
        /* eslint-enable @typescript-eslint/no-require-imports */
        ajv ??= new Ajv(AJV_OPTIONS);
        const compiled = ajv.compile(schema);
        // Where it cannot be saved (read-only), the schema is compiled again next time.
        cacheFiles.writeWhole(file, standaloneCode(ajv, compiled));
        validator = compiled;
    }
    validators.set(text, validator);
    return validator;
}

/**
 * Problems with `value`, each prefixed by the location of the offending value in the config
 * (`minimumDays: must be >= 1`, `exemptResources[1]: must NOT have fewer than 1 characters`).
 * Throws if the schema itself is not a valid schema.
 */
export function validate(schema: JsonSchema, value: unknown): string[] {
    const check = validatorFor(schema);
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
