import { runProgram } from "./program";

export = runProgram();
