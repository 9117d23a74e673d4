/**
 * SageMaker AI endpoint configurations and notebook instances. A notebook's
 * `directInternetAccess` defaults to "Enabled" and "Disabled" requires `subnetId` and
 * `securityGroups` (@pulumi/aws 7.48.0 sagemaker/*.d.ts, checked 2026-12-01).
 */
import { type ClinicalPolicy, resourceRule } from "../lib/policy";
import { SAGEMAKER } from "../lib/types";
import { type Maybe, presentOrPending } from "../lib/values";

/** Inputs of `aws.sagemaker.EndpointConfiguration` the rules read. */
export interface EndpointConfigurationInputs {
    kmsKeyArn?: Maybe<string>;
}

/** Inputs of `aws.sagemaker.NotebookInstance` the rules read. */
export interface NotebookInstanceInputs {
    kmsKeyId?: Maybe<string>;
    directInternetAccess?: Maybe<string>;
    subnetId?: Maybe<string>;
}

export const sagemakerEndpointConfigurationKmsKey = resourceRule<EndpointConfigurationInputs>({
    name: "sagemaker-endpoint-configuration-kms-key",
    description: "SageMaker endpoint configurations encrypt the endpoint's storage volumes with a customer-managed KMS key.",
    severity: "high",
    category: "encryption",
    hipaa: ["164.312(a)(2)(iv)", "164.312(e)(2)(ii)"],
    soc2: ["CC6.1"],
    remediation: "Set kmsKeyArn to the data key's ARN.",
    anchors: { awsConfig: ["SAGEMAKER_ENDPOINT_CONFIGURATION_KMS_KEY_CONFIGURED"], cdkNag: ["SageMakerEndpointConfigurationKMSKeyConfigured"] },
    resourceTypes: [SAGEMAKER.endpointConfiguration],
    *check(configuration) {
        if (!presentOrPending(configuration.kmsKeyArn)) {
            yield "kmsKeyArn is not set, so the ML storage volumes of the endpoint are not encrypted with a key the account controls.";
        }
    },
});

export const sagemakerNotebookKmsKey = resourceRule<NotebookInstanceInputs>({
    name: "sagemaker-notebook-kms-key",
    description: "SageMaker notebook instances encrypt their storage volume with a customer-managed KMS key.",
    severity: "high",
    category: "encryption",
    hipaa: ["164.312(a)(2)(iv)", "164.312(e)(2)(ii)"],
    soc2: ["CC6.1"],
    remediation: "Set kmsKeyId to the data key's ARN.",
    anchors: { awsConfig: ["SAGEMAKER_NOTEBOOK_INSTANCE_KMS_KEY_CONFIGURED"], cdkNag: ["SageMakerNotebookInstanceKMSKeyConfigured"] },
    resourceTypes: [SAGEMAKER.notebookInstance],
    *check(notebook) {
        if (!presentOrPending(notebook.kmsKeyId)) {
            yield "kmsKeyId is not set, so the notebook's storage volume is not encrypted with a key the account controls.";
        }
    },
});

export const sagemakerNotebookNoDirectInternetAccess = resourceRule<NotebookInstanceInputs>({
    name: "sagemaker-notebook-no-direct-internet-access",
    description: "SageMaker notebook instances reach the internet only through the VPC, never directly.",
    severity: "high",
    category: "network",
    hipaa: ["164.312(e)(1)", "164.308(a)(4)(ii)(B)"],
    soc2: ["CC6.6"],
    remediation: 'Set directInternetAccess: "Disabled" with subnetId and securityGroups of a private subnet.',
    anchors: { awsConfig: ["SAGEMAKER_NOTEBOOK_NO_DIRECT_INTERNET_ACCESS"], cdkNag: ["SageMakerNotebookNoDirectInternetAccess"] },
    resourceTypes: [SAGEMAKER.notebookInstance],
    *check(notebook) {
        if (notebook.directInternetAccess !== "Disabled") {
            yield 'directInternetAccess is not "Disabled", so the notebook can send data to the internet outside the VPC\'s controls.';
        }
    },
});

export const sagemakerPolicies: ClinicalPolicy[] = [
    sagemakerEndpointConfigurationKmsKey,
    sagemakerNotebookKmsKey,
    sagemakerNotebookNoDirectInternetAccess,
];
