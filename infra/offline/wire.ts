/**
 * Turns registered inputs from the engine's wire format into what a reader of the preview may see:
 * secrets masked (a short digest still shows that a secret changed), unknowns marked, resource
 * references as URNs, assets and archives by their source.
 */
import { createHash } from "crypto";
import {
    specialArchiveSig, specialAssetSig, specialResourceSig, specialSecretSig, specialSigKey, unknownValue,
} from "../sdk-adapter";

export const UNKNOWN_DISPLAY = "[unknown]";
export const SECRET_DISPLAY_PREFIX = "[secret";

export function toDisplay(value: unknown): unknown {
    if (value === unknownValue) return UNKNOWN_DISPLAY;
    if (Array.isArray(value)) return value.map(toDisplay);
    if (typeof value !== "object" || value === null) return value;
    const record = value as Record<string, unknown>;
    switch (record[specialSigKey]) {
        case specialSecretSig:
            return `${SECRET_DISPLAY_PREFIX} sha256:${createHash("sha256").update(JSON.stringify(record.value ?? null)).digest("hex").slice(0, 12)}]`;
        case specialResourceSig:
            return record.urn;
        case specialAssetSig:
            return { asset: record.path ?? record.uri ?? `text sha256:${digestOf(record.text)}` };
        case specialArchiveSig:
            return { archive: record.path ?? record.uri ?? toDisplay(record.assets) };
        default:
            return Object.fromEntries(Object.entries(record).map(([key, child]) => [key, toDisplay(child)]));
    }
}

function digestOf(value: unknown): string {
    return createHash("sha256").update(String(value ?? "")).digest("hex").slice(0, 12);
}

/**
 * An input as a check may judge it: a secret unwrapped to its value; `known: false` for a value
 * unknown until the update (or any other engine placeholder).
 */
export function plain(value: unknown): { known: boolean; value: unknown } {
    if (value === unknownValue) return { known: false, value };
    if (typeof value === "object" && value !== null && !Array.isArray(value)) {
        const sig = (value as Record<string, unknown>)[specialSigKey];
        if (sig === specialSecretSig) return plain((value as Record<string, unknown>).value);
        if (sig !== undefined) return { known: false, value };
    }
    return { known: true, value };
}

