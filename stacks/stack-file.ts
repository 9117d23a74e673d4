/**
 * Reads `Pulumi.<stack>.yaml` into the form the Pulumi CLI hands a program: `namespace:key` to a
 * string, structured values as JSON. Keys without a namespace belong to the project.
 */
import { readFileSync } from "fs";
import { parse } from "yaml";

export class StackFileError extends Error {
    constructor(readonly file: string, detail: string) {
        super(`${file}: ${detail}`);
        this.name = "StackFileError";
    }
}

export function readStackFile(file: string, project: string): Record<string, string> {
    let text: string;
    try {
        text = readFileSync(file, "utf8");
    } catch (error) {
        throw new StackFileError(file, `cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
    }
    return parseStackText(text, file, project);
}

/** The same as readStackFile for text already in hand, such as an edit not yet written; `file` names it in errors. */
export function parseStackText(text: string, file: string, project: string): Record<string, string> {
    let document: unknown;
    try {
        document = parse(text);
    } catch (error) {
        throw new StackFileError(file, `is not valid YAML: ${(error as Error).message.split("\n")[0]}`);
    }
    const config = (document as { config?: unknown } | null)?.config ?? {};
    if (typeof config !== "object" || config === null || Array.isArray(config)) {
        throw new StackFileError(file, "expected a `config:` mapping of keys to values");
    }
    const raw: Record<string, string> = {};
    for (const [key, value] of Object.entries(config)) {
        if (isSecureValue(value)) {
            throw new StackFileError(file, `${key} is encrypted; the offline preview cannot decrypt it — give a plain placeholder in a --config-file copy`);
        }
        raw[key.includes(":") ? key : `${project}:${key}`] = typeof value === "string" ? value : JSON.stringify(value);
    }
    return raw;
}

function isSecureValue(value: unknown): boolean {
    return typeof value === "object" && value !== null && "secure" in value;
}
