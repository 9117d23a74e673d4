/**
 * A strict validator for the OpenAPI v3 schemas Kubernetes publishes (built-in types and CRDs), fed
 * with inputs in the engine's wire format. Strict means what `kubectl apply --validate=strict` and
 * server-side field validation mean: a field the schema does not name is an error, at any depth.
 *
 * Values the engine does not know yet (first deployment) satisfy any schema at their position, and
 * secrets are checked by the value they wrap. Each schema is compiled into closures once; `$ref`s are
 * compiled on first use, so loading a version costs only the kinds a plan uses.
 */

import { plain } from "../offline/wire";

export type Schema = Record<string, unknown>;

export interface SchemaIssue {
    /** Where, from the object's root: `spec.template.spec.containers[0].ports[1].containerPort`. */
    path: string;
    /** What is wrong and what was expected. */
    message: string;
}

export type Validator = (value: unknown, path: string, issues: SchemaIssue[]) => void;

export interface CompilerOptions {
    /** Named schemas a `$ref` may point at. */
    schemas: Record<string, Schema>;
    /**
     * In a CRD's structural schema, an object that names no properties keeps no fields (the API
     * server prunes them, and strict field validation rejects them); in the built-in documents such
     * an object (RawExtension, FieldsV1) is free-form.
     */
    emptyObjectsAreClosed: boolean;
    /** Patches (server-side apply of part of an object) need no required field. */
    ignoreRequired?: boolean;
    /** Validators for `$ref`s this compiler does not hold (a CRD's metadata is the built-in ObjectMeta). */
    external?: (name: string) => Validator | undefined;
}

/** Kubernetes resource.Quantity: a decimal with an optional binary or decimal suffix or exponent. */
const QUANTITY = /^[+-]?(\d+(\.\d*)?|\.\d+)(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E|[eE][+-]?\d+)?$/;
const INT32 = { min: -2147483648, max: 2147483647 };

export function childPath(path: string, key: string | number): string {
    if (typeof key === "number") return `${path}[${key}]`;
    const safe = /^[A-Za-z_$][\w$-]*$/.test(key) ? key : JSON.stringify(key);
    if (!path) return safe === key ? key : `[${safe}]`;
    return safe === key ? `${path}.${key}` : `${path}[${safe}]`;
}

function describe(value: unknown): string {
    if (value === null) return "null";
    if (Array.isArray(value)) return "an array";
    if (typeof value === "object") return "an object";
    return `${typeof value} ${JSON.stringify(value)}`;
}

function typeOf(value: unknown): string {
    if (value === null) return "null";
    if (Array.isArray(value)) return "array";
    if (typeof value === "number") return Number.isInteger(value) ? "integer" : "number";
    return typeof value;
}

function list(values: string[], limit = 12): string {
    const shown = values.slice(0, limit).join(", ");
    return values.length > limit ? `${shown}, … (${values.length} in all)` : shown;
}

export class SchemaCompiler {
    private readonly refs = new Map<string, Validator>();

    constructor(private readonly options: CompilerOptions) {}

    /** The validator of a named schema, compiled once. */
    ref(name: string): Validator {
        const cached = this.refs.get(name);
        if (cached) return cached;
        const external = this.options.schemas[name] ? undefined : this.options.external?.(name);
        if (external) {
            this.refs.set(name, external);
            return external;
        }
        const schema = this.options.schemas[name];
        if (!schema) throw new Error(`schema ${name} is referenced but not recorded`);
        // Recursive references reach the placeholder, which forwards to the compiled validator.
        const slot: { validator?: Validator } = {};
        this.refs.set(name, (value, path, issues) => (slot.validator as Validator)(value, path, issues));
        slot.validator = name.endsWith(".Quantity") ? quantity : this.compile(schema);
        this.refs.set(name, slot.validator);
        return slot.validator;
    }

