/**
 * A small evaluator of GitHub Actions expressions (`${{ … }}`), enough to ask the workflows what
 * they do for a given event: literals, context properties (`github.ref`, `inputs.stack`,
 * `needs.dev.result`, `a['b']`), `!`, `==`, `!=`, `<`, `<=`, `>`, `>=`, `&&`, `||`, parentheses,
 * and the functions startsWith, endsWith, contains, format, success, failure, cancelled, always.
 * Semantics follow GitHub's: `&&`/`||` return an operand, string comparison ignores case, values of
 * different types are compared as numbers, and a missing property is null.
 */

export type Value = string | number | boolean | null | Value[] | { [key: string]: Value };
export type Contexts = Record<string, Value>;

export interface JobStatus {
    success: boolean;
    failure: boolean;
    cancelled: boolean;
}

type Token =
    | { kind: "string"; value: string }
    | { kind: "number"; value: number }
    | { kind: "ident"; value: string }
    | { kind: "punct"; value: string };

type Node =
    | { type: "literal"; value: Value }
    | { type: "context"; name: string }
    | { type: "property"; object: Node; key: Node }
    | { type: "call"; name: string; args: Node[] }
    | { type: "not"; operand: Node }
    | { type: "binary"; op: string; left: Node; right: Node };

const PUNCT = ["==", "!=", "<=", ">=", "&&", "||", "<", ">", "!", "(", ")", "[", "]", ".", ","];

function tokenize(source: string): Token[] {
    const tokens: Token[] = [];
    let i = 0;
    while (i < source.length) {
        const c = source[i];
        if (/\s/.test(c)) {
            i++;
        } else if (c === "'") {
            let value = "";
            i++;
            for (;;) {
                if (i >= source.length) throw new Error(`unterminated string in: ${source}`);
                if (source[i] === "'") {
                    if (source[i + 1] === "'") {
                        value += "'";
                        i += 2;
                        continue;
                    }
                    i++;
                    break;
                }
                value += source[i++];
            }
            tokens.push({ kind: "string", value });
        } else if (/[0-9]/.test(c) || (c === "-" && /[0-9]/.test(source[i + 1] ?? ""))) {
            const match = /^-?(0x[0-9a-f]+|[0-9]+(\.[0-9]+)?(e[+-]?[0-9]+)?)/i.exec(source.slice(i));
            if (!match) throw new Error(`bad number at ${i} in: ${source}`);
            tokens.push({ kind: "number", value: Number(match[0]) });
            i += match[0].length;
        } else if (/[A-Za-z_]/.test(c)) {
            const match = /^[A-Za-z_][A-Za-z0-9_-]*/.exec(source.slice(i));
            tokens.push({ kind: "ident", value: match![0] });
            i += match![0].length;
        } else {
            const op = PUNCT.find((p) => source.startsWith(p, i));
            if (!op) throw new Error(`unexpected '${c}' at ${i} in: ${source}`);
            tokens.push({ kind: "punct", value: op });
            i += op.length;
        }
    }
    return tokens;
}

class Parser {
    private position = 0;

    constructor(
        private readonly tokens: Token[],
        private readonly source: string,
    ) {}

    parse(): Node {
        const node = this.or();
        if (this.position < this.tokens.length) throw new Error(`unexpected token ${JSON.stringify(this.tokens[this.position])} in: ${this.source}`);
        return node;
    }

    private peek(value: string): boolean {
        const token = this.tokens[this.position];
        return token !== undefined && token.kind === "punct" && token.value === value;
    }

    private expect(value: string): void {
        if (!this.peek(value)) throw new Error(`expected '${value}' in: ${this.source}`);
        this.position++;
    }

    private binary(next: () => Node, ops: string[]): Node {
        let left = next();
        for (;;) {
            const op = ops.find((o) => this.peek(o));
            if (!op) return left;
            this.position++;
            left = { type: "binary", op, left, right: next() };
        }
    }

    private or(): Node {
        return this.binary(() => this.and(), ["||"]);
    }

    private and(): Node {
        return this.binary(() => this.equality(), ["&&"]);
    }

    private equality(): Node {
        return this.binary(() => this.comparison(), ["==", "!="]);
    }

    private comparison(): Node {
        return this.binary(() => this.unary(), ["<=", ">=", "<", ">"]);
    }

    private unary(): Node {
        if (this.peek("!")) {
            this.position++;
            return { type: "not", operand: this.unary() };
        }
        return this.postfix();
    }

    private postfix(): Node {
        let node = this.primary();
        for (;;) {
            if (this.peek(".")) {
                this.position++;
                const token = this.tokens[this.position++];
                if (!token || token.kind !== "ident") throw new Error(`expected a property name in: ${this.source}`);
                node = { type: "property", object: node, key: { type: "literal", value: token.value } };
            } else if (this.peek("[")) {
                this.position++;
                const key = this.or();
                this.expect("]");
                node = { type: "property", object: node, key };
            } else {
                return node;
            }
        }
    }

