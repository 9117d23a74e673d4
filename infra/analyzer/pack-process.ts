import { type ChildProcess, spawn } from "node:child_process";
import { statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import type { PackLaunch } from "./types";

/** The executable form of a pack: the file `--policy-pack` names (infra/analyzer/types.ts, PackLaunch). */
export const PACK_EXECUTABLE = "analyzer.js";

export interface PackProcessOptions {
    packDir: string;
    launch: PackLaunch;
    /** The executable launch's `--policy-pack` value; `<packDir>/analyzer.js` unless given. */
    policyPack?: string;
    /** Where the CLI runs plugins: the project's `main` directory; the working directory unless given. */
    programDir?: string;
    engineAddress: string;
    project: string;
    stack: string;
    organization: string;
    dryRun: boolean;
    /** Stack config as the language host passes it (`PULUMI_CONFIG`), keys like "aws:region". */
    stackConfig?: Record<string, string>;
    /** How long to wait for the pack to print its port. */
    startTimeoutMs?: number;
    /** Called once the pack's process exists, before it has loaded its rules. */
    onSpawned?: () => void;
}

export interface PackProcess {
    port: number;
    child: ChildProcess;
    stderr(): string;
    stop(): Promise<void>;
}

/**
 * Starts a Node policy pack the way `pulumi preview --policy-pack` does (checked in
 * pkg/resource/plugin/analyzer_plugin.go and the Node language host's RunPlugin at v3.259.0,
 * 2026-12-01):
 *  - executable: the `--policy-pack` path, checked from the CLI's working directory, then run from
 *    the project's `main` directory (Go's exec resolves a relative path against the command's Dir), with
 *    the engine's address as its one argument and the CLI's own environment; the stack's identity
 *    arrives by ConfigureStack;
 *  - directory: `node <pack's @pulumi/pulumi>/cmd/run-policy-pack <engine> <dir>` in the pack
 *    directory, with the stack's identity and config in the environment. That script registers
 *    ts-node with type checking and loads the pack's `main`.
 * Either way the pack prints the port of its analyzer server on stdout.
 */
export async function startPackProcess(options: PackProcessOptions): Promise<PackProcess> {
    const packDir = resolve(options.packDir);
    const child = options.launch === "executable"
        ? spawnExecutable(options.policyPack ?? join(packDir, PACK_EXECUTABLE), options)
        : spawn(process.execPath, [runPolicyPack(packDir), options.engineAddress, packDir], {
            cwd: packDir,
            env: { ...process.env, ...stackEnvironment(options) },
            stdio: ["ignore", "pipe", "pipe"],
        });
    options.onSpawned?.();
    let errors = "";
    child.stderr?.setEncoding("utf8").on("data", (chunk: string) => {
        errors += chunk;
    });
    const port = await readPort(child, options.startTimeoutMs ?? 120_000, () => errors);
    return {
        port,
        child,
        stderr: () => errors,
        stop: () => stop(child),
    };
}

/** The CLI finds the file from its own working directory, then runs it from the program's. */
function spawnExecutable(policyPack: string, options: PackProcessOptions): ChildProcess {
    if (!statSync(policyPack, { throwIfNoEntry: false })?.isFile()) {
        throw new Error(`policy pack not found at ${policyPack}`);
    }
    return spawn(policyPack, [options.engineAddress], { cwd: options.programDir ?? process.cwd(), env: process.env, stdio: ["ignore", "pipe", "pipe"] });
}

function runPolicyPack(packDir: string): string {
    return join(dirname(require.resolve("@pulumi/pulumi/package.json", { paths: [packDir] })), "cmd", "run-policy-pack");
}

/** The variables the CLI adds for a nodejs policy pack (PULUMI_NODEJS_* are what the SDK reads). */
function stackEnvironment(options: PackProcessOptions): Record<string, string> {
    const dryRun = String(options.dryRun);
    const env: Record<string, string> = {
        PULUMI_NODEJS_ORGANIZATION: options.organization,
        PULUMI_NODEJS_PROJECT: options.project,
        PULUMI_NODEJS_STACK: options.stack,
        PULUMI_NODEJS_DRY_RUN: dryRun,
        PULUMI_ORGANIZATION: options.organization,
        PULUMI_PROJECT: options.project,
        PULUMI_STACK: options.stack,
        PULUMI_DRY_RUN: dryRun,
    };
    if (options.stackConfig !== undefined) {
        env["PULUMI_CONFIG"] = JSON.stringify(options.stackConfig);
    }
    return env;
}

function readPort(child: ChildProcess, timeoutMs: number, stderr: () => string): Promise<number> {
    return new Promise<number>((resolvePort, reject) => {
        let buffered = "";
        const fail = (reason: string) => {
            clearTimeout(timer);
            child.kill("SIGKILL");
            reject(new Error(`policy pack did not start: ${reason}\n${stderr()}`.trimEnd()));
        };
        const timer = setTimeout(() => fail(`no port after ${timeoutMs} ms`), timeoutMs);
        child.once("exit", (code, signal) => fail(`exited with ${signal ?? `code ${code}`}`));
        child.once("error", (error) => fail(error.message));
        child.stdout?.setEncoding("utf8").on("data", function onData(chunk: string) {
            buffered += chunk;
            const newline = buffered.indexOf("\n");
            if (newline < 0) {
                return;
            }
            const port = Number(buffered.slice(0, newline).trim());
            clearTimeout(timer);
            child.removeAllListeners("exit");
            child.removeAllListeners("error");
            // Keep draining stdout so a chatty policy can never block on a full pipe.
            child.stdout?.off("data", onData).resume();
            if (Number.isInteger(port) && port > 0) {
                resolvePort(port);
            } else {
                fail(`expected a port on stdout, got ${JSON.stringify(buffered.slice(0, newline))}`);
            }
        });
    });
}

function stop(child: ChildProcess): Promise<void> {
    if (child.exitCode !== null || child.signalCode !== null) {
        return Promise.resolve();
    }
    return new Promise<void>((resolveStop) => {
        const force = setTimeout(() => child.kill("SIGKILL"), 5_000);
        child.once("exit", () => {
            clearTimeout(force);
            resolveStop();
        });
        child.kill("SIGTERM");
    });
}
