import { EFS } from "../../../policies/lib/types";
import * as efs from "../../../policies/rules/efs";
import { describeResourcePolicy } from "../harness/cases";
import { UNKNOWN_VALUE as UNKNOWN, resource } from "../harness/server";

const fileSystem = (inputs: Record<string, unknown> = {}) => resource(EFS.fileSystem, "shared", { encrypted: true, kmsKeyId: UNKNOWN, ...inputs });
const other = resource("aws:rds/instance:Instance", "db", { engine: "postgres" });

describe("EFS policies", () => {
    describeResourcePolicy(efs.efsEncrypted, {
        accepts: { "a file system under the data key": fileSystem(), "a known key ARN": fileSystem({ kmsKeyId: "arn:aws:kms:eu-west-1:123456789012:key/data" }) },
        notApplicable: { "a database": other },
        rejects: {
            "no encryption (the default)": [fileSystem({ encrypted: undefined, kmsKeyId: undefined }), /encrypted is not true/],
            "encryption unknown until the update": [fileSystem({ encrypted: UNKNOWN }), /stored unencrypted/],
            "the AWS-managed key": [fileSystem({ kmsKeyId: undefined }), /kmsKeyId is not set/],
            "the aws/elasticfilesystem alias": [fileSystem({ kmsKeyId: "alias/aws/elasticfilesystem" }), /names the AWS-managed/],
        },
    });
});
