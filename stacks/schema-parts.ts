/**
 * The building blocks of the stack-file schemas: every leaf carries the sentence that names what it
 * expects, so a validation error reads "<key>: expected <that>, got <value>".
 */
import { z } from "zod";

export function text(expectation: string, pattern?: RegExp) {
    const base = z.string({ error: expectation }).min(1, { error: expectation });
    return pattern ? base.regex(pattern, { error: expectation }) : base;
}

export function integer(min: number, max: number) {
    const expectation = `an integer from ${min} to ${max}`;
    return z.number({ error: expectation }).int({ error: expectation }).min(min, { error: expectation }).max(max, { error: expectation });
}

export function oneOf<T extends readonly [string, ...string[]]>(values: T) {
    return z.enum(values, { error: `one of ${values.join(", ")}` });
}

export const yesNo = () => z.boolean({ error: "true or false" });