    private primary(): Node {
        const token = this.tokens[this.position++];
        if (!token) throw new Error(`unexpected end of: ${this.source}`);
        if (token.kind === "string" || token.kind === "number") return { type: "literal", value: token.value };
        if (token.kind === "punct") {
            if (token.value !== "(") throw new Error(`unexpected '${token.value}' in: ${this.source}`);
            const inner = this.or();
            this.expect(")");
            return inner;
        }
        const name = token.value;
        if (name === "true" || name === "false") return { type: "literal", value: name === "true" };
        if (name === "null") return { type: "literal", value: null };
        if (this.peek("(")) {
            this.position++;
            const args: Node[] = [];
            if (!this.peek(")")) {
                args.push(this.or());
                while (this.peek(",")) {
                    this.position++;
                    args.push(this.or());
                }
            }
            this.expect(")");
            return { type: "call", name: name.toLowerCase(), args };
        }
        return { type: "context", name };
    }
}

export function truthy(value: Value): boolean {
    if (value === null || value === false || value === "" || value === 0) return false;
    if (typeof value === "number" && Number.isNaN(value)) return false;
    return true;
}

function toNumber(value: Value): number {
    if (value === null) return 0;
    if (typeof value === "boolean") return value ? 1 : 0;
    if (typeof value === "number") return value;
    if (typeof value === "string") return value.trim() === "" ? 0 : Number(value);
    return NaN;
}

export function toText(value: Value): string {
    if (value === null) return "";
    if (typeof value === "string") return value;
    if (typeof value === "number" || typeof value === "boolean") return String(value);
    return JSON.stringify(value);
}

function compare(left: Value, right: Value): number {
    if (typeof left === "string" && typeof right === "string") {
        const a = left.toLowerCase();
        const b = right.toLowerCase();
        return a === b ? 0 : a < b ? -1 : 1;
    }
    if (typeof left === "object" && left !== null) return left === right ? 0 : NaN;
    const a = toNumber(left);
    const b = toNumber(right);
    return a === b ? 0 : a < b ? -1 : a > b ? 1 : NaN;
}

function lookup(object: Value, key: Value): Value {
    if (object === null || typeof object !== "object") return null;
    if (Array.isArray(object)) {
        const index = toNumber(key);
        return Number.isInteger(index) ? (object[index] ?? null) : null;
    }
    const wanted = toText(key).toLowerCase();
    const found = Object.keys(object).find((k) => k.toLowerCase() === wanted);
    return found === undefined ? null : object[found];
}

function evaluateNode(node: Node, contexts: Contexts, status: JobStatus): Value {
    switch (node.type) {
        case "literal":
            return node.value;
        case "context":
            return lookup(contexts, node.name);
        case "property":
            return lookup(evaluateNode(node.object, contexts, status), evaluateNode(node.key, contexts, status));
        case "not":
            return !truthy(evaluateNode(node.operand, contexts, status));
        case "binary": {
            const left = evaluateNode(node.left, contexts, status);
            if (node.op === "&&") return truthy(left) ? evaluateNode(node.right, contexts, status) : left;
            if (node.op === "||") return truthy(left) ? left : evaluateNode(node.right, contexts, status);
            const order = compare(left, evaluateNode(node.right, contexts, status));
            switch (node.op) {
                case "==":
                    return order === 0;
                case "!=":
                    return order !== 0;
                case "<":
                    return order < 0;
                case "<=":
                    return order <= 0;
                case ">":
                    return order > 0;
                default:
                    return order >= 0;
            }
        }
        case "call": {
            const args = node.args.map((a) => evaluateNode(a, contexts, status));
            switch (node.name) {
                case "startswith":
                    return toText(args[0]).toLowerCase().startsWith(toText(args[1]).toLowerCase());
                case "endswith":
                    return toText(args[0]).toLowerCase().endsWith(toText(args[1]).toLowerCase());
                case "contains": {
                    const [haystack, needle] = args;
                    if (Array.isArray(haystack)) return haystack.some((item) => compare(item, needle) === 0);
                    return toText(haystack).toLowerCase().includes(toText(needle).toLowerCase());
                }
                case "format":
                    return toText(args[0]).replace(/\{(\d+)\}/g, (_, i: string) => toText(args[Number(i) + 1] ?? null));
                case "success":
                    return status.success;
                case "failure":
                    return status.failure;
                case "cancelled":
                    return status.cancelled;
                case "always":
                    return true;
                default:
                    throw new Error(`function ${node.name} is not supported by this evaluator`);
            }
        }
    }
}

const DEFAULT_STATUS: JobStatus = { success: true, failure: false, cancelled: false };

/** Evaluates one expression, with or without its `${{ }}`. */
export function evaluate(expression: string, contexts: Contexts, status: JobStatus = DEFAULT_STATUS): Value {
    const inner = /^\s*\$\{\{([\s\S]*)\}\}\s*$/.exec(expression);
    const source = inner ? inner[1] : expression;
    return evaluateNode(new Parser(tokenize(source), source).parse(), contexts, status);
}

/** Whether an `if:` calls a status function; without one GitHub adds `success() &&`. */
export function usesStatusFunction(expression: string): boolean {
    return /\b(success|failure|cancelled|always)\s*\(/i.test(expression);
}

/** Replaces every `${{ … }}` in a string by its value as text. */
export function interpolate(template: string, contexts: Contexts, status: JobStatus = DEFAULT_STATUS): string {
    return template.replace(/\$\{\{([\s\S]*?)\}\}/g, (_, inner: string) => toText(evaluate(inner, contexts, status)));
}
