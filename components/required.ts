/**
 * An output AWS always returns for a created resource, read where an empty fallback would only move
 * the failure somewhere harder to trace (an empty ARN in a policy, an empty id in a rule).
 */
export function required<T>(value: T | null | undefined, what: string): T {
    if (value === undefined || value === null || (typeof value === "string" && value === "")) {
        throw new Error(`${what} is missing from the provider's outputs; the resource was not created as expected`);
    }
    return value;
}
