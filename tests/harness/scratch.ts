/**
 * Temporary directories for the specs, all under one root per test process that is removed when
 * the process exits, so repeated runs leave nothing behind in the system's temporary directory.
 */
import { mkdtempSync, rmSync } from "fs";
import { tmpdir } from "os";
import * as path from "path";

let root: string | undefined;

/** A new empty directory whose name starts with `prefix`; it lasts until the test process exits. */
export function scratchDir(prefix: string): string {
    if (root === undefined) {
        const created = mkdtempSync(path.join(tmpdir(), "clinical-tests-"));
        process.on("exit", () => rmSync(created, { recursive: true, force: true }));
        root = created;
    }
    return mkdtempSync(path.join(root, prefix));
}
