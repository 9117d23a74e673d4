/**
 * Kinesis data streams. `encryptionType` defaults to NONE, and `kmsKeyId` may name the
 * Kinesis-owned alias/aws/kinesis (@pulumi/aws 7.48.0 kinesis/stream.d.ts, checked 2026-12-01).
 */
import { type ClinicalPolicy, resourceRule } from "../lib/policy";
import { KINESIS } from "../lib/types";
import { type Maybe, isKnown, presentOrPending } from "../lib/values";

/** Inputs of `aws.kinesis.Stream` the rules read. */
export interface StreamInputs {
    encryptionType?: Maybe<string>;
    kmsKeyId?: Maybe<string>;
}

const AWS_MANAGED_KINESIS_KEY = /(^|:)alias\/aws\/kinesis$/;

export const kinesisStreamEncrypted = resourceRule<StreamInputs>({
    name: "kinesis-stream-encrypted",
    description: "Kinesis data streams encrypt records with a customer-managed KMS key.",
    severity: "high",
    category: "encryption",
    hipaa: ["164.312(a)(2)(iv)", "164.312(e)(2)(ii)"],
    soc2: ["CC6.1"],
    remediation: 'Set encryptionType: "KMS" and kmsKeyId to the data key\'s ARN.',
    anchors: { awsConfig: ["KINESIS_STREAM_ENCRYPTED"] },
    resourceTypes: [KINESIS.stream],
    *check(stream) {
        if (stream.encryptionType !== "KMS") {
            yield 'encryptionType is not "KMS", so records are stored unencrypted.';
        } else if (!presentOrPending(stream.kmsKeyId)) {
            yield "kmsKeyId is not set, so the stream cannot be encrypted.";
        } else if (isKnown(stream.kmsKeyId) && AWS_MANAGED_KINESIS_KEY.test(stream.kmsKeyId)) {
            yield "kmsKeyId names the AWS-managed aws/kinesis key, whose policy the account cannot restrict.";
        }
    },
});

export const kinesisPolicies: ClinicalPolicy[] = [kinesisStreamEncrypted];
