import { SSM } from "../../../policies/lib/types";
import * as rules from "../../../policies/rules/ssm";
import { describeResourcePolicy } from "../harness/cases";
import { UNKNOWN_VALUE as UNKNOWN, resource } from "../harness/server";

const document = (permissions?: Record<string, unknown>) =>
    resource(SSM.document, "restart-api", { name: "restart-api", documentType: "Command", content: "{}", permissions });

describe("Systems Manager policies", () => {
    describeResourcePolicy(rules.ssmDocumentNotPublic, {
        accepts: {
            "a document shared with nobody": document(),
            "a document shared with two named accounts": document({ type: "Share", account_ids: "123456789012,210987654321" }),
        },
        rejects: {
            "a document shared with All": [document({ type: "Share", account_ids: "All" }), /shares the document with All/],
            "All among named accounts, in another case and key spelling": [document({ type: "Share", accountIds: "123456789012, all" }), /permissions\.accountIds shares the document with All/],
            "an account list unknown in preview": [document({ type: "Share", account_ids: UNKNOWN }), /unknown in preview/],
        },
    });
});
