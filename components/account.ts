/**
 * What exists once per AWS account and so belongs to exactly one stack of it (the stack whose
 * `ownsAccountResources` is true): today the account's S3 Block Public Access, which no bucket
 * policy or ACL in the account can then override. A second stack creating it would fight the first
 * over one setting, so the config validation allows one owner per account.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

export interface AccountBaselineArgs {
    /** The account, as the stack file names it (`aws:allowedAccountIds`). */
    accountId: string;
}

export class AccountBaseline extends pulumi.ComponentResource {
    constructor(name: string, args: AccountBaselineArgs, opts?: pulumi.ComponentResourceOptions) {
        super("clinical-platform:account:AccountBaseline", name, {}, opts);
        new aws.s3.AccountPublicAccessBlock(`${name}-s3-public-access`, {
            accountId: args.accountId,
            blockPublicAcls: true,
            ignorePublicAcls: true,
            blockPublicPolicy: true,
            restrictPublicBuckets: true,
        // Destroying the stack that owns it must not open the account's buckets to the public.
        }, { parent: this, retainOnDelete: true });
        this.registerOutputs({});
    }
}
