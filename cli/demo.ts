/**
 * `pthbs demo` (`npm start`): the whole pipeline on the example universe, offline, in a scratch
 * root. Each step is a real pthbs command, printed before it runs, so a newcomer can type them.
 */

import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { cp, mkdtemp, readFile, rename, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, relative, resolve } from "node:path";
import type { Command } from "commander";
import { detectSandbox, LOCKFILE_NAME, removeTree } from "../index.js";
import { bold, dim, EXIT, type Io, UsageError } from "./io.js";
import { packageRoot } from "./package-root.js";

/** Runs a pthbs command line in-process (program.ts passes its own `run`). */
export type RunCommand = (argv: readonly string[]) => Promise<number>;

interface DemoOptions {
  readonly root?: string;
  readonly keep?: boolean;
}

export function registerDemo(
  program: Command,
  io: Io,
  done: (code: number) => void,
  runCommand: RunCommand,
): void {
  program
    .command("demo")
    .description("run the whole pipeline on the example universe, offline (what npm start runs)")
    .option("--root <dir>", "use (and keep) this store root instead of a scratch directory")
    .option("--keep", "keep the scratch root afterwards, to look around")
    .addHelpText(
      "after",
      `
Solve -> generate -> build (sandboxed) -> environment -> profile switch, run a program from the
profile; then change one option, switch again, show the difference, roll back and run the
program again; last, push the first generation to a binary cache (a directory) and build it on a
"second machine" (a fresh root at the same path, the first moved aside meanwhile) from the cache
alone. Uses examples/ (constraints, and the recipes/ and sources/ found next to them) from
the pthbs package and the host's C compiler (cc).

Exit status: 0 every step worked, otherwise the exit status of the step that failed.`,
    )
    .action(async (opts: DemoOptions) => {
      const root = opts.root ? resolve(opts.root) : await mkdtemp(join(tmpdir(), "pthbs-demo-"));
      try {
        done(await demo(io, runCommand, root));
      } finally {
        if (!opts.root && !opts.keep) await rm(root, { recursive: true, force: true });
        else io.stdout(dim(io, `\nThe root is kept: ${root}\n`));
      }
    });
}

async function demo(io: Io, runCommand: RunCommand, root: string): Promise<number> {
  const pkg = packageRoot();
  const ex = (p: string) => join(pkg, "examples", p);
  // Paths as a user in the package directory would type them.
  const show = (p: string) => (p.startsWith(`${pkg}/`) ? relative(process.cwd(), p) || "." : p);
  // Recipes and sources are found next to the constraints directory (examples/recipes, examples/sources).
  const universe = ["-C", ex("constraints")];
  const envFile = ["-f", ex("environments/demo.toml")];
  const rootArgs = ["--root", root];
  const sandbox = detectSandbox();
  const noSandbox = sandbox === "none" ? ["--no-sandbox"] : [];
  const profile = join(root, "profiles", "demo");
  let stepNo = 0;

  const step = (title: string) => io.stdout(`\n${bold(io, `${++stepNo}. ${title}`)}\n`);
  const pthbs = async (args: readonly string[], expected: number = EXIT.ok): Promise<void> => {
    io.stdout(dim(io, `$ pthbs ${args.map(show).join(" ")}\n`));
    const code = await runCommand(args);
    if (code !== expected)
      throw new DemoStop(
        code === EXIT.ok ? EXIT.failure : code,
        `pthbs ${args[0]} exited with ${code}, not ${expected}`,
      );
    if (code !== EXIT.ok) io.stdout(dim(io, `(exit status ${code}, as expected)\n`));
  };
  const runHello = () => runProgram(io, join(profile, "bin", "hello"));
  const generation = async (n: number, specs: readonly string[]) => {
    const dir = join(root, `generation-${n}`);
    await pthbs([
      "generate",
      ...universe,
      ...envFile,
      ...specs,
      "-o",
      dir,
      "--store",
      join(root, "store"),
    ]);
    return join(dir, LOCKFILE_NAME);
  };

  if (!existsSync(ex("constraints")))
    throw new UsageError(`the example universe is not installed with pthbs (${ex("constraints")})`);
  try {
    io.stdout(
      `${bold(io, "pthbs demo")}: the example universe (examples/README.md), built offline in ${root}\n`,
    );
    step("Solve: which versions and options of the request fit together?");
    await pthbs(["solve", ...universe, ...envFile]);

    step("Generate the build scripts: each is named by its own sha256, its id");
    const lock1 = await generation(1, []);

    step(`Build them into the store (sandbox: ${sandbox})`);
    if (sandbox === "none")
      io.stdout("note: neither bwrap nor unshare works here: building without isolation\n");
    await pthbs(["build", ...universe, "--lock", lock1, ...rootArgs, ...noSandbox]);

    step("Link the environment: a symlink forest named by the sha256 of its members");
    await pthbs(["env", "--lock", lock1, ...rootArgs]);

    step("Switch the profile 'demo' to it (generation 1) and run hello from the profile");
    await pthbs(["profile", "switch", "demo", lock1, ...rootArgs]);
    runHello();

    step("Change one option (hello +fortune), build and switch again (generation 2)");
    const lock2 = await generation(2, ["hello+fortune"]);
    await pthbs(["build", ...universe, "--lock", lock2, ...rootArgs, ...noSandbox]);
    await pthbs(["profile", "switch", "demo", lock2, ...rootArgs]);
    runHello();

    step("What changed between the two generations");
    await pthbs(["profile", "diff", "demo@1", "demo@2", ...rootArgs]);

    step("Roll back to generation 1 and run hello again");
    await pthbs(["profile", "rollback", "demo", ...rootArgs]);
    runHello();

    step(
      "Both language packs ship share/greet/greeting.txt: refused, naming both, until one is preferred",
    );
    const both = [...universe, ...envFile, "lang-en", "lang-fr", ...rootArgs];
    await pthbs(["build", ...both, ...noSandbox]);
    await pthbs(["env", ...both], EXIT.failure);
    await pthbs(["env", ...both, "--prefer", "lang-fr"]);

    step("The generations, and what gc would delete: only what no generation uses");
    await pthbs(["profile", "list", "demo", ...rootArgs]);
    await pthbs(["gc", "--dry-run", ...rootArgs]);

    await shareThroughCache(step, pthbs, io, root, lock1);

    io.stdout(`\n${bold(io, "Done.")} Every step above is a command you can run yourself.\n`);
    return EXIT.ok;
  } catch (e) {
    if (!(e instanceof DemoStop)) throw e;
    io.stderr(`pthbs: demo stopped at step ${stepNo}: ${e.message}\n`);
    return e.code;
  }
}

