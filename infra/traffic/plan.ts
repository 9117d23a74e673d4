/**
 * What each traffic command does to the blue/green block, as pure functions of the current state.
 * A command that cannot be carried out throws TrafficRefusal with the sentence the operator sees.
 */
import { SLOT_NAMES, SlotName } from "../../stacks";

export interface SlotState {
    image?: string;
    weight: number;
    /**
     * The slot's release migrated the shared database in a way the other slot's release cannot use
     * (`app.slots.<slot>.breakingMigration`); absent when the file does not set it.
     */
    breakingMigration?: boolean;
}

export interface TrafficState {
    stableSlot: SlotName;
    slots: Record<SlotName, SlotState>;
}

export type Command =
    | { name: "stage"; image: string }
    | { name: "shift"; percent: number }
    | { name: "promote" }
    /**
     * Without `image`: a canary (the candidate carries traffic) goes back to the stable slot; with
     * the candidate idle, `undo` (the state before the promote that led here, read from the audit
     * trail) is restored, so a rollback after a promote returns to the previous release. With
     * `image`: that release takes all traffic, from the slot that holds it, or staged onto the idle
     * candidate.
     */
    | { name: "rollback"; image?: string; undo?: TrafficState };

export class TrafficRefusal extends Error {
    constructor(message: string) {
        super(message);
        this.name = "TrafficRefusal";
    }
}

/** The slot that is not the stable one: where releases are staged and traffic is shifted to. */
export function candidateSlot(state: TrafficState): SlotName {
    return SLOT_NAMES.find((slot) => slot !== state.stableSlot) as SlotName;
}

/** Reads `shift`'s argument: an integer percentage, with or without a trailing %. */
export function parsePercent(text: string | undefined): number {
    const match = /^(\d{1,3})%?$/.exec(text?.trim() ?? "");
    const value = match ? Number(match[1]) : NaN;
    if (!Number.isInteger(value) || value > 100) {
        throw new TrafficRefusal(`shift: expected a whole percentage from 0 to 100, such as 10 or 10%; got ${text === undefined ? "nothing" : JSON.stringify(text)}`);
    }
    return value;
}

export function plan(state: TrafficState, command: Command): TrafficState {
    const stable = state.stableSlot;
    const candidate = candidateSlot(state);
    const next: TrafficState = {
        stableSlot: stable,
        slots: Object.fromEntries(SLOT_NAMES.map((slot) => [slot, { ...state.slots[slot] }])) as TrafficState["slots"],
    };
    const requireImage = (verb: string) => {
        if (!state.slots[candidate].image) {
            throw new TrafficRefusal(`cannot ${verb}: slot ${candidate} has no image; stage one first with \`stage <image>\``);
        }
    };
    switch (command.name) {
        case "stage":
            if (state.slots[candidate].weight > 0) {
                throw new TrafficRefusal(
                    `cannot stage onto slot ${candidate}: it carries ${state.slots[candidate].weight} % of traffic; promote or roll back first`,
                );
            }
            next.slots[candidate].image = command.image;
            next.slots[candidate].weight = 0;
            // The new release is built on the schema the stable slot's breaking migration left, so
            // that migration breaks nothing any more; left set, it would refuse the first shift.
            if (next.slots[stable].breakingMigration) next.slots[stable].breakingMigration = false;
            return next;
        case "shift":
            requireImage(`shift ${command.percent} % to slot ${candidate}`);
            next.slots[candidate].weight = command.percent;
            next.slots[stable].weight = 100 - command.percent;
            return next;
        case "promote":
            requireImage(`promote slot ${candidate}`);
            next.slots[candidate].weight = 100;
            next.slots[stable].weight = 0;
            next.stableSlot = candidate;
            return next;
        case "rollback":
            return rollback(state, next, command);
    }
}

function rollback(state: TrafficState, next: TrafficState, command: { image?: string; undo?: TrafficState }): TrafficState {
    const stable = state.stableSlot;
    const candidate = candidateSlot(state);
    const allTo = (slot: SlotName): TrafficState => {
        for (const name of SLOT_NAMES) next.slots[name].weight = name === slot ? 100 : 0;
        next.stableSlot = slot;
        return next;
    };
    if (command.image !== undefined) {
        const holder = SLOT_NAMES.find((slot) => state.slots[slot].image === command.image);
        if (holder) return allTo(holder);
        if (state.slots[candidate].weight > 0) {
            throw new TrafficRefusal(
                `cannot roll back to ${command.image}: no slot holds it, and slot ${candidate}, where it would go, carries ${state.slots[candidate].weight} % of traffic; run \`rollback\` first`,
            );
        }
        next.slots[candidate].image = command.image;
        return allTo(candidate);
    }
    if (state.slots[candidate].weight > 0 || !command.undo) return allTo(stable);
    const previous = command.undo;
    const previousImage = previous.slots[previous.stableSlot].image;
    if (state.slots[previous.stableSlot].image !== previousImage) {
        throw new TrafficRefusal(
            `cannot return to the previous release ${previousImage ?? "(none)"}: slot ${previous.stableSlot} now holds ${state.slots[previous.stableSlot].image ?? "no image"}; name the release with \`rollback <image>\``,
        );
    }
    return allTo(previous.stableSlot);
}

export function sameState(a: TrafficState, b: TrafficState): boolean {
    return a.stableSlot === b.stableSlot
        && SLOT_NAMES.every((slot) => a.slots[slot].image === b.slots[slot].image && a.slots[slot].weight === b.slots[slot].weight
            && Boolean(a.slots[slot].breakingMigration) === Boolean(b.slots[slot].breakingMigration));
}

/** One line per slot, as `status` prints it. */
export function describe(state: TrafficState): string[] {
    return [
        `stable slot: ${state.stableSlot} (rollback sends all traffic here)`,
        ...SLOT_NAMES.map((slot) => {
            const { image, weight } = state.slots[slot];
            const role = slot === state.stableSlot ? "stable" : "candidate";
            return `  ${slot.padEnd(6)} ${String(weight).padStart(3)} %  ${(image ?? "(no image staged)").padEnd(48)} ${role}`.trimEnd();
        }),
    ];
}
