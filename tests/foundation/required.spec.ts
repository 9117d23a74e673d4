import { strict as assert } from "assert";
import { required } from "../../components/required";

describe("an output AWS always returns", () => {
    it("is passed on when present", () => {
        assert.equal(required("sg-0123456789abcdef0", "the cluster security group id"), "sg-0123456789abcdef0");
    });

    it("stops the program, naming the output, when it is missing or empty, instead of passing an empty string on", () => {
        for (const missing of [undefined, null, ""]) {
            assert.throws(() => required(missing, "The EKS cluster security group id"), /The EKS cluster security group id is missing from the provider's outputs/);
        }
    });
});
