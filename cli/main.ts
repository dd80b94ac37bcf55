#!/usr/bin/env node
/** Entry point of the `pthbs` binary. */

// `pthbs cudf` is started once per request by apt-cudf and opam: it loads only what it needs.
const argv = process.argv.slice(2);
// One pass over a large document, each function run once: TurboFan's inlining costs more
// compile time (another thread's, but CPU time all the same) than it saves (Debian's universe:
// about a sixth less CPU). Set before any cudf code is compiled. (The garbage collector's flags
// are not safe to change once V8 runs: `--single-threaded-gc` set here crashes it.)
if (argv[0] === "cudf") (await import("node:v8")).setFlagsFromString("--no-turbo-inlining");
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
