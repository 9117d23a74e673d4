/** The program body: validate the stack's config, then compose its platform. */
import * as pulumi from "@pulumi/pulumi";
import { tagStack } from "../components/stack-tags";
import { StackConfigError, loadStackConfig } from "../stacks";
import { boundRolesOf } from "./boundary";
import { PlatformOutputs, definePlatform } from "./platform";

export function runProgram(): PlatformOutputs {
    try {
        const config = loadStackConfig(pulumi.getStack(), pulumi.runtime.allConfig());
        tagStack(config.tags);
        boundRolesOf(config);
        return definePlatform(config);
    } catch (error) {
        // A config problem is the user's to fix; the message says what, a stack trace would only hide it.
        if (error instanceof StackConfigError) throw new pulumi.RunError(error.message);
        throw error;
    }
}
