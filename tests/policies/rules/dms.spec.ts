import { DMS } from "../../../policies/lib/types";
import * as rules from "../../../policies/rules/dms";
import { describeResourcePolicy } from "../harness/cases";
import { UNKNOWN_VALUE as UNKNOWN, resource } from "../harness/server";

const instance = (inputs: Record<string, unknown> = {}) =>
    resource(DMS.replicationInstance, "migration", {
        replicationInstanceId: "migration",
        replicationInstanceClass: "dms.t3.medium",
        replicationSubnetGroupId: UNKNOWN,
        publiclyAccessible: false,
        ...inputs,
    });

describe("DMS policies", () => {
    describeResourcePolicy(rules.dmsReplicationInstanceNotPublic, {
        accepts: { "a private replication instance": instance() },
        rejects: {
            "a public replication instance": [instance({ publiclyAccessible: true }), /publiclyAccessible is true/],
            "an instance left to the API default": [instance({ publiclyAccessible: undefined }), /DMS then assigns a public IP/],
            "an instance whose setting is unknown in preview": [instance({ publiclyAccessible: UNKNOWN }), /unknown until the update runs/],
        },
    });
});
