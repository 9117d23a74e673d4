import { strict as assert } from "assert";
import { execFile } from "child_process";
import { existsSync, readFileSync } from "fs";
import * as path from "path";
import { REPOSITORY_ROOT } from "../../infra/offline/preview";

/** The shell blocks of the README section that gives a newcomer their commands. */
function newcomerCommands(): string[] {
    const readme = readFileSync(path.join(REPOSITORY_ROOT, "README.md"), "utf8");
    const section = readme.split(/^## /m).find((s) => s.startsWith("Newcomer"));
    assert.ok(section, "the README has a Newcomer section");
    return [...section.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1].trim());
}

describe("the README's newcomer commands", function () {
    this.timeout(120_000);

    it("are exactly two: install and preview a stack, and run the tests", () => {
        assert.deepEqual(newcomerCommands(), ["npm ci && npm run preview -- --stack production", "npm test"]);
    });

    it("are what CI runs on a clean clone: npm ci, then the test command", () => {
        const ci = readFileSync(path.join(REPOSITORY_ROOT, ".ci", "run"), "utf8").split("\n").filter((line) => /^npm /.test(line));
        assert.deepEqual(ci.map((line) => line.split(" ").slice(0, 2).join(" ")), ["npm ci", "npm test"]);
    });

    it("preview production cleanly after the install", async () => {
        const preview = newcomerCommands()[0].split(" && ")[1].split(" ");
        const { code, stdout } = await new Promise<{ code: number; stdout: string }>((resolve) => {
            execFile(preview[0], preview.slice(1), { cwd: REPOSITORY_ROOT, maxBuffer: 16 * 1024 * 1024 }, (error, out) => {
                resolve({ code: error ? Number(error.code) : 0, stdout: out });
            });
        });
        assert.equal(code, 0, stdout);
        assert.match(stdout, /Stack production \(us-east-1\)/);
        assert.match(stdout, /Policy: clinical-platform-hipaa-soc2@\d+\.\d+\.\d+ — no violations\./);
    });
});

describe("the README and the architecture page", () => {
    const read = (file: string) => readFileSync(path.join(REPOSITORY_ROOT, file), "utf8");
    const links = (text: string) => [...text.matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1]);

    it("link to each other's files inside the repository, and every relative link resolves", () => {
        assert.ok(links(read("README.md")).includes("docs/architecture.md"), "the README links docs/architecture.md");
        for (const [file, base] of [["README.md", ""], ["docs/architecture.md", "docs"]]) {
            for (const link of links(read(file)).filter((l) => !/^[a-z]+:/i.test(l) && !l.startsWith("#"))) {
                const target = path.join(REPOSITORY_ROOT, base, link.split("#")[0]);
                assert.ok(existsSync(target), `${file}: ${link} resolves`);
                assert.ok(path.relative(REPOSITORY_ROOT, target).split(path.sep)[0] !== "..", `${file}: ${link} stays inside the repository`);
            }
        }
    });

    it("name no design document or path outside the repository", () => {
        for (const file of ["README.md", "docs/architecture.md"]) {
            const text = read(file);
            assert.doesNotMatch(text, /\.\.\/shared|DESIGN\.md|\/work\//, file);
        }
    });

    it("list in the layout table only folders that exist", () => {
        const table = read("docs/architecture.md").split("## Data flow")[0];
        const folders = [...table.matchAll(/^\| `([a-z.]+)\/`/gm)].map((m) => m[1]);
        assert.ok(folders.length >= 8);
        for (const folder of folders) assert.ok(existsSync(path.join(REPOSITORY_ROOT, folder)), folder);
    });
});
