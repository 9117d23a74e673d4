/**
 * Reading resource properties without tripping over values the engine cannot know yet.
 *
 * During a preview of a stack that does not exist, ids and ARNs of other resources are
 * unknown. The policy server hands us props behind a proxy that throws on every read of
 * such a value, and reports the throw as "can't run policy during preview". A compliant
 * stack must not produce that notice, so rules never read through the proxy: they take
 * one plain copy in which every unknown is the `UNKNOWN` symbol and decide explicitly
 * what an unknown means for them: a required setting (a flag, a protocol, a number of days)
 * is read through `present`, so an unknown, an empty string or an empty list fails; a
 * reference to another resource (an id, an ARN) is read through `presentOrPending`, so an
 * unknown passes and is judged again when it is known.
 */

/** Marker for a value the engine will only know after the update. */
export const UNKNOWN: unique symbol = Symbol("unknown until the update runs");
export type Unknown = typeof UNKNOWN;

/** A property as a rule sees it: known, unknown, or not given. */
export type Maybe<T> = T | Unknown | null | undefined;

/**
 * The engine's sentinels for unknown values; the Go engine and the Node SDK send the string
 * one for every computed input, the others exist for typed unknowns.
 */
const UNKNOWN_SENTINELS: ReadonlySet<string> = new Set([
    "04da6b54-80e4-46f7-96ec-b56ff0331ba9",
    "1c4a061d-8072-4f0a-a4cb-0ff528b18fe7",
    "3eeb2bf0-c639-47a8-9e75-3b44932eb421",
    "6a19a0b0-7e62-4c92-b797-7f8e31da9cc2",
    "030794c1-ac77-496b-92df-f27374a8bd58",
    "e48ece36-62e2-4504-bad9-02848725956a",
    "dd056dcd-154b-4c76-9bd3-c8f88648b5ff",
]);

export function isUnknown(value: unknown): value is Unknown {
    return value === UNKNOWN;
}

/** True when the value is known and given (not null, not undefined, not an empty string). */
export function isKnown<T>(value: Maybe<T>): value is T {
    return value !== UNKNOWN && value !== null && value !== undefined && (value as unknown) !== "";
}

/** True when the value is given, even if it is still unknown. */
export function isPresent<T>(value: Maybe<T>): value is T | Unknown {
    return value === UNKNOWN || isKnown(value);
}

/**
 * True when a required setting holds a usable value: known, not an empty (or blank) string,
 * and not an empty list. Rules read every required setting through this, so `""`, `[]` and
 * an unknown are all judged like an absent value: a setting the program writes as a literal
 * is known in every preview, and one that is still unknown cannot be shown to be compliant.
 */
export function present<T>(value: Maybe<T>): value is T {
    if (!isKnown(value)) {
        return false;
    }
    if (typeof value === "string") {
        return value.trim() !== "";
    }
    return !Array.isArray(value) || value.length > 0;
}

/**
 * Like `present`, but an unknown passes: for references (ids, ARNs) to resources created in
 * the same update, which no preview of a first deployment can know. The rule judges them
 * again when they are known; an empty string or list still fails.
 */
export function presentOrPending<T>(value: Maybe<T>): value is T | Unknown {
    return isUnknown(value) || present(value);
}

export function isAbsent<T>(value: Maybe<T>): value is null | undefined {
    return !isPresent(value);
}

/**
 * Copies the props the policy server gave us into plain data, turning every unknown into
 * `UNKNOWN`. Own-property descriptors are not intercepted by the server's proxy, so this
 * never triggers its unknown check.
 */
export function plainProps(props: object): Record<string, unknown> {
    const plain: Record<string, unknown> = {};
    for (const key of Object.keys(props)) {
        const descriptor = Object.getOwnPropertyDescriptor(props, key);
        plain[key] = toPlain(descriptor?.value);
    }
    return plain;
}

function toPlain(value: unknown): unknown {
    if (typeof value === "string") {
        return UNKNOWN_SENTINELS.has(value) ? UNKNOWN : value;
    }
    if (Array.isArray(value)) {
        return value.map(toPlain);
    }
    if (value !== null && typeof value === "object") {
        const copy: Record<string, unknown> = {};
        for (const [key, inner] of Object.entries(value)) {
            copy[key] = toPlain(inner);
        }
        return copy;
    }
    return value;
}

/** The known elements of a list, and whether some element (or the list itself) is unknown. */
export function elements<T>(list: Maybe<readonly Maybe<T>[]>): { known: T[]; hasUnknown: boolean } {
    if (list === UNKNOWN) {
        return { known: [], hasUnknown: true };
    }
    if (!Array.isArray(list)) {
        return { known: [], hasUnknown: false };
    }
    const known: T[] = [];
    let hasUnknown = false;
    for (const item of list as readonly Maybe<T>[]) {
        if (item === UNKNOWN) {
            hasUnknown = true;
        } else if (item !== null && item !== undefined) {
            known.push(item);
        }
    }
    return { known, hasUnknown };
}

/** The known string elements of a list; unknown elements are skipped. */
export function knownStrings(list: Maybe<readonly Maybe<string>[]>): string[] {
    return elements(list).known.filter((item): item is string => typeof item === "string");
}

/** Lets rules treat "true" / "false" strings (launch template EBS flags are strings) as booleans. */
export function asBoolean(value: Maybe<boolean | string>): Maybe<boolean> {
    if (value === "true") {
        return true;
    }
    if (value === "false") {
        return false;
    }
    return value as Maybe<boolean>;
}
