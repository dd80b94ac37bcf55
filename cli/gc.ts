/** `pthbs gc`: delete what no profile generation, root lockfile or running build needs. */

import type { Command } from "commander";
import { collectGarbage, type GcEntry } from "../index.js";
import { openStore, type StoreOptions, withStoreOption } from "./executor-args.js";
import { EXIT, type Io, printJson, UsageError } from "./io.js";

interface GcCommandOptions extends StoreOptions {
  readonly dryRun?: boolean;
  readonly keepGenerations?: string;
  readonly rootLock: string[];
  readonly sources?: boolean;
  readonly keepBuildDeps?: boolean;
}

export function registerGc(
  program: Command,
  io: Io,
  done: (code: number) => void,
  env: NodeJS.ProcessEnv,
): void {
  withStoreOption(
    program
      .command("gc")
      .description("delete store paths and environments that nothing refers to")
      .option("--dry-run", "list what would be deleted, delete nothing")
      .option(
        "--keep-generations <n>",
        "first delete all but the N newest generations of each profile (never the current)",
      )
      .option(
        "--root-lock <lockfile>",
        "keep every package of this lockfile, now and in later runs (repeatable)",
        (f: string, prev: string[]) => [...prev, f],
        [] as string[],
      )
      .option("--sources", "also delete cached sources that no kept path needs")
      .option("--keep-build-deps", "keep the build-only dependencies of kept paths too"),
  )
    .addHelpText(
      "after",
      `
Roots: every generation of every profile, every lockfile registered with --root-lock (a symlink
in <root>/gcroots/; delete it to unregister), and every build in progress. Kept: the roots'
environments, their packages and what those use at run or link time, transitively. Deleted:
every other store path, what killed builds left, every other environment; with --sources,
cached sources no kept path needs. A path whose build is running is never deleted.

Exit status: 0 done, 1 a problem (a bad --root-lock file, an unreadable record), 2 usage.`,
    )
    .action(async (_opts, cmd: Command) => {
      const opts = cmd.optsWithGlobals<GcCommandOptions>();
      let keepGenerations: number | undefined;
      if (opts.keepGenerations !== undefined) {
        keepGenerations = Number(opts.keepGenerations);
        if (!/^\d+$/.test(opts.keepGenerations) || keepGenerations < 1)
          throw new UsageError(
            `--keep-generations takes a number of generations (1 or more), not ${opts.keepGenerations}`,
          );
      }
      const store = openStore(opts, env);
      const report = await collectGarbage(store, {
        dryRun: opts.dryRun ?? false,
        ...(keepGenerations !== undefined && { keepGenerations }),
        rootLocks: opts.rootLock,
        sources: opts.sources ?? false,
        keepBuildDeps: opts.keepBuildDeps ?? false,
      });
      if (opts.json) printJson(io, { ok: true, root: store.root, ...report });
      else {
        for (const d of report.danglingRoots)
          io.stderr(`pthbs: note: root lockfile ${d} is gone: unregistered\n`);
        const verb = report.dryRun ? "would delete" : "deleted";
        for (const e of report.deleted)
          io.stdout(`${verb} ${e.kind.padEnd(11)} ${e.name}  ${size(e.bytes)}\n`);
        const count = (kind: GcEntry["kind"]) =>
          report.deleted.filter((e) => e.kind === kind).length;
        io.stdout(
          `${report.dryRun ? "would free" : "freed"} ${size(report.bytes)}: ${count("path")} store paths, ${count("leftover")} leftovers, ${count("environment")} environments, ${count("generation")} generations, ${count("source")} sources; kept ${report.live.paths} paths and ${report.live.environments} environments (roots: ${report.roots.generations} generations, ${report.roots.lockfiles.length} lockfiles, ${report.roots.building.length} builds running)\n`,
        );
      }
      done(EXIT.ok);
    });
}

/** Bytes for people: B, KiB, MiB, GiB. */
function size(bytes: number): string {
  const units = ["B", "KiB", "MiB", "GiB"];
  let n = bytes;
  let u = 0;
  while (n >= 1024 && u < units.length - 1) {
    n /= 1024;
    u++;
  }
  return `${u === 0 ? n : n.toFixed(1)} ${units[u]}`;
}
