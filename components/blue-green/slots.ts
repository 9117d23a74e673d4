/** The two application slots; traffic weights, Deployments and target groups exist once per slot. */
export const SLOT_NAMES = ["blue", "green"] as const;
export type SlotName = (typeof SLOT_NAMES)[number];
