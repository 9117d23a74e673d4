/** The bootstrap program body: validate the stack's config, then define what the account needs. */
import * as pulumi from "@pulumi/pulumi";
import { StackConfigError } from "../stacks/problems";
import { BootstrapOutputs, defineBootstrap } from "./bootstrap";
import { loadBootstrapConfig } from "./config";

export function runBootstrap(): BootstrapOutputs {
    try {
        return defineBootstrap(loadBootstrapConfig(pulumi.getStack(), pulumi.runtime.allConfig()));
    } catch (error) {
        // A config problem is the operator's to fix; the message says what, a stack trace would only hide it.
        if (error instanceof StackConfigError) throw new pulumi.RunError(error.message);
        throw error;
    }
}
