import { strict as assert } from "assert";
import { lambdaRuntimeCheck, lambdaRuntimeCheckWith } from "../../infra/checks/lambda-runtime";
import { planOf, resource, run } from "./plans";

const FUNCTION = "aws:lambda/function:Function";
const DATA = {
    source: "a test table",
    checked: "2026-12-01",
    runtimes: [
        { runtime: "nodejs20.x", deprecation: "2026-04-30", blockCreate: "2027-02-01", blockUpdate: "2027-03-03" },
        { runtime: "nodejs22.x", deprecation: "2027-04-30", blockCreate: "2027-06-01", blockUpdate: "2027-07-01" },
    ],
};

describe("the lambda-runtime deploy check", () => {
    const plan = (runtime: string) => planOf({}, [resource(FUNCTION, "rotation", { runtime })]);
    const check = lambdaRuntimeCheckWith(DATA);

    it("fails on a function whose runtime is past its deprecation date, naming the function, the field and the value", () => {
        const failures = run(check, plan("nodejs20.x"), [], new Date("2026-12-01T00:00:00Z"));
        assert.equal(failures.length, 1);
        assert.match(failures[0].urn, /aws:lambda\/function:Function::rotation$/);
        assert.match(failures[0].message, /function rotation sets runtime = "nodejs20\.x", deprecated on 2026-04-30 \(as of 2026-12-01\); use a supported runtime \(nodejs22\.x\)/);
    });

    it("passes the same runtime the day before its deprecation", () => {
        assert.deepEqual(run(check, plan("nodejs20.x"), [], new Date("2026-04-29T12:00:00Z")), []);
    });

    it("fails on a Node.js runtime the table does not list", () => {
        assert.match(run(check, plan("nodejs16.x"), [], new Date("2026-12-01"))[0].message, /does not list/);
    });

    it("reads the committed runtime table, which lists the runtime the rotation function moves to", () => {
        assert.match(lambdaRuntimeCheck.source, /docs\.aws\.amazon\.com\/lambda/);
        assert.deepEqual(run(lambdaRuntimeCheck, plan("nodejs22.x"), [], new Date("2026-12-01")), []);
        assert.equal(run(lambdaRuntimeCheck, plan("nodejs20.x"), [], new Date("2026-12-01")).length, 1);
    });
});
