/** One resource as the engine saw it at registration; the analyzer client sends exactly this. */
export type { RecordedResource } from "../analyzer/types";
