/**
 * Every IAM role the platform creates carries its stack's permissions boundary, the policy the
 * account bootstrap creates (bootstrap/documents.ts boundaryName): the deploy role may create a role
 * only with it, and no policy given to such a role can exceed it. Applied to the whole stack, so a
 * role added later cannot forget it.
 */
import * as aws from "../components/aws";
import * as pulumi from "@pulumi/pulumi";
import { boundaryName } from "../bootstrap/documents";
import type { StackConfig } from "../stacks";

export function boundRolesOf(config: StackConfig): void {
    const partition = aws.getPartitionOutput({}).partition;
    const boundary = pulumi.interpolate`arn:${partition}:iam::${config.account.id}:policy/${boundaryName(config.stack)}`;
    pulumi.runtime.registerStackTransformation((args) => {
        if (args.type !== "aws:iam/role:Role") return undefined;
        return { props: { ...args.props, permissionsBoundary: boundary }, opts: args.opts };
    });
}