/** Runs a program the demo built, showing the command and its output. */
function runProgram(io: Io, bin: string): void {
  io.stdout(dim(io, `$ ${bin}\n`));
  const r = spawnSync(bin, [], { encoding: "utf8", env: { PATH: "/usr/bin:/bin" } });
  if (r.status !== 0)
    throw new DemoStop(EXIT.failure, `${bin} failed: ${r.error?.message ?? r.stderr}`);
  io.stdout(r.stdout);
}

/**
 * The binary-cache steps: sign and push generation 1 to a directory cache, then build it on a
 * "second machine" from the cache alone. Store paths are only valid under the store directory
 * they were built for, so the second machine is a fresh root at the same path: the demo's root is
 * moved aside meanwhile, and back afterwards.
 */
async function shareThroughCache(
  step: (title: string) => void,
  pthbs: (args: readonly string[]) => Promise<void>,
  io: Io,
  root: string,
  lock1: string,
): Promise<void> {
  const side = await mkdtemp(join(tmpdir(), "pthbs-demo-cache-"));
  const [sk, pk, cache, gen] = ["demo.sec", "demo.pub", "cache", "generation-1"].map((f) =>
    join(side, f),
  ) as [string, string, string, string];
  const aside = `${root}.machine-a`;
  let moved = false;
  try {
    step("Share the paths: sign and push generation 1 to a binary cache (a directory here)");
    await pthbs(["cache", "keygen", "demo-1", sk, pk]);
    await pthbs(["cache", "push", cache, "--lock", lock1, "--root", root, "--key", sk]);

    step("A second machine, same store path, no sources: builds generation 1 from the cache");
    await cp(join(lock1, ".."), gen, { recursive: true });
    const lock = join(gen, LOCKFILE_NAME);
    io.stdout(dim(io, `(moving ${root} aside to ${aside}: a fresh root takes its place)\n`));
    await rename(root, aside);
    moved = true;
    await pthbs([
      "build",
      "--lock",
      lock,
      "--root",
      root,
      "--offline",
      "--substituter",
      cache,
      "--trusted-key",
      pk,
    ]);
    const ids = JSON.parse(await readFile(lock, "utf8")) as { packages: { hello: { id: string } } };
    const bin = join(root, "store", ids.packages.hello.id, "bin", "hello");
    runProgram(io, bin);
  } finally {
    if (moved) {
      await removeTree(root);
      await rename(aside, root);
    }
    await rm(side, { recursive: true, force: true });
  }
}

class DemoStop extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}
