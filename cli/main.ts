#!/usr/bin/env node
/** Entry point of the `pthbs` binary. */
import { run } from "./program.js";

const io = {
  stdout: (t: string) => process.stdout.write(t),
  stderr: (t: string) => process.stderr.write(t),
  color: Boolean(process.stdout.isTTY) && process.env.NO_COLOR === undefined,
};
process.exitCode = await run(process.argv.slice(2), io, process.env);
