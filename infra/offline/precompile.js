"use strict";
/**
 * `npm run build:offline` (part of `npm ci`'s prepare step): compiles every TypeScript file of the
 * project into register.js's cache, so the offline commands on a fresh install run compiled
 * JavaScript from their first run. Tests are left out: mocha runs them through tsx.
 */
const fs = require("fs");
const path = require("path");
const { ROOT, precompile } = require("./transpile");

/** Directories that hold no TypeScript the offline commands load (and every node_modules). */
const SKIPPED = new Set(["tests", path.join("policies", "bin"), path.join("policies", "dist"), path.join("bench", "cdk-peer")]);

function typeScriptFiles(directory) {
    const files = [];
    for (const entry of fs.readdirSync(directory, { withFileTypes: true })) {
        const full = path.join(directory, entry.name);
        if (entry.isDirectory()) {
            const skipped = entry.name.startsWith(".") || entry.name === "node_modules" || SKIPPED.has(path.relative(ROOT, full));
            if (!skipped) files.push(...typeScriptFiles(full));
        } else if (entry.name.endsWith(".ts") && !entry.name.endsWith(".d.ts")) {
            files.push(full);
        }
    }
    return files;
}

const started = process.hrtime.bigint();
const files = typeScriptFiles(ROOT);
precompile(files).then((compiled) => {
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    console.log(`offline commands: ${compiled} of ${files.length} TypeScript files compiled (${seconds.toFixed(2)} s)`);
}, (error) => {
    // Not fatal to the install: a file not compiled here is compiled when a command first loads it.
    console.warn(`offline commands: not precompiled (${error instanceof Error ? error.message : String(error)}); each file is compiled when first loaded`);
});
