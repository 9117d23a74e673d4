/** DMS replication instances, which read and write whole databases, stay off the internet. */
import { PUBLIC_ACCESS_HIPAA } from "../lib/citations";
import { type ClinicalPolicy, resourceRule } from "../lib/policy";
import { DMS } from "../lib/types";
import { type Maybe, isUnknown } from "../lib/values";

/** Inputs of `aws.dms.ReplicationInstance` the rules read. */
export interface ReplicationInstanceInputs {
    publiclyAccessible?: Maybe<boolean>;
}

export const dmsReplicationInstanceNotPublic = resourceRule<ReplicationInstanceInputs>({
    name: "dms-replication-instance-not-public",
    description: "DMS replication instances have only private IP addresses.",
    severity: "critical",
    category: "public-access",
    hipaa: PUBLIC_ACCESS_HIPAA,
    soc2: ["CC6.1", "CC6.6"],
    remediation: "Set publiclyAccessible to false and place the instance in a replication subnet group of private subnets.",
    resourceTypes: [DMS.replicationInstance],
    anchors: { awsConfig: ["DMS_REPLICATION_NOT_PUBLIC"], cdkNag: ["DMSReplicationNotPublic"] },
    *check(instance) {
        // The DMS API makes an instance public when PubliclyAccessible is not given (CreateReplicationInstance
        // reference, "The default value is true", read 2026-12-01), so only an explicit false passes.
        if (instance.publiclyAccessible !== false) {
            const given = instance.publiclyAccessible === true ? "true" : isUnknown(instance.publiclyAccessible) ? "unknown until the update runs" : "unset (DMS then assigns a public IP)";
            yield `publiclyAccessible is ${given}; set it to false.`;
        }
    },
});

export const dmsPolicies: ClinicalPolicy[] = [dmsReplicationInstanceNotPublic];