    /** Compiles a schema; `lenient` leaves unknown-field checks to the schema around a branch. */
    compile(schema: Schema, lenient = false): Validator {
        const checks: Validator[] = [];
        if (typeof schema.$ref === "string") checks.push(this.ref(schema.$ref));
        for (const member of (schema.allOf ?? []) as Schema[]) checks.push(this.compile(member, true));
        for (const keyword of ["anyOf", "oneOf"] as const) {
            if (Array.isArray(schema[keyword])) checks.push(this.alternatives(schema[keyword] as Schema[]));
        }
        const own = this.own(schema, lenient);
        if (own) checks.push(own);
        if (checks.length === 1) return checks[0];
        return (value, path, issues) => {
            const before = issues.length;
            for (const check of checks) {
                check(value, path, issues);
                // One clear finding per position reads better than the same mistake seen by every member.
                if (issues.length > before) return;
            }
        };
    }

    private alternatives(branches: Schema[]): Validator {
        const compiled = branches.map((branch) => this.compile(branch, true));
        const expected = branches.map((b) => (b.type as string | undefined) ?? (b.required ? `an object with ${(b.required as string[]).join(", ")}` : "its schema")).join(" or ");
        return (value, path, issues) => {
            const { known, value: actual } = plain(value);
            if (!known) return;
            for (const branch of compiled) {
                const attempt: SchemaIssue[] = [];
                branch(actual, path, attempt);
                if (attempt.length === 0) return;
            }
            issues.push({ path, message: `expected ${expected}, got ${describe(actual)}` });
        };
    }

    /** The keywords of this schema node itself (type, bounds, properties…), or undefined if none. */
    private own(schema: Schema, lenient: boolean): Validator | undefined {
        const intOrString = schema["x-kubernetes-int-or-string"] === true;
        const type = intOrString ? undefined : schema.type as string | undefined;
        const enumValues = schema.enum as unknown[] | undefined;
        const pattern = typeof schema.pattern === "string" ? toRegExp(schema.pattern) : undefined;
        const object = type === "object" || schema.properties !== undefined || schema.additionalProperties !== undefined || schema.required !== undefined;
        const objectCheck = object ? this.objectCheck(schema, lenient) : undefined;
        const items = type === "array" && schema.items ? this.compile(schema.items as Schema) : undefined;
        const hasBounds = ["minimum", "maximum", "minLength", "maxLength", "minItems", "maxItems", "minProperties", "maxProperties"].some((k) => k in schema);
        if (!type && !intOrString && !enumValues && !pattern && !objectCheck && !items && !hasBounds && schema.format === undefined) return undefined;

        return (value, path, issues) => {
            const { known, value: actual } = plain(value);
            if (!known) return;
            if (actual === null) {
                // JSON null clears an optional field; the API server treats it as absent.
                return;
            }
            const kind = typeOf(actual);
            if (intOrString && kind !== "integer" && kind !== "string") {
                issues.push({ path, message: `expected an integer or a string, got ${describe(actual)}` });
                return;
            }
            if (type && !(kind === type || (type === "number" && kind === "integer"))) {
                issues.push({ path, message: `expected ${type}, got ${describe(actual)}` });
                return;
            }
            if (enumValues && !enumValues.some((allowed) => allowed === actual)) {
                issues.push({ path, message: `${JSON.stringify(actual)} is not one of: ${list(enumValues.map((v) => JSON.stringify(v)))}` });
                return;
            }
            if (typeof actual === "string") checkString(schema, pattern, actual, path, issues);
            if (typeof actual === "number") checkNumber(schema, actual, path, issues);
            if (Array.isArray(actual)) {
                checkCount(schema, "Items", actual.length, "items", path, issues);
                if (items) actual.forEach((item, index) => items(item, childPath(path, index), issues));
            }
            if (objectCheck && kind === "object") objectCheck(actual, path, issues);
        };
    }

