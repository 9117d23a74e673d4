import { strict as assert } from "assert";
import { ofType, previewOf } from "../harness/stacks";

describe("the platform's roles under the account bootstrap", () => {
    for (const stack of ["dev", "production"] as const) {
        it(`gives every role the ${stack} stack creates its stack's permissions boundary, the one the deploy role requires`, async () => {
            const { resources, config } = await previewOf(stack);
            const roles = ofType(resources, "aws:iam/role:Role");
            assert.ok(roles.length > 5);
            for (const role of roles) {
                assert.equal(role.inputs.permissionsBoundary, `arn:aws:iam::${config.account.id}:policy/clinical-platform-${stack}-boundary`, role.name);
            }
        });
    }
});
