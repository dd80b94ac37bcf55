/** `pthbs profile switch|rollback|list|diff`: named, numbered generations of environments. */

import { stat } from "node:fs/promises";
import { basename } from "node:path";
import type { Command } from "commander";
import {
  CollisionError,
  diffMembers,
  ENVIRONMENT_ID_RE,
  type EnvironmentId,
  type EnvironmentMember,
  environmentPath,
  formatDiff,
  listProfiles,
  lockfileMembers,
  Profile,
  type ProfileGeneration,
  readEnvironment,
  readLockfile,
  type SetDiff,
  type Store,
  StoreError,
} from "../index.js";
import {
  type LinkOptions,
  linkOptions,
  openStore,
  readStoreLockfile,
  reportCollisions,
  type StoreOptions,
  withLinkOptions,
  withStoreOption,
} from "./executor-args.js";
import { EXIT, type Io, printJson, UsageError } from "./io.js";

export function registerProfile(
  program: Command,
  io: Io,
  done: (code: number) => void,
  env: NodeJS.ProcessEnv,
): void {
  const profile = program
    .command("profile")
    .description("switch, roll back, list and compare profile generations")
    .addHelpText(
      "after",
      `
A profile is <root>/profiles/NAME, a symlink to its current generation NAME-N-link, itself a
symlink to an environment. Put <root>/profiles/NAME/bin on PATH. Switching makes generation N+1
and repoints NAME with one atomic rename: killed at any moment, the profile is the old or the
new generation, never anything else.`,
    );

  withLinkOptions(
    withStoreOption(
      profile
        .command("switch")
        .argument("<name>", "the profile")
        .argument("<target>", "a lockfile (its set must be built), or an environment env.<sha256>")
        .description("make a new generation of the profile and point the profile at it"),
    ),
  )
    .addHelpText(
      "after",
      `
From a lockfile, the environment of its roots and their run/link closure is made first (as pthbs
env --lock would). The new generation is N+1 even after a rollback, as in Nix.

Exit status: 0 switched, 1 a collision, a member not built, or a bad target, 2 usage.`,
    )
    .action(async (name: string, target: string, _opts, cmd: Command) => {
      const opts = cmd.optsWithGlobals<StoreOptions & LinkOptions>();
      const link = linkOptions(opts);
      const store = openStore(opts, env);
      const p = new Profile(store, name);
      const before = await currentMembers(store, p);
      const what = await switchTarget(store, target);
      let result: Awaited<ReturnType<Profile["switchTo"]>>;
      try {
        result = await p.switchTo(what, link);
      } catch (e) {
        if (!(e instanceof CollisionError)) throw e;
        reportCollisions(io, e, opts.json);
        done(EXIT.failure);
        return;
      }
      const changes = diffMembers(before ?? [], result.environment.record.members);
      if (opts.json)
        printJson(io, {
          ok: true,
          profile: p.path,
          generation: result.generation.number,
          environment: result.environment.path,
          created: result.environment.created,
          changes,
        });
      else {
        io.stdout(
          `${p.path} -> generation ${result.generation.number} (${result.environment.path}${result.environment.created ? ", created" : ""})\n`,
        );
        for (const l of formatDiff(changes)) io.stdout(`  ${l}\n`);
      }
      done(EXIT.ok);
    });

  withStoreOption(
    profile
      .command("rollback")
      .argument("<name>", "the profile")
      .argument("[generation]", "the same as --to")
      .option("--to <n>", "the generation to go to (default: the one before the current)")
      .description("point the profile at an earlier (or any existing) generation")
      .addHelpText(
        "after",
        "\nNo generation is made or deleted: a later switch makes the highest number + 1.\n\nExit status: 0 done, 1 no such generation or profile, 2 usage.",
      ),
  ).action(async (name: string, positional: string | undefined, _opts, cmd: Command) => {
    const opts = cmd.optsWithGlobals<StoreOptions & { to?: string }>();
    if (positional !== undefined && opts.to !== undefined && positional !== opts.to)
      throw new UsageError(`two different generations: ${positional} and --to ${opts.to}`);
    const wanted = opts.to ?? positional;
    const to = wanted === undefined ? undefined : generationNumber(wanted, "--to");
    const p = new Profile(openStore(opts, env), name);
    const r = await p.rollback(to);
    if (opts.json)
      printJson(io, {
        ok: true,
        profile: p.path,
        from: r.from,
        to: r.to.number,
        environment: r.to.environment,
      });
    else io.stdout(`${p.path}: generation ${r.from} -> ${r.to.number} (${r.to.environment})\n`);
    done(EXIT.ok);
  });

  withStoreOption(
    profile
      .command("list")
      .argument("[name]", "the profile (default: list the profiles)")
      .description("the generations of a profile, with dates and what each changed")
      .addHelpText("after", "\nExit status: 0 listed, 1 no such profile, 2 usage."),
  ).action(async (name: string | undefined, _opts, cmd: Command) => {
    const opts = cmd.optsWithGlobals<StoreOptions>();
    const store = openStore(opts, env);
    if (name === undefined) {
      const rows = [];
      for (const n of await listProfiles(store)) {
        const gens = await new Profile(store, n).generations();
        rows.push({
          name: n,
          current: gens.find((g) => g.current)?.number,
          generations: gens.length,
        });
      }
      if (opts.json) printJson(io, { root: store.root, profiles: rows });
      else
        for (const r of rows)
          io.stdout(`${r.name}  generation ${r.current ?? "-"} of ${r.generations}\n`);
      done(EXIT.ok);
      return;
    }
    const p = new Profile(store, name);
    const gens = await p.generations();
    if (gens.length === 0) throw new StoreError("has no generations", p.path);
    const rows: { g: ProfileGeneration; changes?: SetDiff; members?: number }[] = [];
    let previous: readonly EnvironmentMember[] | undefined;
    for (const g of gens) {
      const members = (await readEnvironment(store, g.environment))?.members;
      rows.push({
        g,
        ...(members && previous && { changes: diffMembers(previous, members) }),
        ...(members && { members: members.length }),
      });
      previous = members;
    }
    if (opts.json)
      printJson(io, {
        profile: p.path,
        generations: rows.map((r) => ({
          number: r.g.number,
          created: r.g.created.toISOString(),
          current: r.g.current,
          environment: r.g.environment,
          valid: r.members !== undefined,
          ...(r.members !== undefined && { packages: r.members }),
          ...(r.changes && { changes: r.changes }),
        })),
      });
    else
      for (const r of rows) {
        const what =
          r.members === undefined
            ? "environment missing"
            : r.changes
              ? formatDiff(r.changes).join(", ") || "no change"
              : `${r.members} packages`;
        io.stdout(
          `${r.g.current ? "*" : " "} ${String(r.g.number).padStart(3)}  ${r.g.created.toISOString().replace("T", " ").slice(0, 19)}  ${r.g.environment.slice(0, 16)}…  ${what}\n`,
        );
      }
    done(EXIT.ok);
  });

  withStoreOption(
    profile
      .command("diff")
      .argument(
        "<a>",
        "PROFILE@N (a generation), PROFILE (its current one), env.<sha256>, or a lockfile",
      )
      .argument("<b>", "the same kinds")
      .argument("[c]", "with three arguments: PROFILE A B, A and B generation numbers of PROFILE")
      .description("packages added, removed and changed (version, options, build) from A to B")
      .addHelpText(
        "after",
        `
Examples: pthbs profile diff main@1 main@2; pthbs profile diff main 1 2; pthbs profile diff
main@3 new/pthbs.lock.json.

Lines: + added, - removed, ~ changed (version a -> b, options, or "rebuilt" when only something
below it changed). A path to an existing file is read as a lockfile (its roots and their run/link
closure, as an environment of it would hold).

Exit status: 0 compared (whether or not they differ), 1 something named does not exist, 2 usage.`,
      ),
  ).action(
    async (first: string, second: string, third: string | undefined, _opts, cmd: Command) => {
      const opts = cmd.optsWithGlobals<StoreOptions>();
      const store = openStore(opts, env);
      // `diff PROFILE 1 2` is `diff PROFILE@1 PROFILE@2`.
      const generation = (n: string) => (/^\d+$/.test(n) ? `${first}@${n}` : n);
      const [a, b] =
        third === undefined ? [first, second] : [generation(second), generation(third)];
      if (/^\d+$/.test(a) && /^\d+$/.test(b) && !(await isFile(a)))
        throw new UsageError(
          `which profile's generations? write PROFILE@${a} PROFILE@${b}, or PROFILE ${a} ${b}`,
        );
      const d = diffMembers(await namedSet(store, a), await namedSet(store, b));
      if (opts.json) printJson(io, { a, b, ...d });
      else {
        const lines = formatDiff(d);
        io.stdout(lines.length === 0 ? "no difference\n" : `${lines.join("\n")}\n`);
      }
      done(EXIT.ok);
    },
  );
}

