/** One resource as the engine saw it at registration. Property values are in the wire format. */
export interface RecordedResource {
    urn: string;
    type: string;
    name: string;
    parent: string | null;
    /** Inputs as registered: unknowns are the engine's unknown sentinel, secrets are secret envelopes. */
    inputs: Record<string, unknown>;
    options: {
        protect: boolean;
        retainOnDelete: boolean;
        ignoreChanges?: string[];
        deleteBeforeReplace?: boolean;
        provider?: string;
        aliases?: string[];
    };
    dependencies: string[];
    propertyDependencies: Record<string, string[]>;
    /** False for component resources and the stack. */
    custom: boolean;
}
