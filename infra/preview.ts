/**
 * npm run preview -- --stack <dev|staging|production> [--json] [--config-file FILE] [--first-deployment]
 *                    [--diff OLD.json] [--graph FILE.svg]
 *
 * Exit codes: 0 clean; 1 mandatory policy violations or a failed deploy check; 2 invalid config or usage;
 * 3 the program failed.
 */
import { readFileSync, writeFileSync } from "fs";
import { parseArgs } from "util";
import { ENVIRONMENTS, StackConfigError } from "../stacks";
import { StackFileError } from "../stacks/stack-file";
import { DiffInputError, asPreviewDocument, diffPreviews, formatDiff } from "./offline/diff";
import { renderGraph } from "./offline/graph";
import { PreviewDocument, runOfflinePreview } from "./offline/preview";
import { humanReport } from "./report";

/** 0 clean; 1 mandatory violations or a failed deploy check; 2 invalid config or usage; 3 the program failed. */
export const EXIT = { clean: 0, violations: 1, invalid: 2, failed: 3 } as const;

const USAGE = `usage: npm run preview -- --stack <${ENVIRONMENTS.join("|")}> [--json] [--config-file FILE] [--first-deployment] [--diff OLD.json] [--graph FILE.svg]`;

export async function main(argv: string[]): Promise<number> {
    let values;
    try {
        ({ values } = parseArgs({
            args: argv,
            options: {
                stack: { type: "string" },
                json: { type: "boolean", default: false },
                "config-file": { type: "string" },
                "first-deployment": { type: "boolean", default: false },
                diff: { type: "string" },
                graph: { type: "string" },
                help: { type: "boolean", default: false },
            },
            strict: true,
            allowPositionals: false,
        }));
    } catch (error) {
        console.error(`${(error as Error).message}\n${USAGE}`);
        return EXIT.invalid;
    }
    if (values.help) {
        console.log(USAGE);
        return EXIT.clean;
    }
    if (!values.stack) {
        console.error(`--stack is required\n${USAGE}`);
        return EXIT.invalid;
    }

    try {
        const started = Date.now();
        const previous = values.diff ? readSavedPreview(values.diff, values.stack) : undefined;
        const result = await runOfflinePreview({
            stack: values.stack,
            configFile: values["config-file"],
            firstDeployment: values["first-deployment"],
        });
        if (values.graph) {
            writeFileSync(values.graph, await renderGraph(result.resources, `clinical-platform ${values.stack}`));
        }
        const diff = previous && values.diff ? diffPreviews(previous, result.document) : undefined;
        if (values.json) {
            process.stdout.write(`${JSON.stringify(diff ?? result.document, null, 2)}\n`);
        } else if (diff && values.diff) {
            console.log(formatDiff(diff, values.diff));
        } else {
            console.log(humanReport(result.document, result.resources, result.config));
            if (values.graph) console.log(`\nGraph written to ${values.graph}.`);
            console.log(`\nEvaluated offline in ${((Date.now() - started) / 1000).toFixed(1)} s${values["first-deployment"] ? " as a first deployment" : ""}.`);
        }
        return exitCodeOf(result.document);
    } catch (error) {
        if (error instanceof StackConfigError || error instanceof StackFileError) {
            if (values.json) {
                const problems = error instanceof StackConfigError ? error.problems : [{ key: error.file, expected: "a readable stack file", received: error.message }];
                process.stdout.write(`${JSON.stringify({ stack: values.stack, error: error.message, problems }, null, 2)}\n`);
            }
            console.error(error.message);
            return EXIT.invalid;
        }
        if (error instanceof DiffInputError) {
            console.error(error.message);
            return EXIT.invalid;
        }
        console.error(`The program failed: ${(error as Error).stack ?? String(error)}`);
        return EXIT.failed;
    }
}

/** 1 on a mandatory violation or a failed deploy check, else 0. */
export function exitCodeOf(document: PreviewDocument): number {
    const mandatory = document.policy.violations.some((v) => v.level === "mandatory");
    return mandatory || document.deployChecks.failures.length > 0 ? EXIT.violations : EXIT.clean;
}

function readSavedPreview(file: string, stack: string): PreviewDocument {
    let text: string;
    try {
        text = readFileSync(file, "utf8");
    } catch (error) {
        throw new DiffInputError(`${file}: cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
    }
    try {
        return asPreviewDocument(JSON.parse(text), stack, file);
    } catch (error) {
        if (error instanceof DiffInputError) throw error;
        throw new DiffInputError(`${file} is not JSON: ${(error as Error).message}`);
    }
}

if (require.main === module) {
    // Exit once stdout has drained: a large --json document is written asynchronously to a pipe.
    main(process.argv.slice(2)).then((code) => process.stdout.write("", () => process.exit(code)));
}
