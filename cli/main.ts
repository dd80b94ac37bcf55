#!/usr/bin/env node
/** Entry point of the `pthbs` binary. */
import { run } from "./program.js";

// `pthbs show s6 | head` closes the pipe early: that is not an error.
for (const stream of [process.stdout, process.stderr]) {
  stream.on("error", (e: NodeJS.ErrnoException) => {
    if (e.code === "EPIPE") process.exit(process.exitCode ?? 0);
    throw e;
  });
}

const io = {
  stdout: (t: string) => process.stdout.write(t),
  stderr: (t: string) => process.stderr.write(t),
  color: Boolean(process.stdout.isTTY) && process.env.NO_COLOR === undefined,
  tty: Boolean(process.stderr.isTTY),
};
process.exitCode = await run(process.argv.slice(2), io, process.env);
