/**
 * What the bundled pack (dist/pack.js) gets for `import "@pulumi/pulumi"`.
 *
 * @pulumi/policy 1.21.0 uses three things of the SDK's index (checked in its deserialize.js on
 * 2026-12-01): the asset and archive classes, to rebuild the assets in a resource's properties, and
 * `Output.isInstance`, to refuse an output in a remediation's result. The index itself loads the whole
 * SDK, among it the TypeScript compiler for closure serialization and the automation API's npm
 * tooling: about 0.8 s of a pack that is otherwise ready in 0.3 s. So the bundle takes those members
 * from the SDK's own smaller modules. infra/sdk-adapter.ts checks on load that they are the SDK's.
 */
import * as asset from "@pulumi/pulumi/asset";

// The SDK's brand check, undeclared in its typings.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { isInstance } = require("@pulumi/pulumi/utils") as { isInstance(value: unknown, brand: string): boolean };

export { asset };

/** The SDK's own test: an output is any object branded `__pulumiOutput`, whichever copy of the SDK made it. */
export const Output = {
    isInstance(value: unknown): boolean {
        return isInstance(value, "__pulumiOutput");
    },
};
