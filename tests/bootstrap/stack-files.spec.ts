import { strict as assert } from "assert";
import * as path from "path";
import { loadBootstrapConfig } from "../../bootstrap/config";
import { REPOSITORY_ROOT } from "../../infra/paths";
import { PROJECT, loadStackConfig } from "../../stacks";
import { readStackFile } from "../../stacks/stack-file";

const BOOTSTRAP_STACKS = ["prod", "nonprod"];
const platform = (stack: string) => loadStackConfig(stack, readStackFile(path.join(REPOSITORY_ROOT, `Pulumi.${stack}.yaml`), PROJECT));
const bootstrap = (name: string) => ({
    name,
    raw: readStackFile(path.join(REPOSITORY_ROOT, "bootstrap", `Pulumi.${name}.yaml`), "clinical-platform-bootstrap"),
});

describe("the committed stack files and the account bootstraps", () => {
    it("give every platform stack the CI roles its account's bootstrap creates for it", () => {
        const accounts = BOOTSTRAP_STACKS.map(bootstrap).map(({ name, raw }) => ({
            account: JSON.parse(raw["aws:allowedAccountIds"])[0] as string,
            config: loadBootstrapConfig(name, raw),
        }));
        for (const stack of ["dev", "staging", "production"]) {
            const config = platform(stack);
            const owner = accounts.find((a) => a.account === config.account.id);
            assert.ok(owner, `no bootstrap stack for account ${config.account.id} (${stack})`);
            assert.ok(owner.config.stacks.some((s) => s.name === stack), `the bootstrap of ${config.account.id} does not list ${stack}`);
            assert.equal(config.ci.deployRoleArn, `arn:aws:iam::${config.account.id}:role/clinical-platform-deploy-${stack}`);
            assert.equal(config.ci.previewRoleArn, `arn:aws:iam::${config.account.id}:role/clinical-platform-preview`);
            // The deploy role may act in the DR region only if the bootstrap names the one the stack file does.
            assert.equal(owner.config.stacks.find((s) => s.name === stack)?.drRegion, config.recovery.drRegion, `${stack}: drRegion`);
        }
    });

    it("give the stacks of one account its one GitHub connection", () => {
        const staging = platform("staging");
        const production = platform("production");
        assert.equal(staging.account.id, production.account.id);
        assert.equal(staging.ci.connectionArn, production.ci.connectionArn);
    });
});
