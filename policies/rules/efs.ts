/**
 * EFS file systems. `encrypted` defaults to false and, without `kmsKeyId`, an encrypted file
 * system uses the AWS-managed aws/elasticfilesystem key (@pulumi/aws 7.48.0 efs/fileSystem.d.ts,
 * checked 2026-12-01).
 */
import { type ClinicalPolicy, resourceRule } from "../lib/policy";
import { EFS } from "../lib/types";
import { type Maybe, isKnown, presentOrPending } from "../lib/values";

/** Inputs of `aws.efs.FileSystem` the rules read. */
export interface FileSystemInputs {
    encrypted?: Maybe<boolean>;
    kmsKeyId?: Maybe<string>;
}

const AWS_MANAGED_EFS_KEY = /(^|:)alias\/aws\/elasticfilesystem$/;

export const efsEncrypted = resourceRule<FileSystemInputs>({
    name: "efs-encrypted",
    description: "EFS file systems are encrypted at rest with a customer-managed KMS key.",
    severity: "high",
    category: "encryption",
    hipaa: ["164.312(a)(2)(iv)", "164.312(e)(2)(ii)"],
    soc2: ["CC6.1"],
    remediation: "Set encrypted: true and kmsKeyId to the data key's ARN (a new file system: encryption cannot be added later).",
    anchors: { awsConfig: ["EFS_ENCRYPTED_CHECK"], cdkNag: ["EFSEncrypted"] },
    resourceTypes: [EFS.fileSystem],
    *check(fileSystem) {
        if (fileSystem.encrypted !== true) {
            yield "encrypted is not true, so files are stored unencrypted.";
        } else if (!presentOrPending(fileSystem.kmsKeyId)) {
            yield "kmsKeyId is not set, so the file system is encrypted under the AWS-managed aws/elasticfilesystem key.";
        } else if (isKnown(fileSystem.kmsKeyId) && AWS_MANAGED_EFS_KEY.test(fileSystem.kmsKeyId)) {
            yield "kmsKeyId names the AWS-managed aws/elasticfilesystem key, whose policy the account cannot restrict.";
        }
    },
});

export const efsPolicies: ClinicalPolicy[] = [efsEncrypted];
