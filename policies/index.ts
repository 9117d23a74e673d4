import { PolicyPack } from "@pulumi/policy";
import { allPolicies } from "./rules";

// PolicyPack reads the version from ./package.json (the CLI starts the pack with this
// directory as its working directory) and starts the analyzer's gRPC server.
new PolicyPack("clinical-platform-hipaa-soc2", {
    description: "HIPAA Security Rule and SOC 2 controls for the clinical platform's AWS and Kubernetes resources.",
    enforcementLevel: "advisory",
    policies: [...allPolicies],
});