function generationNumber(text: string, what: string): number {
  if (!/^[1-9]\d*$/.test(text))
    throw new UsageError(`${what} takes a generation number (1, 2, …), not ${text}`);
  return Number(text);
}

/** What `switch` was given: an environment id or path, else a lockfile's members. */
async function switchTarget(
  store: Store,
  target: string,
): Promise<EnvironmentId | EnvironmentMember[]> {
  const base = basename(target);
  if (ENVIRONMENT_ID_RE.test(base) && !(await isFile(target))) return base as EnvironmentId;
  return lockfileMembers((await readStoreLockfile(target, store)).lockfile);
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

/** The members of the current generation, or undefined for a new profile. */
async function currentMembers(
  store: Store,
  p: Profile,
): Promise<readonly EnvironmentMember[] | undefined> {
  const n = await p.current();
  if (n === undefined) return undefined;
  return (await readEnvironment(store, (await p.generation(n)).environment))?.members;
}

/** The members of a diff operand (see the command's help). */
async function namedSet(store: Store, text: string): Promise<readonly EnvironmentMember[]> {
  if (await isFile(text)) return lockfileMembers((await readLockfile(text)).lockfile);
  const base = basename(text);
  if (ENVIRONMENT_ID_RE.test(base)) return environmentMembers(store, base as EnvironmentId);
  const at = text.lastIndexOf("@");
  const p = new Profile(store, at < 0 ? text : text.slice(0, at));
  const n = at < 0 ? await p.current() : generationNumber(text.slice(at + 1), text);
  if (n === undefined)
    throw new StoreError("is neither a lockfile, an environment nor a profile", text);
  return environmentMembers(store, (await p.generation(n)).environment);
}

async function environmentMembers(
  store: Store,
  id: EnvironmentId,
): Promise<readonly EnvironmentMember[]> {
  const r = await readEnvironment(store, id);
  if (!r) throw new StoreError("is not a valid environment", environmentPath(store, id));
  return r.members;
}
