import { strict as assert } from "node:assert";
import { allPolicies } from "../../../policies/rules";
import { exercised } from "../harness/cases";
// Loading the rule specs registers their cases, whether mocha runs them in this process or not.
import "./autoscaling.spec";
import "./apigateway.spec";
import "./backup.spec";
import "./baseline.spec";
import "./beanstalk.spec";
import "./cloudfront.spec";
import "./dms.spec";
import "./ec2-instances.spec";
import "./dynamodb.spec";
import "./ecr.spec";
import "./codebuild.spec";
import "./ecs.spec";
import "./edge.spec";
import "./efs.spec";
import "./eks.spec";
import "./elb-classic.spec";
import "./emr.spec";
import "./elasticache.spec";
import "./iam.spec";
import "./kinesis.spec";
import "./kubernetes.spec";
import "./lambda.spec";
import "./monitoring.spec";
import "./network.spec";
import "./opensearch.spec";
import "./partials.spec";
import "./rds.spec";
import "./redshift.spec";
import "./s3.spec";
import "./sagemaker.spec";
import "./secrets-kms.spec";
import "./sqs.spec";
import "./ssm.spec";

describe("the rule specs", () => {
    // A prohibition (e.g. no access keys at all) has no compliant resource to accept: a case it
    // must not judge then shows that it does not fire on everything.
    it("give every policy of the pack at least one rejected case, and one accepted (or not-applicable) case", () => {
        const lacking = allPolicies
            .map((policy) => ({ name: policy.name, cases: exercised.get(policy.name) ?? { accepts: 0, notApplicable: 0, rejects: 0 } }))
            .filter(({ cases }) => cases.accepts + cases.notApplicable === 0 || cases.rejects === 0)
            .map(({ name, cases }) => `${name} (accepts ${cases.accepts}, not applicable ${cases.notApplicable}, rejects ${cases.rejects})`);
        assert.deepEqual(lacking, []);
    });

    it("exercise no policy that is missing from the pack", () => {
        const names = new Set(allPolicies.map((policy) => policy.name));
        assert.deepEqual([...exercised.keys()].filter((name) => !names.has(name)), []);
    });
});
