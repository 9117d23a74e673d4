/**
 * GitHub Actions expressions (`${{ … }}`) evaluated by GitHub's own lexer, parser and evaluator
 * (`@actions/expressions`, the package behind the Actions language server), so the workflow
 * specs ask the workflows what they do with GitHub's semantics rather than a copy of them.
 * This file only adapts plain JSON contexts to the package's data types and supplies the job
 * status functions, which GitHub evaluates from the run and the package leaves to its caller.
 */
// @actions/expressions 0.3.61 (npm registry, checked 2026-12-01) ships as an ES module whose
// package exports have only an "import" condition, so it is loaded by file; Node >= 20.19
// (package.json engines) can require an ES module.
import { Evaluator, Lexer, Parser, data } from "../../node_modules/@actions/expressions/dist/index.js";
import { truthy as isTruthy } from "../../node_modules/@actions/expressions/dist/result.js";

export type Value = string | number | boolean | null | Value[] | { [key: string]: Value };
export type Contexts = Record<string, Value>;

export interface JobStatus {
    success: boolean;
    failure: boolean;
    cancelled: boolean;
}

// Every context a workflow may name (docs.github.com, "Contexts reference", checked 2026-12-01);
// one the caller does not give evaluates to null, as an empty context does on GitHub.
const CONTEXTS = ["github", "env", "vars", "job", "jobs", "steps", "runner", "secrets", "strategy", "matrix", "needs", "inputs"];

const STATUS_FUNCTIONS = ["success", "failure", "cancelled", "always"] as const;

const DEFAULT_STATUS: JobStatus = { success: true, failure: false, cancelled: false };

function toData(value: Value): data.ExpressionData {
    return JSON.parse(JSON.stringify(value), data.reviver) as data.ExpressionData;
}

function fromData(value: data.ExpressionData): Value {
    return JSON.parse(JSON.stringify(value, data.replacer) ?? "null") as Value;
}

function statusFunctions(status: JobStatus) {
    const answer: Record<(typeof STATUS_FUNCTIONS)[number], boolean> = { ...status, always: true };
    return new Map(STATUS_FUNCTIONS.map((name) => [name, { name, minArgs: 0, maxArgs: 0, call: () => new data.BooleanData(answer[name]) }]));
}

function evaluateData(expression: string, contexts: Contexts, status: JobStatus): data.ExpressionData {
    const inner = /^\s*\$\{\{([\s\S]*)\}\}\s*$/.exec(expression);
    const source = inner ? inner[1] : expression;
    const names = [...new Set([...CONTEXTS, ...Object.keys(contexts)])];
    const tree = new Parser(new Lexer(source).lex().tokens, names, STATUS_FUNCTIONS.map((name) => ({ name, minArgs: 0, maxArgs: 0 }))).parse();
    const context = new data.Dictionary(...names.map((name) => ({ key: name, value: toData(contexts[name] ?? null) })));
    return new Evaluator(tree, context, statusFunctions(status)).evaluate();
}

/** GitHub's truthiness: false, 0, -0, NaN, '' and null are false; everything else is true. */
export function truthy(value: Value): boolean {
    return isTruthy(toData(value));
}

/** Evaluates one expression, with or without its `${{ }}`. */
export function evaluate(expression: string, contexts: Contexts, status: JobStatus = DEFAULT_STATUS): Value {
    return fromData(evaluateData(expression, contexts, status));
}

/** Whether an `if:` calls a status function; without one GitHub adds `success() &&`. */
export function usesStatusFunction(expression: string): boolean {
    return new Lexer(expression.replace(/^\s*\$\{\{([\s\S]*)\}\}\s*$/, "$1"))
        .lex()
        .tokens.some((token, index, tokens) => STATUS_FUNCTIONS.some((name) => name === token.lexeme.toLowerCase()) && tokens[index + 1]?.lexeme === "(");
}

/** Replaces every `${{ … }}` in a string by its value as GitHub writes it into text. */
export function interpolate(template: string, contexts: Contexts, status: JobStatus = DEFAULT_STATUS): string {
    return template.replace(/\$\{\{([\s\S]*?)\}\}/g, (_, inner: string) => evaluateData(inner, contexts, status).coerceString());
}
