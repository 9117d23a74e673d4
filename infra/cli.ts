/**
 * What the offline preview commands share: exit codes, the options every one of them takes, and
 * the parsing that turns bad usage into exit 2 with the usage line.
 */
import { parseArgs } from "util";

/** 0 clean; 1 mandatory violations or a failed deploy check; 2 invalid config or usage; 3 the program failed. */
export const EXIT = { clean: 0, violations: 1, invalid: 2, failed: 3 } as const;

const STACK_OPTIONS = {
    stack: { type: "string" },
    json: { type: "boolean", default: false },
    "config-file": { type: "string" },
    "first-deployment": { type: "boolean", default: false },
    help: { type: "boolean", default: false },
} as const;

const EXTRA_OPTIONS = {
    diff: { type: "string" },
    graph: { type: "string" },
    protocol: { type: "boolean", default: false },
} as const;

export interface StackCommand {
    stack: string;
    json: boolean;
    configFile?: string;
    firstDeployment: boolean;
    /** Only where the command accepts them (`withDiffAndGraph`). */
    diff?: string;
    graph?: string;
    /** Run the policy pack in its own process over the analyzer protocol, as the CLI does, instead of in-process. */
    protocol?: boolean;
}

/**
 * The command line of a preview command, or the exit code to stop with: usage errors and a missing
 * --stack exit 2 with `usage` on stderr, --help exits 0 with it on stdout.
 */
export function parseStackCommand(argv: string[], usage: string, withDiffAndGraph = false): StackCommand | number {
    let values;
    try {
        ({ values } = parseArgs({
            args: argv,
            options: withDiffAndGraph ? { ...STACK_OPTIONS, ...EXTRA_OPTIONS } : { ...STACK_OPTIONS },
            strict: true,
            allowPositionals: false,
        }));
    } catch (error) {
        console.error(`${(error as Error).message}\n${usage}`);
        return EXIT.invalid;
    }
    if (values.help) {
        console.log(usage);
        return EXIT.clean;
    }
    if (!values.stack) {
        console.error(`--stack is required\n${usage}`);
        return EXIT.invalid;
    }
    const extra = values as { diff?: string; graph?: string; protocol?: boolean };
    return {
        stack: values.stack,
        json: values.json,
        configFile: values["config-file"],
        firstDeployment: values["first-deployment"],
        diff: extra.diff,
        graph: extra.graph,
        protocol: extra.protocol,
    };
}
