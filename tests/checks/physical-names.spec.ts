import { strict as assert } from "assert";
import { physicalNamesCheck } from "../../infra/checks/physical-names";
import { planOf, resource, run } from "./plans";

const LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup";
const ROLE = "aws:iam/role:Role";

describe("the physical-names deploy check", () => {
    const flowLogs = resource(LOG_GROUP, "network-flow-logs", { name: "/clinical-platform/network/vpc-flow-logs" });

    it("fails when two stacks of one account and region create the same log group, naming the resource, the field and the value", () => {
        const staging = planOf({ stack: "staging" }, [flowLogs]);
        const production = planOf({ stack: "production", ownsAccountResources: false }, [flowLogs]);
        const failures = run(physicalNamesCheck, production, [staging]);
        assert.equal(failures.length, 1);
        assert.equal(failures[0].urn, "urn:pulumi:production::clinical-platform::aws:cloudwatch/logGroup:LogGroup::network-flow-logs");
        assert.match(failures[0].message, /network-flow-logs sets name = "\/clinical-platform\/network\/vpc-flow-logs", which stack staging .* also creates/);
        assert.match(failures[0].message, /unique in account 111122223333, region us-east-1/);
    });

    it("passes when the stacks put their own name in the log group's name", () => {
        const staging = planOf({ stack: "staging" }, [resource(LOG_GROUP, "network-flow-logs", { name: "/clinical-platform/staging/network/vpc-flow-logs" })]);
        const production = planOf({ stack: "production" }, [resource(LOG_GROUP, "network-flow-logs", { name: "/clinical-platform/production/network/vpc-flow-logs" })]);
        assert.deepEqual(run(physicalNamesCheck, production, [staging]), []);
    });

    it("lets two regions of one account, or two accounts, have a log group of the same name", () => {
        const east = planOf({ stack: "staging", region: "us-east-1" }, [flowLogs]);
        const west = planOf({ stack: "production", region: "us-west-2" }, [flowLogs]);
        const otherAccount = planOf({ stack: "dev", account: "444455556666" }, [flowLogs]);
        assert.deepEqual(run(physicalNamesCheck, west, [east, otherAccount]), []);
    });

    it("compares IAM role names across every region of the account, IAM being global", () => {
        const role = resource(ROLE, "deployer", { name: "clinical-platform-deployer" });
        const east = planOf({ stack: "staging", region: "us-east-1" }, [role]);
        const west = planOf({ stack: "production", region: "us-west-2" }, [role]);
        const [failure] = run(physicalNamesCheck, west, [east]);
        assert.match(failure.message, /sets name = "clinical-platform-deployer".*unique in account 111122223333:/);
    });

    it("fails when two stacks of an account both create a service-linked role for the same service", () => {
        const slr = resource("aws:iam/serviceLinkedRole:ServiceLinkedRole", "autoscaling", { awsServiceName: "autoscaling.amazonaws.com" });
        const failures = run(physicalNamesCheck, planOf({ stack: "production" }, [slr]), [planOf({ stack: "staging" }, [slr])]);
        assert.equal(failures.length, 1);
        assert.match(failures[0].message, /autoscaling\.amazonaws\.com/);
    });

    it("fails on two resources of one stack with the same name, and ignores names Pulumi generates or that are unknown", () => {
        const plan = planOf({}, [
            resource(LOG_GROUP, "a", { name: "/same" }),
            resource(LOG_GROUP, "b", { name: "/same" }),
            resource(LOG_GROUP, "c", {}),
            resource(LOG_GROUP, "d", { name: "04da6b54-80e4-46f7-96ec-b56ff0331ba9" }),
            resource(LOG_GROUP, "e", { name: "04da6b54-80e4-46f7-96ec-b56ff0331ba9" }),
        ]);
        const failures = run(physicalNamesCheck, plan);
        assert.deepEqual(failures.map((f) => f.urn.split("::").pop()), ["b"]);
        assert.match(failures[0].message, /resource a of this stack/);
    });

    it("scopes a resource to the region of its explicit provider", () => {
        const provider = resource("pulumi:providers:aws", "edge-us-east-1", { region: "us-east-1" });
        const destination = (stack: string) => resource("aws:cloudwatch/logDeliveryDestination:LogDeliveryDestination", "access-logs", { name: "shared-destination" }, {
            options: { protect: false, retainOnDelete: false, provider: `urn:pulumi:${stack}::clinical-platform::pulumi:providers:aws::edge-us-east-1::id` },
        });
        const a = planOf({ stack: "staging", region: "eu-west-1" }, [provider, destination("staging")]);
        const b = planOf({ stack: "production", region: "eu-central-1" }, [provider, destination("production")]);
        assert.match(run(physicalNamesCheck, b, [a])[0].message, /region us-east-1/);
    });
});
