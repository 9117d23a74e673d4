/** A config problem names its key, what was expected and what was given. */
export interface ConfigProblem {
    key: string;
    expected: string;
    received: string;
}

export class StackConfigError extends Error {
    constructor(
        readonly stack: string,
        readonly problems: readonly ConfigProblem[],
    ) {
        const count = problems.length === 1 ? "1 problem" : `${problems.length} problems`;
        const lines = problems.map((p) => `  - ${p.key}: expected ${p.expected}; got ${p.received}`);
        super(`Invalid configuration for stack '${stack}' (${count}); no resources were registered:\n${lines.join("\n")}`);
        this.name = "StackConfigError";
    }
}

export function describeValue(value: unknown): string {
    if (value === undefined) return "nothing (the key is missing)";
    if (typeof value === "string") return JSON.stringify(value);
    const json = JSON.stringify(value);
    return json.length > 80 ? `${json.slice(0, 77)}...` : json;
}

/** The closest known name, when the unknown one is plausibly a typo of it. */
export function closestName(unknown: string, known: readonly string[]): string | undefined {
    let best: { name: string; distance: number } | undefined;
    for (const name of known) {
        const distance = editDistance(unknown.toLowerCase(), name.toLowerCase());
        if (!best || distance < best.distance) best = { name, distance };
    }
    return best && best.distance <= Math.max(2, Math.floor(unknown.length / 3)) ? best.name : undefined;
}

/** Levenshtein distance: the fewest single-character edits that turn `a` into `b`. */
export function editDistance(a: string, b: string): number {
    let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
    for (let i = 1; i <= a.length; i++) {
        const current = [i];
        for (let j = 1; j <= b.length; j++) {
            current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
        }
        previous = current;
    }
    return previous[b.length];
}
