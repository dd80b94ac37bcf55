#!/usr/bin/env node
/** Entry point of the `pthbs` binary. */

import { tuneV8 } from "./v8.js";

// Before any command's code is compiled (see v8.ts).
tuneV8();
// `pthbs cudf` is started once per request by apt-cudf and opam: it loads only what it needs.
const argv = process.argv.slice(2);
const { run } =
  argv[0] === "cudf" ? { run: (await import("./cudf.js")).runCudf } : await import("./program.js");

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
process.exitCode = await run(argv, io, process.env);
