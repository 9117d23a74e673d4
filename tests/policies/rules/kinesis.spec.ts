import { KINESIS } from "../../../policies/lib/types";
import * as kinesis from "../../../policies/rules/kinesis";
import { describeResourcePolicy } from "../harness/cases";
import { UNKNOWN_VALUE as UNKNOWN, resource } from "../harness/server";

const stream = (inputs: Record<string, unknown> = {}) => resource(KINESIS.stream, "events", { name: "events", encryptionType: "KMS", kmsKeyId: UNKNOWN, streamModeDetails: { streamMode: "ON_DEMAND" }, ...inputs });
const other = resource("aws:rds/instance:Instance", "db", { engine: "postgres" });

describe("Kinesis policies", () => {
    describeResourcePolicy(kinesis.kinesisStreamEncrypted, {
        accepts: { "a stream under the data key": stream() },
        notApplicable: { "a database": other },
        rejects: {
            "no encryption (the default)": [stream({ encryptionType: undefined, kmsKeyId: undefined }), /encryptionType is not "KMS"/],
            "NONE": [stream({ encryptionType: "NONE" }), /stored unencrypted/],
            "KMS with no key": [stream({ kmsKeyId: "" }), /kmsKeyId is not set/],
            "the Kinesis-owned alias": [stream({ kmsKeyId: "alias/aws/kinesis" }), /names the AWS-managed aws\/kinesis key/],
        },
    });
});
