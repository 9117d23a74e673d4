/**
 * What the bundled pack (dist/pack.js) gets for `import "@pulumi/pulumi/runtime/rpc"`: the wire
 * signatures @pulumi/policy 1.21.0 reads from it (checked in its deserialize.js on 2026-12-01).
 *
 * They are constants of Pulumi's property wire format, the same in every SDK. The module that defines
 * them in @pulumi/pulumi 3.248.0 loads the SDK's runtime and every gRPC stub with it, which the pack
 * does not need. infra/sdk-adapter.ts fails on load if any of them differs from the SDK's value.
 */
export const specialSigKey = "4dabf18193072939515e22adb298388d";
export const specialAssetSig = "c44067f5952c0a294b673a41bacd8c17";
export const specialArchiveSig = "0def7320c3a5731c473e5ecbe6d01bc7";
export const specialSecretSig = "1b47061264138c4ac30d75fd1eb44270";
