/**
 * SageMaker AI endpoint configurations and notebook instances. A notebook's
 * `directInternetAccess` defaults to "Enabled" and "Disabled" requires `subnetId` and
 * `securityGroups` (@pulumi/aws 7.48.0 sagemaker/*.d.ts, checked 2026-12-01).
 */
import { type ClinicalPolicy, resourceRule } from "../lib/policy";
import { SAGEMAKER } from "../lib/types";
import { type Maybe, elements, isKnown, presentOrPending } from "../lib/values";

type Variant = Maybe<{ instanceType?: Maybe<string> }>;

/** Inputs of `aws.sagemaker.EndpointConfiguration` the rules read. */
export interface EndpointConfigurationInputs {
    kmsKeyArn?: Maybe<string>;
    productionVariants?: Maybe<Variant[]>;
    shadowProductionVariants?: Maybe<Variant[]>;
}

/**
 * Instance types whose storage is local NVMe, encrypted by the instance's hardware: CreateEndpointConfig
 * fails when KmsKeyId is given with any of them (SageMaker API reference, CreateEndpointConfig KmsKeyId,
 * checked 2026-12-01). Recognised: a "d" among the family's attribute letters (ml.m5d, ml.g4dn,
 * ml.p4d, ml.c6id: EC2's mark for instance store) and ml.g5, which the SageMaker ResourceConfig
 * reference names as an NVMe family. Other local-storage families need an exemption.
 */
const LOCAL_STORAGE_INSTANCE = /^ml\.(?:[a-z]+\d+[a-z]*d[a-z]*|g5)\./;

function localStorageTypes(configuration: EndpointConfigurationInputs): string[] {
    return [...elements(configuration.productionVariants).known, ...elements(configuration.shadowProductionVariants).known]
        .map((variant) => (isKnown(variant) ? variant.instanceType : undefined))
        .filter((type): type is string => isKnown(type) && typeof type === "string" && LOCAL_STORAGE_INSTANCE.test(type));
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
    remediation: "Set kmsKeyArn to the data key's ARN; leave it unset only when a variant runs on an instance type with local (hardware-encrypted) storage.",
    anchors: { awsConfig: ["SAGEMAKER_ENDPOINT_CONFIGURATION_KMS_KEY_CONFIGURED"], cdkNag: ["SageMakerEndpointConfigurationKMSKeyConfigured"] },
    resourceTypes: [SAGEMAKER.endpointConfiguration],
    *check(configuration) {
        const local = localStorageTypes(configuration);
        if (local.length > 0) {
            // Hardware-encrypted local storage: the key is refused, not missing.
            if (isKnown(configuration.kmsKeyArn)) {
                yield `kmsKeyArn is set but ${local.join(", ")} has local instance storage, which takes no KMS key: CreateEndpointConfig fails.`;
            }
            return;
        }
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
