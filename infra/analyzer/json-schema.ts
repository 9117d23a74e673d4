/**
 * The part of JSON Schema that policy config schemas use, enough to reject a pack config
 * the way the Pulumi CLI does before it calls Configure.
 */
export type JsonSchema = {
    type?: string | string[];
    enum?: unknown[];
    const?: unknown;
    minimum?: number;
    maximum?: number;
    exclusiveMinimum?: number;
    exclusiveMaximum?: number;
    minLength?: number;
    maxLength?: number;
    pattern?: string;
    items?: JsonSchema;
    minItems?: number;
    maxItems?: number;
    uniqueItems?: boolean;
    properties?: Record<string, JsonSchema>;
    required?: string[];
    additionalProperties?: boolean | JsonSchema;
};

/** Problems with `value`, each prefixed by its location (e.g. "minimumDays: must be >= 1"). */
export function validate(schema: JsonSchema, value: unknown, at = ""): string[] {
    const problems: string[] = [];
    const report = (message: string) => problems.push(at === "" ? message : `${at}: ${message}`);
    const types = schema.type === undefined ? [] : Array.isArray(schema.type) ? schema.type : [schema.type];
    if (types.length > 0 && !types.some((type) => hasType(value, type))) {
        report(`must be of type ${types.join(" or ")}`);
        return problems;
    }
    if (schema.enum !== undefined && !schema.enum.some((option) => JSON.stringify(option) === JSON.stringify(value))) {
        report(`must be one of ${schema.enum.map((option) => JSON.stringify(option)).join(", ")}`);
    }
    if (schema.const !== undefined && JSON.stringify(schema.const) !== JSON.stringify(value)) {
        report(`must equal ${JSON.stringify(schema.const)}`);
    }
    if (typeof value === "number") {
        if (schema.minimum !== undefined && value < schema.minimum) report(`must be >= ${schema.minimum}`);
        if (schema.maximum !== undefined && value > schema.maximum) report(`must be <= ${schema.maximum}`);
        if (schema.exclusiveMinimum !== undefined && value <= schema.exclusiveMinimum) report(`must be > ${schema.exclusiveMinimum}`);
        if (schema.exclusiveMaximum !== undefined && value >= schema.exclusiveMaximum) report(`must be < ${schema.exclusiveMaximum}`);
    }
    if (typeof value === "string") {
        if (schema.minLength !== undefined && value.length < schema.minLength) report(`must have at least ${schema.minLength} characters`);
        if (schema.maxLength !== undefined && value.length > schema.maxLength) report(`must have at most ${schema.maxLength} characters`);
        if (schema.pattern !== undefined && !new RegExp(schema.pattern).test(value)) report(`must match ${schema.pattern}`);
    }
    if (Array.isArray(value)) {
        if (schema.minItems !== undefined && value.length < schema.minItems) report(`must have at least ${schema.minItems} items`);
        if (schema.maxItems !== undefined && value.length > schema.maxItems) report(`must have at most ${schema.maxItems} items`);
        if (schema.uniqueItems === true && new Set(value.map((item) => JSON.stringify(item))).size !== value.length) {
            report("must not contain duplicates");
        }
        const items = schema.items;
        if (items !== undefined) {
            value.forEach((item, index) => problems.push(...validate(items, item, `${at}[${index}]`)));
        }
    }
    if (isObject(value)) {
        for (const name of schema.required ?? []) {
            if (!(name in value)) report(`${name} is required`);
        }
        for (const [name, inner] of Object.entries(value)) {
            const child = at === "" ? name : `${at}.${name}`;
            const declared = schema.properties?.[name];
            if (declared !== undefined) {
                problems.push(...validate(declared, inner, child));
            } else if (schema.additionalProperties === false) {
                problems.push(`${child}: is not an allowed property`);
            } else if (isObject(schema.additionalProperties)) {
                problems.push(...validate(schema.additionalProperties, inner, child));
            }
        }
    }
    return problems;
}

function hasType(value: unknown, type: string): boolean {
    switch (type) {
        case "string":
            return typeof value === "string";
        case "number":
            return typeof value === "number";
        case "integer":
            return Number.isInteger(value);
        case "boolean":
            return typeof value === "boolean";
        case "array":
            return Array.isArray(value);
        case "object":
            return isObject(value);
        case "null":
            return value === null;
        default:
            return false;
    }
}

function isObject(value: unknown): value is Record<string, unknown> {
    return value !== null && typeof value === "object" && !Array.isArray(value);
}
