import { SAGEMAKER } from "../../../policies/lib/types";
import * as sagemaker from "../../../policies/rules/sagemaker";
import { describeResourcePolicy } from "../harness/cases";
import { UNKNOWN_VALUE as UNKNOWN, resource } from "../harness/server";

const endpointConfiguration = (inputs: Record<string, unknown> = {}) =>
    resource(SAGEMAKER.endpointConfiguration, "triage-model", { kmsKeyArn: UNKNOWN, productionVariants: [{ modelName: "triage", instanceType: "ml.m5.large" }], ...inputs });
const notebook = (inputs: Record<string, unknown> = {}) =>
    resource(SAGEMAKER.notebookInstance, "research", {
        instanceType: "ml.t3.medium",
        roleArn: UNKNOWN,
        kmsKeyId: UNKNOWN,
        directInternetAccess: "Disabled",
        subnetId: UNKNOWN,
        securityGroups: [UNKNOWN],
        ...inputs,
    });

describe("SageMaker policies", () => {
    describeResourcePolicy(sagemaker.sagemakerEndpointConfigurationKmsKey, {
        accepts: {
            "volumes under the data key": endpointConfiguration(),
            "local NVMe storage, encrypted by the instance (no key allowed)": endpointConfiguration({ kmsKeyArn: undefined, productionVariants: [{ modelName: "triage", instanceType: "ml.g5.xlarge" }] }),
        },
        notApplicable: { "a notebook": notebook() },
        rejects: {
            "no key": [endpointConfiguration({ kmsKeyArn: undefined }), /kmsKeyArn is not set/],
            "an empty key": [endpointConfiguration({ kmsKeyArn: "" }), /kmsKeyArn is not set/],
            "a key with a local-storage instance, which CreateEndpointConfig refuses": [
                endpointConfiguration({ kmsKeyArn: "arn:aws:kms:eu-west-1:123456789012:key/data", shadowProductionVariants: [{ modelName: "triage-next", instanceType: "ml.m5d.large" }] }),
                /ml\.m5d\.large has local instance storage/,
            ],
        },
    });

    describeResourcePolicy(sagemaker.sagemakerNotebookKmsKey, {
        accepts: { "a volume under the data key": notebook() },
        notApplicable: { "an endpoint configuration": endpointConfiguration() },
        rejects: { "no key": [notebook({ kmsKeyId: undefined }), /kmsKeyId is not set/] },
    });

    describeResourcePolicy(sagemaker.sagemakerNotebookNoDirectInternetAccess, {
        accepts: { "a notebook in a private subnet": notebook() },
        notApplicable: { "an endpoint configuration": endpointConfiguration() },
        rejects: {
            "the default (direct access enabled)": [notebook({ directInternetAccess: undefined, subnetId: undefined, securityGroups: undefined }), /directInternetAccess is not "Disabled"/],
            "explicitly enabled": [notebook({ directInternetAccess: "Enabled" }), /outside the VPC/],
            "unknown until the update": [notebook({ directInternetAccess: UNKNOWN }), /outside the VPC/],
        },
    });
});
