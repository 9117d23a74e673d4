/**
 * The inputs every component shares, built once per stack (infra/platform.ts) and passed whole, so no
 * args interface re-declares them field by field.
 */
import * as pulumi from "@pulumi/pulumi";

/** What every resource a component creates carries, whatever it holds. */
export interface ResourceContext {
    /**
     * The stack's tags (stacks/index.ts): environment, owner, data classification, cost center. The
     * account bootstrap scopes each deploy role to resources tagged with its stack. In the platform the
     * stack-tags transformation (components/stack-tags) puts them on every taggable AWS resource, so a
     * component sets only its own extra tags; read here by what the transformation does not reach:
     * SecureBucket (shared with the account bootstrap, which has no transformation) and the backup
     * plan's recovery point tags.
     */
    tags: Record<string, string>;
    /**
     * Whether data-bearing resources (keys, buckets, the database, secrets, backup vaults) are
     * protected and retained: Pulumi refuses to delete them, and removing them from the program
     * leaves them in the account.
     */
    protect: boolean;
}

/** Where components send the logs they create (log groups, WAF and VPC flow logs). */
export interface LogContext {
    /**
     * The stack's customer-managed logs key (components/keys.ts): it encrypts every log group, and the
     * alarm topics, the functions' environments and their failure queues.
     */
    keyArn: pulumi.Input<string>;
    /** How long log groups (and log objects) are kept, in days. */
    retentionDays: number;
}

/** The shared inputs, once the logs key exists: everything built after the keys takes this. */
export interface PlatformContext extends ResourceContext {
    logs: LogContext;
}
