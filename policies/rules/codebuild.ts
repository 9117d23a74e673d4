/**
 * CodeBuild projects: no AWS credentials written into the project, neither as plaintext
 * environment variables nor inside a source repository's URL. A build gets AWS access from its
 * service role and repository access from a connection or a secret, never from the project's
 * own definition, which anyone with codebuild:BatchGetProjects reads.
 */
import { type ClinicalPolicy, resourceRule } from "../lib/policy";
import { CODEBUILD } from "../lib/types";
import { type Maybe, elements, isKnown, isUnknown } from "../lib/values";

interface EnvironmentVariableInputs {
    name?: Maybe<string>;
    type?: Maybe<string>;
    value?: Maybe<string>;
}

interface SourceInputs {
    type?: Maybe<string>;
    location?: Maybe<string>;
}

/** Inputs of `aws.codebuild.Project` the rules read. */
export interface ProjectInputs {
    environment?: Maybe<{ environmentVariables?: Maybe<Maybe<EnvironmentVariableInputs>[]> }>;
    source?: Maybe<SourceInputs>;
    secondarySources?: Maybe<Maybe<SourceInputs>[]>;
}

/** The variables the AWS SDKs and CLI read credentials from (AWS SDKs and Tools Reference Guide, read 2026-12-01). */
export const AWS_CREDENTIAL_VARIABLES: ReadonlySet<string> = new Set(["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"]);

/**
 * A URL with user information before the host (`https://user:token@host/…`, `https://token@host/…`).
 * SSH remotes (`git@github.com:owner/repo`) have no scheme, name no secret and do not match.
 */
const URL_WITH_CREDENTIALS = /^[a-z][a-z0-9+.-]*:\/\/[^/?#@\s]+@/i;

export const codebuildNoPlaintextAwsCredentials = resourceRule<ProjectInputs>({
    name: "codebuild-no-plaintext-aws-credentials",
    description: "CodeBuild projects hold no AWS credentials as plaintext environment variables.",
    severity: "critical",
    category: "access-control",
    hipaa: ["164.312(a)(1)", "164.308(a)(4)(ii)(B)"],
    soc2: ["CC6.1"],
    remediation: "Remove AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN from the environment: grant what the build needs to its serviceRole instead (or, if a key must be passed, type SECRETS_MANAGER or PARAMETER_STORE).",
    anchors: { awsConfig: ["CODEBUILD_PROJECT_ENVVAR_AWSCRED_CHECK"], cdkNag: ["CodeBuildProjectEnvVarAwsCred"] },
    resourceTypes: [CODEBUILD.project],
    *check(project) {
        const variables = isKnown(project.environment) ? elements(project.environment.environmentVariables).known : [];
        for (const variable of variables) {
            if (!isKnown(variable.name) || !AWS_CREDENTIAL_VARIABLES.has(variable.name)) continue;
            // CodeBuild's default type is PLAINTEXT (EnvironmentVariable.type, CodeBuild API Reference).
            if (!isKnown(variable.type) || variable.type === "PLAINTEXT") {
                const type = isUnknown(variable.type) ? "of a type unknown in preview" : "PLAINTEXT";
                yield `Environment variable ${variable.name} is ${type}, so an AWS credential is stored in the project's definition.`;
            }
        }
    },
});

export const codebuildSourceNoEmbeddedCredentials = resourceRule<ProjectInputs>({
    name: "codebuild-source-no-embedded-credentials",
    description: "CodeBuild source repository URLs carry no user name, password or token.",
    severity: "critical",
    category: "access-control",
    hipaa: ["164.312(a)(1)", "164.312(d)"],
    soc2: ["CC6.1"],
    remediation: "Use the plain repository URL and authenticate with source.auth (a CodeConnections connection or a Secrets Manager secret).",
    anchors: { awsConfig: ["CODEBUILD_PROJECT_SOURCE_REPO_URL_CHECK"], cdkNag: ["CodeBuildProjectSourceRepoUrl"] },
    resourceTypes: [CODEBUILD.project],
    *check(project) {
        // A location unknown in preview comes from another resource (a repository's clone URL),
        // which holds no credentials of its own; a literal one is always known.
        const sources: { input: string; source: Maybe<SourceInputs> }[] = [
            { input: "source.location", source: project.source },
            ...elements(project.secondarySources).known.map((source, index) => ({ input: `secondarySources[${index}].location`, source })),
        ];
        for (const { input, source } of sources) {
            const location = isKnown(source) ? source.location : undefined;
            if (isKnown(location) && URL_WITH_CREDENTIALS.test(location)) {
                yield `${input} embeds credentials before the host, so the repository's secret is stored in the project's definition.`;
            }
        }
    },
});

export const codebuildPolicies: ClinicalPolicy[] = [codebuildNoPlaintextAwsCredentials, codebuildSourceNoEmbeddedCredentials];
