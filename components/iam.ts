/** IAM policy documents as plain data, serialised once so policies can read them. */
import * as pulumi from "@pulumi/pulumi";

export interface Statement {
    Sid?: string;
    Effect: "Allow" | "Deny";
    Principal?: unknown;
    Action: string | string[];
    /** Absent only in trust policies. */
    Resource?: pulumi.Input<string> | pulumi.Input<string>[];
    Condition?: Record<string, Record<string, unknown>>;
}

export function policyDocument(statements: Statement[]): pulumi.Output<string> {
    return pulumi.jsonStringify({ Version: "2012-10-17", Statement: statements });
}

/** A trust policy letting one AWS service assume the role. */
export function assumableBy(service: string, actions: string[] = ["sts:AssumeRole"]): pulumi.Output<string> {
    return policyDocument([{ Effect: "Allow", Principal: { Service: service }, Action: actions }]);
}
