/**
 * EventBridge event-pattern matching for the operators the platform's rules use: exact values
 * listed in arrays (a field matches when its value, or any element of an array value, equals one
 * of them) and nested objects for nested fields. Every field the pattern names must be in the
 * event; fields it does not name are ignored. Semantics from the EventBridge User Guide, "Creating
 * Amazon EventBridge event patterns" (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns.html,
 * read 2026-12-01). Content filters (prefix, anything-but, numeric, exists, …) are refused rather than guessed.
 */
export type EventPattern = { [field: string]: EventPattern | Array<string | number | boolean | null> };

export function matchesPattern(pattern: EventPattern, event: unknown): boolean {
    if (typeof event !== "object" || event === null || Array.isArray(event)) return false;
    const fields = event as Record<string, unknown>;
    return Object.entries(pattern).every(([field, expected]) => {
        if (!(field in fields)) return false;
        const actual = fields[field];
        if (!Array.isArray(expected)) return matchesPattern(expected, actual);
        for (const value of expected) {
            if (typeof value === "object" && value !== null) throw new Error(`content filter ${JSON.stringify(value)} on ${field} is not supported by this matcher`);
        }
        const candidates = Array.isArray(actual) ? actual : [actual];
        return candidates.some((candidate) => expected.includes(candidate as string | number | boolean | null));
    });
}
