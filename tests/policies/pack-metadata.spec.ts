import { strict as assert } from "node:assert";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { PolicyPackSession } from "../../infra/analyzer";
import { type DecodedPolicyInfo, decodePolicy } from "../../infra/offline/pack-metadata";
import { HIPAA_SECURITY_RULE } from "../../policies/lib/citations";
import { HIPAA_CITATION, SOC2_CRITERION } from "../../policies/lib/metadata";
import { scratchDir } from "../harness/scratch";
import { PACK_DIR, PACK_START_TIMEOUT_MS, STACKS, type StackName, configFile, startPack } from "./harness/pack";

type Reconciled = Awaited<ReturnType<PolicyPackSession["configure"]>>;

const LEVEL_RANK: Record<string, number> = { disabled: 0, advisory: 1, remediate: 2, mandatory: 2 };
const NEVER_RELAXED = new Set(["encryption", "public-access", "logging"]);

describe("the policy pack, as the CLI's analyzer protocol describes it", function () {
    let pack: PolicyPackSession;
    /** The policies with the compliance mapping their tags encode. */
    let policies: DecodedPolicyInfo[];
    const configs = {} as Record<StackName, Reconciled>;

    before(async function () {
        this.timeout(PACK_START_TIMEOUT_MS);
        pack = await startPack();
        policies = pack.policies.map(decodePolicy);
        for (const stack of STACKS) {
            configs[stack] = await pack.configure(configFile(stack));
        }
    });

    after(async () => pack?.close());

    it("identifies itself as clinical-platform-hipaa-soc2 at the version in policies/package.json", () => {
        const { version } = JSON.parse(readFileSync(join(PACK_DIR, "package.json"), "utf8")) as { version: string };
        assert.equal(pack.pack, "clinical-platform-hipaa-soc2");
        assert.equal(pack.version, version);
    });

    it("serves at least 90 policies with distinct <service>-<what> names", () => {
        const names = policies.map((policy) => policy.name);
        assert.ok(names.length >= 90, `only ${names.length} policies`);
        assert.equal(new Set(names).size, names.length);
        const unpredictable = names.filter((name) => !/^(rds|s3|cloudfront|eks|ec2|secretsmanager|kms|cloudwatch|sns|lambda|alb|waf|vpc|sg|iam|k8s|backup|cloudtrail|guardduty|config|ebs|account|autoscaling|elb|emr|dms|opensearch|redshift|dynamodb|elasticache|efs|kinesis|sagemaker|sqs|ecr|apigateway|codebuild|ecs|beanstalk|ssm)-[a-z0-9]+(-[a-z0-9]+)*$/.test(name));
        assert.deepEqual(unpredictable, []);
    });

    it("maps every policy to at least one well-formed SOC 2 criterion", () => {
        const unmapped = policies.filter((policy) => policy.soc2.length === 0 || !policy.soc2.every((c) => SOC2_CRITERION.test(c)));
        assert.deepEqual(unmapped.map((policy) => `${policy.name}: ${policy.soc2.join(", ")}`), []);
    });

    it("cites only paragraphs of the Security Rule the pack's citation table names", () => {
        const unknown = policies.flatMap((policy) => policy.hipaa.filter((c) => HIPAA_SECURITY_RULE[c] === undefined).map((c) => `${policy.name}: ${c}`));
        assert.deepEqual(unknown, []);
    });

    it("cites at least one HIPAA paragraph per policy, each well-formed like 164.312(a)(2)(iv)", () => {
        const malformed = policies.flatMap((policy) =>
            policy.hipaa.length === 0 ? [`${policy.name}: none`] : policy.hipaa.filter((c) => !HIPAA_CITATION.test(c)).map((c) => `${policy.name}: ${c}`),
        );
        assert.deepEqual(malformed, []);
    });

    it("describes every policy in one sentence and says how to remediate it", () => {
        const oneSentence = /^[A-Z0-9"][^\n]*[.)]$/;
        const lacking = policies.filter((p) => !oneSentence.test(p.description) || p.remediation.trim().length < 10 || p.severity === "");
        assert.deepEqual(lacking.map((policy) => policy.name), []);
    });

    it("enforces critical and high findings as mandatory and medium and low ones as advisory by default", () => {
        const mismatched = policies.filter(
            (policy) => (policy.enforcementLevel === "mandatory") !== (policy.severity === "critical" || policy.severity === "high"),
        );
        assert.deepEqual(mismatched.map((policy) => policy.name), []);
    });

    it("gives every config property a default, so a preview without a config file still runs", () => {
        const undefaulted = policies.flatMap((policy) =>
            Object.entries(policy.configSchema?.properties ?? {})
                .filter(([, schema]) => (schema as { default?: unknown }).default === undefined)
                .map(([property]) => `${policy.name}.${property}`),
        );
        assert.deepEqual(undefaulted, []);
    });

    describe("per-stack configuration", () => {
        for (const stack of STACKS) {
            it(`accepts policies/config/${stack}.json: every entry names a policy of the pack and fits its schema`, () => {
                const file = JSON.parse(readFileSync(configFile(stack), "utf8")) as Record<string, unknown>;
                const known = new Set(policies.map((policy) => policy.name));
                assert.deepEqual(Object.keys(file).filter((name) => !known.has(name)), []);
                assert.equal(Object.keys(configs[stack]).length, policies.length);
            });
        }

        it("refuses a config that breaks a policy's schema, naming the policy and the property", async () => {
            const invalid = join(scratchDir("clinical-invalid-"), "config.json");
            writeFileSync(invalid, JSON.stringify({ "rds-backup-retention": { minimumDays: 0 }, "k8s-deployment-min-replicas": { minReplicas: "five" } }));
            await assert.rejects(pack.configure(invalid), /k8s-deployment-min-replicas: minReplicas: must be integer[\s\S]*rds-backup-retention: minimumDays: must be >= 1/);
        });

        it("keeps the production figures: 30 days of backups, 365 days of logs, 5 replicas", () => {
            assert.equal(configs.production["rds-backup-retention"].properties["minimumDays"], 30);
            assert.equal(configs.production["cloudwatch-log-group-retention"].properties["minimumDays"], 365);
            assert.equal(configs.production["k8s-deployment-min-replicas"].properties["minReplicas"], 5);
            assert.equal(configs.staging["rds-backup-retention"].properties["minimumDays"], 7);
            assert.equal(configs.dev["rds-backup-retention"].properties["minimumDays"], 1);
        });

        it("requires Multi-AZ only in production and deletion protection in staging and production", () => {
            const levels = (policy: string) => STACKS.map((stack) => configs[stack][policy].enforcementLevel);
            assert.deepEqual(levels("rds-multi-az"), ["advisory", "advisory", "mandatory"]);
            assert.deepEqual(levels("rds-deletion-protection"), ["advisory", "mandatory", "mandatory"]);
        });

        it("never relaxes or exempts encryption, public-access and logging policies in any stack", () => {
            const relaxed = policies
                .filter((policy) => NEVER_RELAXED.has(policy.category ?? ""))
                .flatMap((policy) =>
                    STACKS.filter((stack) => {
                        const config = configs[stack][policy.name];
                        const exemptions = config.properties["exemptResources"] as unknown[];
                        return LEVEL_RANK[config.enforcementLevel] < LEVEL_RANK[policy.enforcementLevel] || exemptions.length > 0;
                    }).map((stack) => `${policy.name} in ${stack}`),
                );
            assert.deepEqual(relaxed, []);
        });

        it("is strictest in production: no policy is enforced less, and no threshold is looser, than in staging, and staging than dev", () => {
            const looser: string[] = [];
            for (const policy of policies) {
                for (const [stricter, laxer] of [["production", "staging"], ["staging", "dev"]] as const) {
                    const strict = configs[stricter][policy.name];
                    const lax = configs[laxer][policy.name];
                    if (LEVEL_RANK[strict.enforcementLevel] < LEVEL_RANK[lax.enforcementLevel]) {
                        looser.push(`${policy.name} level in ${stricter}`);
                    }
                    for (const [property, value] of Object.entries(strict.properties)) {
                        const other = lax.properties[property];
                        const isLooser =
                            typeof value === "number" && typeof other === "number"
                                ? /^min/.test(property)
                                    ? value < other
                                    : /^max/.test(property) && value > other
                                : Array.isArray(value) && Array.isArray(other) && /^(allowed|exempt)/.test(property)
                                  ? value.some((item) => !other.some((given) => JSON.stringify(given) === JSON.stringify(item))) && other.length > 0
                                  : false;
                        if (isLooser) {
                            looser.push(`${policy.name}.${property} in ${stricter}`);
                        }
                    }
                }
            }
            assert.deepEqual(looser, []);
        });
    });
});
