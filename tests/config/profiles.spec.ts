import { strict as assert } from "assert";
import { ENVIRONMENTS, PROFILES } from "../../stacks";
import { PROFILE_SECTIONS } from "../../stacks/profile-schema";

describe("the environment profiles", () => {
    for (const environment of ENVIRONMENTS) {
        it(`give ${environment} every value of every section, each one an override of it would be allowed to take`, () => {
            for (const [section, schema] of Object.entries(PROFILE_SECTIONS)) {
                const result = schema.safeParse(PROFILES[environment][section as keyof typeof PROFILE_SECTIONS]);
                assert.ok(result.success, `${environment} ${section}: ${result.error?.issues.map((issue) => `${issue.path.join(".")} ${issue.message}`).join("; ")}`);
            }
        });
    }

    it("refuse, as an override would, a profile value out of its range", () => {
        const result = PROFILE_SECTIONS.database.safeParse({ ...PROFILES.production.database, performanceInsightsRetentionDays: 30 });
        assert.equal(result.success, false);
        assert.match(result.error?.issues[0].message ?? "", /7, a multiple of 31 up to 713, or 731/);
    });
});
