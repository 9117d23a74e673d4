/**
 * Mocha's dot reporter, closing with a plain "N passed, N failed" line that any CI log reader
 * understands.
 */
import Mocha from "mocha";

class SummaryReporter extends Mocha.reporters.Dot {
    constructor(runner: Mocha.Runner, options?: Mocha.MochaOptions) {
        super(runner, options);
        runner.once(Mocha.Runner.constants.EVENT_RUN_END, () => {
            const stats = runner.stats;
            console.log(`${stats?.passes ?? 0} passed, ${stats?.failures ?? 0} failed`);
        });
    }
}

export = SummaryReporter;
