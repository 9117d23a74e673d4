/** IAM policy documents as plain data, serialised once so policies can read them. */
import * as aws from "./aws";
import * as pulumi from "@pulumi/pulumi";

/**
 * One statement, typed by the provider's own IAM document types (@pulumi/aws 7.48.0,
 * types/input.d.ts iam.PolicyStatement; checked 2026-12-01), with the action list required:
 * every statement this program writes names its actions.
 */
export type Statement = aws.iam.PolicyStatement & Required<Pick<aws.iam.PolicyStatement, "Action">>;

export function policyDocument(statements: Statement[]): pulumi.Output<string> {
    const document: aws.iam.PolicyDocument = { Version: "2012-10-17", Statement: statements };
    return pulumi.jsonStringify(document);
}

/**
 * A trust policy letting one AWS service assume the role; with `sourceAccount`, only on behalf of
 * resources of that account (the confused-deputy guard the services' guides recommend).
 */
export function assumableBy(service: string, actions: string[] = ["sts:AssumeRole"], sourceAccount?: pulumi.Input<string>): pulumi.Output<string> {
    return policyDocument([{
        Effect: "Allow",
        Principal: { Service: service },
        Action: actions,
        ...(sourceAccount ? { Condition: { StringEquals: { "aws:SourceAccount": sourceAccount } } } : {}),
    }]);
}

/** Who may use a role through EKS Pod Identity. */
export interface PodIdentitySubject {
    /** The one cluster whose pods may hold the role. */
    clusterName: pulumi.Input<string>;
    /** Namespaces whose pods may hold the role. */
    namespaces: string[];
    /** The service account, in those namespaces, the role is associated with. */
    serviceAccount: string;
}

/**
 * A trust policy for EKS Pod Identity. The association already names the service account; the
 * session-tag conditions make the role itself refuse any other cluster, namespace or account, so a
 * stray association cannot hand it out.
 */
export function assumableThroughPodIdentity(subject: PodIdentitySubject): pulumi.Output<string> {
    return policyDocument([{
        Effect: "Allow",
        Principal: { Service: "pods.eks.amazonaws.com" },
        Action: ["sts:AssumeRole", "sts:TagSession"],
        Condition: {
            StringEquals: {
                "aws:RequestTag/eks-cluster-name": subject.clusterName,
                "aws:RequestTag/kubernetes-namespace": subject.namespaces,
                "aws:RequestTag/kubernetes-service-account": subject.serviceAccount,
            },
        },
    }]);
}

/**
 * Grants `statements` to `role` through a customer-managed policy of its own, attached to that role
 * only: unlike an inline policy it is listed, versioned and reviewable on its own in IAM.
 */
export function grantToRole(
    parent: pulumi.Resource,
    name: string,
    role: aws.iam.Role,
    statements: Statement[],
): aws.iam.RolePolicyAttachment {
    const policy = new aws.iam.Policy(name, {
        description: `Permissions of role ${name}`,
        policy: policyDocument(statements),
    }, { parent });
    return new aws.iam.RolePolicyAttachment(`${name}-grant`, { role: role.name, policyArn: policy.arn }, { parent });
}
