import { CODEBUILD } from "../../../policies/lib/types";
import * as rules from "../../../policies/rules/codebuild";
import { describeResourcePolicy } from "../harness/cases";
import { UNKNOWN_VALUE as UNKNOWN, resource } from "../harness/server";

const CONNECTION = "arn:aws:codeconnections:eu-west-1:123456789012:connection/0a1b2c3d";
const project = (inputs: Record<string, unknown> = {}, variables: Record<string, unknown>[] = []) =>
    resource(CODEBUILD.project, "runner", {
        name: "runner",
        serviceRole: UNKNOWN,
        artifacts: { type: "NO_ARTIFACTS" },
        source: { type: "GITHUB", location: "https://github.com/example/clinical-platform.git", auth: { type: "CODECONNECTIONS", resource: CONNECTION } },
        environment: {
            type: "LINUX_CONTAINER",
            computeType: "BUILD_GENERAL1_SMALL",
            image: "aws/codebuild/amazonlinux-x86_64-standard:5.0",
            environmentVariables: [{ name: "STACK", value: "production", type: "PLAINTEXT" }, ...variables],
        },
        ...inputs,
    });

describe("CodeBuild policies", () => {
    describeResourcePolicy(rules.codebuildNoPlaintextAwsCredentials, {
        accepts: {
            "a project without environment variables": project({ environment: { type: "LINUX_CONTAINER", computeType: "BUILD_GENERAL1_SMALL", image: "aws/codebuild/standard:7.0" } }),
            "plaintext settings that are not credentials": project(),
            "a key read from Secrets Manager at build time": project({}, [{ name: "AWS_SECRET_ACCESS_KEY", value: "ci/legacy-key:secret", type: "SECRETS_MANAGER" }]),
        },
        rejects: {
            "an access key id in plaintext": [project({}, [{ name: "AWS_ACCESS_KEY_ID", value: "AKIAEXAMPLE", type: "PLAINTEXT" }]), /AWS_ACCESS_KEY_ID is PLAINTEXT/],
            "a secret key without a type, which defaults to plaintext": [project({}, [{ name: "AWS_SECRET_ACCESS_KEY", value: "wJalr" }]), /AWS_SECRET_ACCESS_KEY is PLAINTEXT/],
            "a session token of a type unknown in preview": [project({}, [{ name: "AWS_SESSION_TOKEN", value: UNKNOWN, type: UNKNOWN }]), /type unknown in preview/],
        },
    });

    describeResourcePolicy(rules.codebuildSourceNoEmbeddedCredentials, {
        accepts: {
            "a GitHub URL authenticated through a connection": project(),
            "a secondary source over SSH": project({ secondarySources: [{ sourceIdentifier: "tools", type: "GITHUB", location: "git@github.com:example/tools.git" }] }),
            "a location from another resource, unknown in preview": project({ source: { type: "CODECOMMIT", location: UNKNOWN } }),
        },
        rejects: {
            "a Bitbucket URL with user and app password": [
                project({ source: { type: "BITBUCKET", location: "https://builder:app-password@bitbucket.org/example/clinical.git" } }),
                /source\.location embeds credentials/,
            ],
            "a secondary GitHub source with a token": [
                project({ secondarySources: [{ sourceIdentifier: "tools", type: "GITHUB", location: "https://ghp_token@github.com/example/tools.git" }] }),
                /secondarySources\[0\]\.location embeds credentials/,
            ],
        },
    });
});
