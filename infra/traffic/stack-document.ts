/**
 * The blue/green block of a `Pulumi.<stack>.yaml`, read and rewritten through the YAML document
 * model so every comment, blank line and quoting choice outside the changed values survives. An
 * edit is accepted only if the whole edited file passes the same validation the program runs.
 */
import { Document, YAMLMap, isMap, isScalar, parseDocument } from "yaml";
import { PROJECT, SLOT_NAMES, StackConfig, StackConfigError, loadStackConfig } from "../../stacks";
import { parseStackText } from "../../stacks/stack-file";
import { TrafficRefusal, TrafficState } from "./plan";

const APP_KEYS = [`${PROJECT}:app`, "app"];

export interface StackDocument {
    document: Document;
    /** The `app` mapping inside `config:`. */
    app: YAMLMap;
    state: TrafficState;
}

export function readStackDocument(text: string, file: string): StackDocument {
    const document = parseDocument(text);
    if (document.errors.length > 0) throw new TrafficRefusal(`${file} is not valid YAML: ${document.errors[0].message.split("\n")[0]}`);
    const config = document.get("config");
    const app = isMap(config) ? APP_KEYS.map((key) => config.get(key)).find(isMap) : undefined;
    if (!app) throw new TrafficRefusal(`${file} has no ${PROJECT}:app block under config:`);
    const raw = app.toJSON() as { stableSlot?: unknown; slots?: Record<string, { image?: unknown; weight?: unknown; breakingMigration?: unknown }> };
    const stableSlot = SLOT_NAMES.find((slot) => slot === raw.stableSlot);
    if (!stableSlot || !raw.slots) {
        throw new TrafficRefusal(`${file}: ${PROJECT}:app needs stableSlot (one of ${SLOT_NAMES.join(", ")}) and slots; fix the file first`);
    }
    const slots = Object.fromEntries(SLOT_NAMES.map((slot) => {
        const entry = raw.slots?.[slot] ?? {};
        return [slot, {
            ...(typeof entry.image === "string" ? { image: entry.image } : {}),
            weight: typeof entry.weight === "number" ? entry.weight : NaN,
            ...(typeof entry.breakingMigration === "boolean" ? { breakingMigration: entry.breakingMigration } : {}),
        }];
    })) as TrafficState["slots"];
    return { document, app, state: { stableSlot, slots } };
}

/** Writes `next` into the document, touching only values that differ. */
export function writeState(target: StackDocument, next: TrafficState): string {
    const { document, app } = target;
    if (next.stableSlot !== target.state.stableSlot) app.set("stableSlot", next.stableSlot);
    for (const slot of SLOT_NAMES) {
        const before = target.state.slots[slot];
        const after = next.slots[slot];
        if (after.weight !== before.weight) app.setIn(["slots", slot, "weight"], after.weight);
        // Cleared to false rather than removed, so a comment written beside the flag stays with it.
        if (Boolean(after.breakingMigration) !== Boolean(before.breakingMigration)) app.setIn(["slots", slot, "breakingMigration"], Boolean(after.breakingMigration));
        if (after.image !== undefined && after.image !== before.image) {
            const entry = app.getIn(["slots", slot]);
            if (isMap(entry) && !entry.has("image")) {
                const pair = document.createPair("image", after.image);
                if (isScalar(pair.value)) pair.value.type = "QUOTE_DOUBLE";
                entry.items.unshift(pair);
            } else {
                app.setIn(["slots", slot, "image"], after.image);
            }
        }
    }
    return document.toString();
}

/** Runs the edited file through the stack's validation; a refusal lists every problem it finds. */
export function validateEdit(stack: string, text: string, file: string): StackConfig {
    try {
        return loadStackConfig(stack, parseStackText(text, file, PROJECT));
    } catch (error) {
        if (error instanceof StackConfigError) {
            throw new TrafficRefusal(`the edited configuration would be invalid, so ${file} is unchanged:\n${error.problems.map((p) => `  - ${p.key}: expected ${p.expected}; got ${p.received}`).join("\n")}`);
        }
        throw new TrafficRefusal((error as Error).message);
    }
}
