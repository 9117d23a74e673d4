/**
 * npx tsx infra/traffic.ts --stack <dev|staging|production> <command> [--reason "…"] [--apply]
 *                          [--config-file FILE] [--audit-file FILE]
 *
 *   status            the split, the stable slot and each slot's image
 *   stage <image>     put an image on the candidate (non-stable) slot, at weight 0
 *   shift <percent>   send that share of traffic to the candidate slot
 *   promote           all traffic to the candidate slot, which becomes the stable slot
 *   rollback          all traffic back to the stable slot
 *
 * Every command but status needs --reason; each change is validated like the program validates
 * config, written into the stack file in place, and recorded in audit/traffic.jsonl beside it.
 * Exit codes: 0 done or nothing to change; 2 refused or bad usage (the file is untouched);
 * 3 written but not applied (`--apply` could not run `pulumi up`, or it failed).
 */
import { chmodSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "fs";
import * as path from "path";
import { parseArgs } from "util";
import { ENVIRONMENTS, SLOT_NAMES } from "../stacks";
import { stackFileOf } from "./paths";
import { pulumiUp } from "./traffic/apply";
import { AuditRecord, appendAudit, defaultAuditFile, whoIsChanging } from "./traffic/audit";
import { Command, TrafficRefusal, TrafficState, describe, parsePercent, plan, sameState } from "./traffic/plan";
import { readStackDocument, validateEdit, writeState } from "./traffic/stack-document";

export const EXIT = { done: 0, refused: 2, notApplied: 3 } as const;
const USAGE = [
    `usage: npx tsx infra/traffic.ts --stack <${ENVIRONMENTS.join("|")}> <command> [--reason "why"] [--apply] [--config-file FILE] [--audit-file FILE]`,
    "commands: status | stage <image> | shift <percent> | promote | rollback",
].join("\n");

export interface TrafficIo {
    out(line: string): void;
    err(line: string): void;
    env: NodeJS.ProcessEnv;
    now(): Date;
}

const processIo: TrafficIo = {
    out: (line) => console.log(line),
    err: (line) => console.error(line),
    env: process.env,
    now: () => new Date(),
};

export function main(argv: string[], io: TrafficIo = processIo): number {
    let values;
    let positionals: string[];
    try {
        ({ values, positionals } = parseArgs({
            args: argv,
            options: {
                stack: { type: "string" },
                reason: { type: "string" },
                apply: { type: "boolean", default: false },
                "config-file": { type: "string" },
                "audit-file": { type: "string" },
                help: { type: "boolean", default: false },
            },
            strict: true,
            allowPositionals: true,
        }));
    } catch (error) {
        io.err(`${(error as Error).message}\n${USAGE}`);
        return EXIT.refused;
    }
    if (values.help) {
        io.out(USAGE);
        return EXIT.done;
    }
    const stack = values.stack;
    if (!stack || !(ENVIRONMENTS as readonly string[]).includes(stack)) {
        io.err(`--stack: expected one of ${ENVIRONMENTS.join(", ")}; got ${stack === undefined ? "nothing" : JSON.stringify(stack)}\n${USAGE}`);
        return EXIT.refused;
    }
    const configFile = values["config-file"] ? path.resolve(values["config-file"]) : undefined;
    const file = configFile ?? stackFileOf(stack);

    try {
        const [verb, ...rest] = positionals;
        let text: string;
        try {
            text = readFileSync(file, "utf8");
        } catch (error) {
            throw new TrafficRefusal(`${file} cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
        }
        const current = readStackDocument(text, file);
        if (verb === "status") {
            io.out(`Stack ${stack} (${path.relative(process.cwd(), file) || file})`);
            describe(current.state).forEach((line) => io.out(line));
            return EXIT.done;
        }
        const command = parseCommand(verb, rest);
        const reason = values.reason?.trim();
        if (!reason) throw new TrafficRefusal(`--reason is required for ${verb}: say why traffic changes; it goes into the audit record`);

        const next = plan(current.state, command);
        if (sameState(current.state, next)) {
            io.out(`Nothing to change: stack ${stack} is already there.`);
            describe(current.state).forEach((line) => io.out(line));
            return EXIT.done;
        }
        const edited = writeState(current, next);
        validateEdit(stack, edited, file);

        const auditFile = values["audit-file"] ? path.resolve(values["audit-file"]) : defaultAuditFile(file);
        commit(file, edited, auditFile, {
            time: io.now().toISOString(),
            stack,
            command: [verb, ...rest].join(" "),
            who: whoIsChanging(path.dirname(file), io.env),
            reason,
            before: ordered(current.state),
            after: ordered(next),
            file: path.relative(path.dirname(path.dirname(auditFile)), file) || file,
        });
        io.out(`Stack ${stack}, ${[verb, ...rest].join(" ")}. Before:`);
        describe(current.state).forEach((line) => io.out(`  ${line}`));
        io.out("After:");
        describe(next).forEach((line) => io.out(`  ${line}`));
        io.out(`Written to ${file}; recorded in ${auditFile}.`);

        if (!values.apply) {
            io.out(`Run \`pulumi up --stack ${stack}\` to apply it (or repeat with --apply).`);
            return EXIT.done;
        }
        const applied = pulumiUp(stack, configFile, io.env);
        if (!applied.ran) {
            io.err(`Not applied: ${applied.reason}. The change is written; run \`pulumi up --stack ${stack}\` where the CLI is installed.`);
            return EXIT.notApplied;
        }
        if (applied.exitCode !== 0) {
            io.err(`pulumi up exited with ${applied.exitCode}; the stack file already holds the change, so fix the cause and run it again, or roll back.`);
            return EXIT.notApplied;
        }
        return EXIT.done;
    } catch (error) {
        if (error instanceof TrafficRefusal) {
            io.err(`Refused: ${error.message}`);
            io.err(`${file} is unchanged.`);
            return EXIT.refused;
        }
        throw error;
    }
}

function parseCommand(verb: string | undefined, rest: string[]): Command {
    const expectArguments = (count: number, shape: string) => {
        if (rest.length !== count) throw new TrafficRefusal(`${shape}: expected ${count === 0 ? "no arguments" : `${count} argument`}; got ${rest.length === 0 ? "none" : rest.join(" ")}`);
    };
    switch (verb) {
        case "stage":
            expectArguments(1, "stage <image>");
            return { name: "stage", image: rest[0] };
        case "shift":
            expectArguments(1, "shift <percent>");
            return { name: "shift", percent: parsePercent(rest[0]) };
        case "promote":
        case "rollback":
            expectArguments(0, verb);
            return { name: verb };
        default:
            throw new TrafficRefusal(`expected a command (status, stage, shift, promote, rollback); got ${verb === undefined ? "none" : JSON.stringify(verb)}\n${USAGE}`);
    }
}

/** The stack file is replaced whole and only after the audit line is written, so neither exists without the other. */
function commit(file: string, text: string, auditFile: string, record: AuditRecord): void {
    const staged = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.tmp`);
    writeFileSync(staged, text, "utf8");
    try {
        chmodSync(staged, statSync(file).mode);
        appendAudit(auditFile, record);
    } catch (error) {
        rmSync(staged, { force: true });
        throw new TrafficRefusal(`the audit record could not be written to ${auditFile} (${(error as Error).message})`);
    }
    renameSync(staged, file);
}

/** The state with every slot's keys in one order, so audit lines compare line by line. */
function ordered(state: TrafficState): TrafficState {
    const slot = ({ image, weight }: TrafficState["slots"]["blue"]) => (image === undefined ? { weight } : { image, weight });
    return { stableSlot: state.stableSlot, slots: Object.fromEntries(SLOT_NAMES.map((name) => [name, slot(state.slots[name])])) as TrafficState["slots"] };
}

if (require.main === module) {
    // exitCode rather than exit(): output piped to CI is flushed before the process ends.
    process.exitCode = main(process.argv.slice(2));
}
