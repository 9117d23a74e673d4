import { runBootstrap } from "./program";

export = runBootstrap();
