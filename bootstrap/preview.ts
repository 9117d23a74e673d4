/**
 * npm run bootstrap:preview -- --stack <account stack> [--json] [--config-file FILE] [--first-deployment]
 *
 * Exit codes as the platform's preview: 0 clean; 1 a failed deploy check; 2 invalid config or usage;
 * 3 the program failed.
 */
import { existsSync, readdirSync } from "fs";
import { parseArgs } from "util";
import { StackConfigError } from "../stacks/problems";
import { StackFileError } from "../stacks/stack-file";
import { EXIT } from "../infra/preview";
import { BOOTSTRAP_DIR, BootstrapPreview, bootstrapStackFile, runBootstrapPreview } from "./offline";

function committedStacks(): string[] {
    return readdirSync(BOOTSTRAP_DIR).map((f) => /^Pulumi\.(.+)\.yaml$/.exec(f)?.[1]).filter((s): s is string => s !== undefined);
}

const usage = () => `usage: npm run bootstrap:preview -- --stack <${committedStacks().join("|")}> [--json] [--config-file FILE] [--first-deployment]`;

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
                help: { type: "boolean", default: false },
            },
            strict: true,
            allowPositionals: false,
        }));
    } catch (error) {
        console.error(`${(error as Error).message}\n${usage()}`);
        return EXIT.invalid;
    }
    if (values.help) {
        console.log(usage());
        return EXIT.clean;
    }
    if (!values.stack) {
        console.error(`--stack is required\n${usage()}`);
        return EXIT.invalid;
    }
    if (!values["config-file"] && !existsSync(bootstrapStackFile(values.stack))) {
        console.error(`no bootstrap stack ${values.stack}: ${bootstrapStackFile(values.stack)} does not exist\n${usage()}`);
        return EXIT.invalid;
    }
    try {
        const result = await runBootstrapPreview({ stack: values.stack, configFile: values["config-file"], firstDeployment: values["first-deployment"] });
        if (values.json) {
            const document = { stack: values.stack, resources: result.resources.map(({ custom: _custom, ...r }) => r), outputs: result.outputs, deployChecks: result.deployChecks };
            process.stdout.write(`${JSON.stringify(document, null, 2)}\n`);
        } else {
            console.log(report(values.stack, result));
        }
        return result.deployChecks.failures.length > 0 ? EXIT.violations : EXIT.clean;
    } catch (error) {
        if (error instanceof StackConfigError || error instanceof StackFileError) {
            console.error(error.message);
            return EXIT.invalid;
        }
        console.error(`The program failed: ${(error as Error).stack ?? String(error)}`);
        return EXIT.failed;
    }
}

function report(stack: string, result: BootstrapPreview): string {
    const lines = [`Bootstrap stack ${stack}: account ${result.config.accountId}, ${result.config.region}, repository ${result.config.repository}`, ""];
    const counts = new Map<string, number>();
    for (const r of result.resources) if (r.custom) counts.set(r.type, (counts.get(r.type) ?? 0) + 1);
    for (const [type, count] of [...counts].sort()) lines.push(`  ${String(count).padStart(3)}  ${type}`);
    lines.push("", "Deploy checks:");
    for (const check of result.deployChecks.checks) lines.push(`  ${check.passed ? "pass" : "FAIL"}  ${check.name}`);
    for (const failure of result.deployChecks.failures) lines.push(`    - ${failure.message}`);
    lines.push("", "Outputs (known after `pulumi up`; these are the mocked cloud's):", JSON.stringify(result.outputs, null, 2));
    return lines.join("\n");
}

if (require.main === module) {
    main(process.argv.slice(2)).then((code) => process.stdout.write("", () => process.exit(code)));
}
