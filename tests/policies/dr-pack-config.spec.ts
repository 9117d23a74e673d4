import { strict as assert } from "assert";
import { readFileSync } from "fs";
import * as path from "path";

const config = (stack: string) => JSON.parse(readFileSync(path.join(__dirname, "..", "..", "policies", "config", `${stack}.json`), "utf8")) as Record<string, unknown>;

describe("the DR stacks' pack config", () => {
    for (const environment of ["staging", "production"]) {
        it(`is ${environment}'s, except that copies to the lost region are advisory and it owns only its region's baseline`, () => {
            const home = config(environment);
            const dr = config(`${environment}-dr`);
            const differing = [...new Set([...Object.keys(home), ...Object.keys(dr)])]
                .filter((policy) => JSON.stringify(home[policy]) !== JSON.stringify(dr[policy])).sort();
            assert.deepEqual(differing, ["account-baseline-complete", "backup-plan-covers-database", "rds-backups-replicated-to-dr-region", "s3-replication-enabled"]);
            assert.deepEqual(dr["account-baseline-complete"], { ownsRegionalBaseline: true });
            assert.equal(dr["rds-backups-replicated-to-dr-region"], "advisory");
            assert.equal(dr["backup-plan-covers-database"], "advisory");
            assert.equal(dr["s3-replication-enabled"], "advisory");
        });
    }
});
