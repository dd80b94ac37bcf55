/** `pthbs env`: link a built package set into its environment, `<root>/envs/env.<sha256>`. */

import type { Command } from "commander";
import { CollisionError, createEnvironment, lockfileMembers } from "../index.js";
import {
  type LinkOptions,
  linkOptions,
  loadLockfile,
  openStore,
  reportCollisions,
  type SetOptions,
  withLinkOptions,
  withSetOptions,
} from "./executor-args.js";
import { EXIT, type Io, printJson } from "./io.js";

interface EnvCommandOptions extends SetOptions, LinkOptions {
  readonly dryRun?: boolean;
}

export function registerEnv(
  program: Command,
  io: Io,
  done: (code: number) => void,
  env: NodeJS.ProcessEnv,
): void {
  withLinkOptions(
    withSetOptions(
      program
        .command("env")
        .description("link the roots of a set and what they use at run time into an environment"),
    ),
  )
    .option("--dry-run", "check for collisions and count the links; write nothing")
    .addHelpText(
      "after",
      `
The environment holds the roots and their run and link dependencies, transitively (not
build-only ones, nor host externals), as a symlink forest named after the sha256 of its members'
ids, the link policy and --prefer: the same members always give the same environment, and an
environment is never changed once made. Every member must be built (pthbs build, same input).

Two packages shipping one path with different content is a collision: all of them are found and
listed before anything is written. Identical files are not collisions. --prefer NAME settles the
ones NAME is part of.

Exit status: 0 the environment is valid (made now or before), 1 a collision, a member not built,
or a problem in the input, 2 usage.`,
    )
    .action(async (specs: string[], _opts, cmd: Command) => {
      const opts = cmd.optsWithGlobals<EnvCommandOptions>();
      const link = linkOptions(opts);
      const store = openStore(opts, env);
      const lockfile = await loadLockfile(specs, opts, store, env, io, done);
      if (!lockfile) return;
      const members = lockfileMembers(lockfile);
      let made: Awaited<ReturnType<typeof createEnvironment>>;
      try {
        made = await createEnvironment(store, members, {
          ...link,
          dryRun: opts.dryRun ?? false,
        });
      } catch (e) {
        if (!(e instanceof CollisionError)) throw e;
        reportCollisions(io, e, opts.json);
        done(EXIT.failure);
        return;
      }
      const r = made.record;
      if (opts.json)
        printJson(io, {
          ok: true,
          id: r.id,
          path: made.path,
          created: made.created && !opts.dryRun,
          dryRun: opts.dryRun ?? false,
          policy: r.policy,
          prefer: r.prefer,
          links: r.links,
          dirs: r.dirs,
          resolved: made.resolved,
          members: r.members,
        });
      else {
        for (const c of made.resolved)
          io.stdout(`collision at ${c.path}: ${c.owner} preferred over ${c.others.join(", ")}\n`);
        const what = opts.dryRun
          ? made.created
            ? "would be created"
            : "is valid already"
          : made.created
            ? "created"
            : "valid already";
        io.stdout(
          `${made.path} ${what}: ${r.members.length} packages, ${r.links} links, ${r.dirs} directories (${r.policy})\n`,
        );
      }
      done(EXIT.ok);
    });
}
