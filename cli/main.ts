#!/usr/bin/env node
/** Entry point of the `pthbs` binary. */

import { tuneV8 } from "./v8.js";

// `pthbs cudf` is started once per request by apt-cudf and opam: it loads only what it needs.
const argv = process.argv.slice(2);
const { run } =
  argv[0] === "cudf" ? { run: (await import("./cudf.js")).runCudf } : await import("./program.js");
// After the modules are loaded, before any command runs (see v8.ts): a flag set changes the hash
// V8 checks the code cache of Node's own modules against, and those loaded after it were
// compiled from their source (about 10 ms more of a warm `pthbs solve`'s CPU); the flags matter
// only once the command's code runs hot.
tuneV8();

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
const code = await run(argv, io, process.env);
process.exitCode = code;
// Every command has finished its work when `run` resolves: exit once the output is written
// rather than when the event loop empties, which frees the heap piece by piece first (about
// 20 ms of a warm `pthbs solve` at cone 2,000, whose heap is 100 MB).
let unwritten = 2;
const written = () => {
  if (--unwritten === 0) process.exit(code);
};
process.stdout.write("", written);
process.stderr.write("", written);