    private objectCheck(schema: Schema, lenient: boolean): Validator {
        const properties = Object.fromEntries(Object.entries((schema.properties ?? {}) as Record<string, Schema>)
            .map(([name, child]) => [name, this.compile(child)]));
        const names = Object.keys(properties);
        const required = this.options.ignoreRequired ? [] : (schema.required ?? []) as string[];
        const additional = schema.additionalProperties;
        const extra = typeof additional === "object" && additional !== null ? this.compile(additional as Schema) : undefined;
        const open = lenient || extra !== undefined || additional === true || schema["x-kubernetes-preserve-unknown-fields"] === true
            || (names.length === 0 && additional === undefined && !this.options.emptyObjectsAreClosed);
        return (value, path, issues) => {
            const record = value as Record<string, unknown>;
            for (const name of required) {
                if (record[name] === undefined || record[name] === null) issues.push({ path: childPath(path, name), message: "required field is missing" });
            }
            checkCount(schema, "Properties", Object.keys(record).length, "fields", path, issues);
            for (const [key, child] of Object.entries(record)) {
                if (child === undefined) continue;
                const validate = properties[key] ?? extra;
                if (validate) validate(child, childPath(path, key), issues);
                else if (!open) {
                    issues.push({
                        path: childPath(path, key),
                        message: names.length > 0 ? `unknown field; the schema allows: ${list(names.sort(), 40)}` : "unknown field; the schema allows no fields here",
                    });
                }
            }
        };
    }
}

function quantity(value: unknown, path: string, issues: SchemaIssue[]): void {
    const { known, value: actual } = plain(value);
    if (!known || actual === null || typeof actual === "number") return;
    if (typeof actual !== "string" || !QUANTITY.test(actual)) {
        issues.push({ path, message: `expected a Kubernetes quantity (e.g. "500m", "4Gi", 2), got ${describe(actual)}` });
    }
}

function checkString(schema: Schema, pattern: RegExp | undefined, value: string, path: string, issues: SchemaIssue[]): void {
    if (pattern && !pattern.test(value)) issues.push({ path, message: `${JSON.stringify(value)} does not match the pattern ${String(schema.pattern)}` });
    if (typeof schema.minLength === "number" && value.length < schema.minLength) issues.push({ path, message: `must be at least ${schema.minLength} characters, got ${value.length}` });
    if (typeof schema.maxLength === "number" && value.length > schema.maxLength) issues.push({ path, message: `must be at most ${schema.maxLength} characters, got ${value.length}` });
}

function checkNumber(schema: Schema, value: number, path: string, issues: SchemaIssue[]): void {
    if (schema.format === "int32" && (value < INT32.min || value > INT32.max)) issues.push({ path, message: `${value} is outside the int32 range` });
    if (typeof schema.minimum === "number") {
        const below = schema.exclusiveMinimum === true ? value <= schema.minimum : value < schema.minimum;
        if (below) issues.push({ path, message: `must be ${schema.exclusiveMinimum === true ? "greater than" : "at least"} ${schema.minimum}, got ${value}` });
    }
    if (typeof schema.maximum === "number") {
        const above = schema.exclusiveMaximum === true ? value >= schema.maximum : value > schema.maximum;
        if (above) issues.push({ path, message: `must be ${schema.exclusiveMaximum === true ? "less than" : "at most"} ${schema.maximum}, got ${value}` });
    }
}

function checkCount(schema: Schema, suffix: "Items" | "Properties", count: number, noun: string, path: string, issues: SchemaIssue[]): void {
    const min = schema[`min${suffix}`];
    const max = schema[`max${suffix}`];
    if (typeof min === "number" && count < min) issues.push({ path, message: `must have at least ${min} ${noun}, got ${count}` });
    if (typeof max === "number" && count > max) issues.push({ path, message: `must have at most ${max} ${noun}, got ${count}` });
}

/** CRD patterns are RE2; the few RE2-only constructs are not used by the CRDs recorded here. */
function toRegExp(pattern: string): RegExp | undefined {
    try {
        return new RegExp(pattern, "u");
    } catch {
        try {
            return new RegExp(pattern);
        } catch {
            return undefined;
        }
    }
}
