import { strict as assert } from "assert";
import { PLATFORM_SERVICES } from "../../bootstrap/deploy-policy";
import { previewOf as platformPreview } from "../harness/stacks";
import { SHARED_ACCOUNT, asList, grantsOf, previewOf } from "./support";

/** The IAM service prefix each @pulumi/aws module the platform uses is authorized under. */
const PREFIX_OF_MODULE: Record<string, string[]> = {
    ec2: ["ec2"], vpc: ["ec2"], lb: ["elasticloadbalancing"], alb: ["elasticloadbalancing"], s3: ["s3"], kms: ["kms"], rds: ["rds"],
    eks: ["eks"], iam: ["iam"], lambda: ["lambda"], cloudwatch: ["logs", "cloudwatch", "events"], sns: ["sns"], sqs: ["sqs"], secretsmanager: ["secretsmanager"],
    wafv2: ["wafv2"], cloudfront: ["cloudfront"], codebuild: ["codebuild"], codeconnections: ["codeconnections"], chatbot: ["chatbot"], backup: ["backup"],
    cloudtrail: ["cloudtrail"], guardduty: ["guardduty"], securityhub: ["securityhub"], cfg: ["config"], ebs: ["ec2"],
};

describe("the deploy roles against what the platform registers", () => {
    it("grant a write action of, and guard, every service whose resources the platform's stacks register", async () => {
        // Production owns the account baseline in the committed stack files, so its deploy role is judged as the owner's.
        const stacks = SHARED_ACCOUNT["clinical-platform-bootstrap:stacks"];
        const { resources: bootstrap } = await previewOf({
            ...SHARED_ACCOUNT,
            "clinical-platform-bootstrap:stacks": { staging: { ...stacks.staging, ownsAccountResources: false }, production: { ...stacks.production, ownsAccountResources: true } },
        });
        const grants = grantsOf(bootstrap, "production-deploy");
        const granted = new Set(grants.filter((s) => s.Effect === "Allow").flatMap((s) => asList(s.Action)).map((a) => a.split(":")[0]));
        const modules = new Set<string>();
        for (const stack of ["dev", "production"] as const) {
            for (const r of (await platformPreview(stack)).resources) if (r.custom && r.type.startsWith("aws:")) modules.add(r.type.split(":")[1].split("/")[0]);
        }
        assert.ok(modules.size > 10);
        for (const module of modules) {
            const prefixes = PREFIX_OF_MODULE[module];
            assert.ok(prefixes, `the platform registers aws:${module} resources, which this spec does not map to an IAM service yet`);
            for (const prefix of prefixes) {
                assert.ok(granted.has(prefix), `aws:${module}: the deploy role is granted no ${prefix} action`);
                assert.ok((PLATFORM_SERVICES as readonly string[]).includes(prefix), `aws:${module}: the guardrails do not cover ${prefix}`);
            }
        }
    });
});
