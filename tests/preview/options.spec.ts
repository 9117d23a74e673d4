import { strict as assert } from "assert";
import * as pulumi from "@pulumi/pulumi";
import { evaluate } from "../../infra/offline/engine";
import { RecordedResource } from "../../infra/offline/types";

const THING = "test:index:Thing";

class Thing extends pulumi.CustomResource {
    constructor(name: string, opts?: pulumi.CustomResourceOptions) {
        super(THING, name, { size: 1 }, opts);
    }
}

class Dependent extends pulumi.CustomResource {
    constructor(name: string, from: Thing, opts?: pulumi.CustomResourceOptions) {
        super(THING, name, { size: 1, from: from.id }, opts);
    }
}

/** A tiny program registering one resource per option, each next to the resources it names. */
function program(): void {
    const anchor = new Thing("anchor");
    const referenced = new Thing("referenced");
    new Thing("plain");
    new Thing("replace-on-changes", { replaceOnChanges: ["size"] });
    new Thing("custom-timeouts", { customTimeouts: { create: "30m", delete: "2h" } });
    new Dependent("depends-on", referenced, { dependsOn: [anchor] });
    new Thing("secret-outputs", { additionalSecretOutputs: ["password"] });
    new Thing("versioned", { version: "7.48.0", pluginDownloadURL: "https://example.com/plugins" });
    new Thing("deleted-with", { deletedWith: anchor });
    new Thing("retained", { retainOnDelete: true, protect: true });
    new Thing("imported", { import: "thing-0123" });
    new Thing("hidden-diffs", { hideDiffs: ["size"] });
    new Thing("ignored", { ignoreChanges: ["size"], deleteBeforeReplace: true });
    new Thing("renamed", { aliases: [{ name: "old-name" }] });
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
