import { strict as assert } from "assert";
import * as pulumi from "@pulumi/pulumi";
import { evaluate } from "../../infra/offline/engine";
import { RecordedResource } from "../../infra/offline/types";

const THING = "test:index:Thing";

/** A tiny program registering one resource per option, each next to the resources it names. */
function program(): void {
    const anchor = new pulumi.CustomResource(THING, "anchor", { size: 1 });
    const referenced = new pulumi.CustomResource(THING, "referenced", { size: 1 });
    new pulumi.CustomResource(THING, "plain", { size: 1 });
    new pulumi.CustomResource(THING, "replace-on-changes", { size: 1 }, { replaceOnChanges: ["size"] });
    new pulumi.CustomResource(THING, "custom-timeouts", { size: 1 }, { customTimeouts: { create: "30m", delete: "2h" } });
    new pulumi.CustomResource(THING, "depends-on", { size: 1, from: referenced.id }, { dependsOn: [anchor] });
    new pulumi.CustomResource(THING, "secret-outputs", { size: 1 }, { additionalSecretOutputs: ["password"] });
    new pulumi.CustomResource(THING, "versioned", { size: 1 }, { version: "7.48.0", pluginDownloadURL: "https://example.com/plugins" });
    new pulumi.CustomResource(THING, "deleted-with", { size: 1 }, { deletedWith: anchor });
    new pulumi.CustomResource(THING, "retained", { size: 1 }, { retainOnDelete: true, protect: true });
    new pulumi.CustomResource(THING, "imported", { size: 1 }, { import: "thing-0123" });
    new pulumi.CustomResource(THING, "hidden-diffs", { size: 1 }, { hideDiffs: ["size"] });
    new pulumi.CustomResource(THING, "ignored", { size: 1 }, { ignoreChanges: ["size"], deleteBeforeReplace: true });
    new pulumi.CustomResource(THING, "renamed", { size: 1 }, { aliases: [{ name: "old-name" }] });
}

describe("the preview's record of resource options", function () {
    this.timeout(60_000);
    let resources: RecordedResource[];
    const options = (name: string) => {
        const resource = resources.find((r) => r.name === name);
        assert.ok(resource, `${name} was registered`);
        return resource.options;
    };
    const urnOf = (name: string) => `urn:pulumi:options::test::${THING}::${name}`;

    before(async () => {
        ({ resources } = await evaluate(program, { project: "test", stack: "options", config: {}, region: "eu-west-1" }));
    });

    it("shows only protect and retainOnDelete for a resource that sets no option", () => {
        assert.deepEqual(options("plain"), { protect: false, retainOnDelete: false });
    });

    it("shows replaceOnChanges, customTimeouts and additionalSecretOutputs as the program set them", () => {
        assert.deepEqual(options("replace-on-changes").replaceOnChanges, ["size"]);
        assert.deepEqual(options("custom-timeouts").customTimeouts, { create: "30m", delete: "2h" });
        assert.deepEqual(options("secret-outputs").additionalSecretOutputs, ["password"]);
    });

    it("shows the explicit dependsOn apart from the dependencies its inputs imply", () => {
        const resource = resources.find((r) => r.name === "depends-on");
        assert.deepEqual(resource?.options.dependsOn, [urnOf("anchor")]);
        assert.deepEqual(resource?.dependencies, [urnOf("anchor"), urnOf("referenced")]);
        assert.equal(options("plain").dependsOn, undefined);
    });

    it("shows the provider version and plugin download URL, deletedWith and import", () => {
        assert.equal(options("versioned").version, "7.48.0");
        assert.equal(options("versioned").pluginDownloadURL, "https://example.com/plugins");
        assert.equal(options("deleted-with").deletedWith, urnOf("anchor"));
        assert.equal(options("imported").import, "thing-0123");
    });

    it("shows protect, retainOnDelete, hideDiffs, ignoreChanges and deleteBeforeReplace", () => {
        assert.deepEqual(options("retained"), { protect: true, retainOnDelete: true });
        assert.deepEqual(options("hidden-diffs").hideDiffs, ["size"]);
        assert.deepEqual(options("ignored").ignoreChanges, ["size"]);
        assert.equal(options("ignored").deleteBeforeReplace, true);
    });

    it("shows an alias given by name as the URN it stands for", () => {
        assert.deepEqual(options("renamed").aliases, [urnOf("old-name")]);
    });
});
