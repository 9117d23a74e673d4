import { strict as assert } from "assert";
import { connectToOf, runSmoke, testRouteOf } from "../../infra/traffic/smoke";
import { FakeSmoke, LB_DNS, TEST_URL } from "./fakes";

const route = { url: TEST_URL, loadBalancer: LB_DNS };

describe("the smoke tests", () => {
    it("give curl's --connect-to form: the domain and test port, to the load balancer on that port", () => {
        assert.equal(connectToOf(route), `app.clinical.example.com:8443:${LB_DNS}:8443`);
    });

    it("read the route from the stack outputs, and say what is missing", () => {
        assert.deepEqual(testRouteOf({ candidateTestUrl: TEST_URL, loadBalancerDnsName: LB_DNS }), route);
        assert.match(String(testRouteOf({ candidateTestUrl: "app.clinical.example.com", loadBalancerDnsName: LB_DNS })), /candidateTestUrl is "app\.clinical\.example\.com"; expected https:\/\/<domain>:<port>/);
        assert.match(String(testRouteOf({ candidateTestUrl: TEST_URL })), /loadBalancerDnsName is missing/);
    });

    it("give the smoke command what is left of the budget, and fail it when it runs out", () => {
        const fake = new FakeSmoke();
        fake.requestMs = 15_000;
        const report = runSmoke(route, { command: "./smoke.sh", timeoutMinutes: 1, env: {} }, fake.tools());
        assert.equal(report.passed, true);
        assert.equal(fake.commands[0].timeoutMs, 15_000, "a minute less three 15-second requests");
        fake.shell = { timedOut: true };
        const late = runSmoke(route, { command: "./smoke.sh", timeoutMinutes: 2, env: {} }, fake.tools());
        assert.equal(late.passed, false);
        assert.match(late.checks.at(-1)!.detail, /still running when the 2-minute smoke budget ran out/);
    });

    it("do not start a request once the budget is spent", () => {
        const fake = new FakeSmoke();
        fake.requestMs = 40_000;
        const report = runSmoke(route, { command: "./smoke.sh", timeoutMinutes: 1, env: {} }, fake.tools());
        assert.equal(report.passed, false);
        assert.deepEqual(report.checks.map((c) => c.passed), [true, true, false]);
        assert.match(report.checks[2].detail, /not run: the 1-minute smoke budget is spent/);
        assert.equal(fake.commands.length, 0);
    });

    it("pass the health checks alone when the stack has no smoke command", () => {
        const fake = new FakeSmoke();
        assert.deepEqual(runSmoke(route, { timeoutMinutes: 5, env: {} }, fake.tools()).checks.map((c) => c.name), ["GET /health/startup", "GET /health/liveness", "GET /health/readiness"]);
    });
});
