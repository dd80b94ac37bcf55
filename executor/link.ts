/**
 * Linking store paths into an environment: a symlink forest, like a Nix profile, a Spack view or
 * GNU Stow. Two phases, as Stow does it: `planLinks` reads every member's tree and decides every
 * path — finding every collision — without writing anything; `writeLinks` writes a plan that has
 * none into a new directory, which the caller then renames into place (so an environment appears
 * whole or not at all).
 *
 * Packages are read with lstat semantics: a symbolic link inside a package is an entry like a file,
 * whose identity is its target text; it is linked to, never followed.
 */
import { mkdirSync, readdirSync, type Stats, statSync, symlinkSync } from "node:fs";
import { lstat, mkdir, readlink, rm } from "node:fs/promises";
import { isAbsolute, resolve } from "node:path";
import { PthbsError } from "../common/errors.js";
import { CollisionError, StoreError } from "./errors.js";
import { fileSha256 } from "./tree-hash.js";

/** How an environment links its members' files. */
export type LinkPolicy = "files" | "fold";

/** A package to link: its name (for messages and `--prefer`) and its store path (absolute directory). */
export interface LinkMember {
  readonly name: string;
  readonly path: string;
}

/** Two or more members shipping one relative path with different content (or a file where another has a directory). */
export interface Collision {
  /** Relative, `/`-separated. */
  readonly path: string;
  /** Every member having the path, sorted by name; `path` is the absolute entry in the store. */
  readonly owners: readonly { readonly name: string; readonly path: string }[];
  /** `type`: a directory in one member, not a directory in another; `content`: non-directories that differ. */
  readonly reason: "content" | "type";
}

/** What an environment will contain, computed without writing anything. */
export interface LinkPlan {
  readonly policy: LinkPolicy;
  /** Directories to create (relative, parents first). Sorted, deterministic. */
  readonly dirs: readonly string[];
  /**
   * Symlinks: relative path -> absolute target in the owner's store path. Sorted by path. With
   * unresolved collisions, holds what the environment would contain without the collided paths.
   */
  readonly links: readonly {
    readonly path: string;
    readonly target: string;
    readonly owner: string;
  }[];
  /** Every collision not resolved by `prefer`, sorted by path. */
  readonly collisions: readonly Collision[];
  /**
   * Paths where `prefer` chose an owner, for reporting, sorted by path; `others` are the owners
   * whose entry there is dropped (members whose entry is identical to the owner's are not listed;
   * when the owner has a directory, the other members' directories still merge with it).
   */
  readonly resolved: readonly {
    readonly path: string;
    readonly owner: string;
    readonly others: readonly string[];
  }[];
}

/**
 * Content comparisons (lstat, readlink, hashing) in flight at once. Directory listings and the
 * writes are synchronous calls instead: thousands of tiny metadata operations cost less one after
 * the other than through the thread pool (bench/README.md, "Environments": 30–40 % less time).
 */
const IN_FLIGHT = 32;

/** What a member has at a path, as readdir's file type tells it (no stat needed). */
type Kind = "dir" | "file" | "link" | "other";

/** One member's entry at a path; `m` indexes the members sorted by name. */
interface Entry {
  readonly m: number;
  readonly kind: Kind;
}

/** Runs `f` with at most `n` calls in flight; a freed slot passes straight to the next waiter. */
function limiter(n: number): <T>(f: () => Promise<T>) => Promise<T> {
  let active = 0;
  const waiting: (() => void)[] = [];
  return async (f) => {
    if (active < n) active++;
    else await new Promise<void>((wake) => waiting.push(wake));
    try {
      return await f();
    } finally {
      const next = waiting.shift();
      if (next) next();
      else active--;
    }
  };
}

/** Plans made by `planLinks` (well-formed by construction): only others are checked before writing. */
const planned = new WeakSet<LinkPlan>();

/** Code-unit order: the same on every machine and locale. */
function byString(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Decides every path of the environment made of `members`, reading their trees but writing
 * nothing. `prefer` lists member names, highest priority first: a collision with an owner in it
 * goes to the earliest-listed one; names that are not members are ignored. The plan is the same
 * whatever the order of `members`.
 */
export async function planLinks(
  members: readonly LinkMember[],
  policy: LinkPolicy,
  prefer: readonly string[],
): Promise<LinkPlan> {
  const sorted = [...members].sort((a, b) => byString(a.name, b.name));
  for (let i = 1; i < sorted.length; i++)
    if (sorted[i]!.name === sorted[i - 1]!.name)
      throw new PthbsError(`two members of the environment are named ${sorted[i]!.name}`);
  const names = sorted.map((m) => m.name);
  // A normalised root (no trailing slash) so that targets are `root + "/" + rel`.
  const roots = sorted.map((m) => resolve(m.path));
  for (const m of sorted)
    if (!isAbsolute(m.path))
      throw new PthbsError(`member ${m.name}: store path is not absolute: ${m.path}`);
  const limit = limiter(IN_FLIGHT);
  for (const [i, root] of roots.entries()) {
    let st: Stats | undefined;
    try {
      st = statSync(root);
    } catch {
      st = undefined;
    }
    if (!st?.isDirectory()) throw new StoreError(`member ${names[i]} is not a directory`, root);
  }
  const rank = new Map<string, number>();
  for (const [i, p] of prefer.entries()) if (!rank.has(p)) rank.set(p, i);

  const abs = (m: number, rel: string): string => `${roots[m]}/${rel}`;
  const dirs: string[] = [];
  const links: { path: string; target: string; owner: string }[] = [];
  const collisions: Collision[] = [];
  const resolved: { path: string; owner: string; others: string[] }[] = [];

  const link = (rel: string, m: number): void => {
    links.push({ path: rel, target: abs(m, rel), owner: names[m]! });
  };

  /**
   * A directory several members (or, under "files", one member) have: create it and decide each
   * child. With `emit` false (below an unresolved collision) only collisions are collected, so
   * that one run reports them all.
   */
  const walk = async (rel: string, owners: readonly number[], emit: boolean): Promise<void> => {
    const listings = owners.map((m) =>
      readdirSync(rel === "" ? roots[m]! : abs(m, rel), { withFileTypes: true }),
    );
    const children = new Map<string, Entry[]>();
    for (const [i, listing] of listings.entries())
      for (const d of listing) {
        const kind: Kind = d.isDirectory()
          ? "dir"
          : d.isSymbolicLink()
            ? "link"
            : d.isFile()
              ? "file"
              : "other";
        const entry = { m: owners[i]!, kind };
        const list = children.get(d.name);
        if (list) list.push(entry);
        else children.set(d.name, [entry]);
      }
    // The common case, one owner, is decided here without a promise per entry.
    const pending: Promise<void>[] = [];
    for (const [name, entries] of children) {
      const path = rel === "" ? name : `${rel}/${name}`;
      const only = entries.length === 1 ? entries[0]! : undefined;
      if (only && (only.kind !== "dir" || policy === "fold")) {
        if (emit) link(path, only.m);
      } else pending.push(decide(path, entries, emit));
    }
    await Promise.all(pending);
  };

  /** A directory that `owners` (sorted) have: one link when folding a single owner's, else walked. */
  const directory = (rel: string, owners: readonly number[], emit: boolean): Promise<void> => {
    if (owners.length === 1 && policy === "fold") {
      if (emit) link(rel, owners[0]!);
      return Promise.resolve();
    }
    if (emit) dirs.push(rel);
    return walk(rel, owners, emit);
  };

  /** One path and every member's entry there (in member order). */
  const decide = async (rel: string, entries: readonly Entry[], emit: boolean): Promise<void> => {
    const dirOwners = entries.filter((e) => e.kind === "dir").map((e) => e.m);
    const files = entries.filter((e) => e.kind !== "dir");
    if (files.length === 0) return directory(rel, dirOwners, emit);
    if (files.length === 1 && dirOwners.length === 0) {
      if (emit) link(rel, files[0]!.m);
      return;
    }
    const groups = files.length === 1 ? [[files[0]!.m]] : await sameContent(rel, files);
    if (dirOwners.length === 0 && groups.length === 1) {
      // Identical everywhere: not a collision; the first member by name is linked.
      if (emit) link(rel, groups[0]![0]!);
      return;
    }
    let winner: number | undefined;
    for (const e of entries) {
      const r = rank.get(names[e.m]!);
      if (r !== undefined && (winner === undefined || r < rank.get(names[winner]!)!)) winner = e.m;
    }
    if (winner === undefined) {
      collisions.push({
        path: rel,
        owners: entries.map((e) => ({ name: names[e.m]!, path: abs(e.m, rel) })),
        reason: dirOwners.length > 0 ? "type" : "content",
      });
      // What lies below the directories collides too if a directory is chosen: report it now.
      if (dirOwners.length > 1) await walk(rel, dirOwners, false);
      return;
    }
    const kept = dirOwners.includes(winner) ? dirOwners : groups.find((g) => g.includes(winner))!;
    if (emit)
      resolved.push({
        path: rel,
        owner: names[winner]!,
        others: entries.filter((e) => !kept.includes(e.m)).map((e) => names[e.m]!),
      });
    if (dirOwners.includes(winner)) return directory(rel, dirOwners, emit);
    if (emit) link(rel, winner);
  };

  /**
   * Partitions non-directory entries into groups of identical content, in member order: symbolic
   * links by target text; regular files by size and executable bit first, then by the sha256 of
   * their bytes (a file hard-linked into several members is read once); other kinds (devices,
   * fifos) are never identical.
   */
  const sameContent = async (rel: string, files: readonly Entry[]): Promise<number[][]> => {
    const seen = await Promise.all(
      files.map(async (e): Promise<{ key: string; inode?: string }> => {
        if (e.kind === "link") return { key: `l:${await limit(() => readlink(abs(e.m, rel)))}` };
        if (e.kind === "other") return { key: `o:${e.m}` };
        const st = await limit(() => lstat(abs(e.m, rel)));
        return { key: `f:${st.mode & 0o100 ? "x" : "-"}:${st.size}`, inode: `${st.dev}:${st.ino}` };
      }),
    );
    const count = new Map<string, number>();
    for (const { key } of seen) count.set(key, (count.get(key) ?? 0) + 1);
    const hashes = new Map<string, Promise<string>>();
    const content = await Promise.all(
      seen.map(async ({ key, inode }, i): Promise<string> => {
        // Alone with its size and bit (or not a file): no need to read it.
        if (inode === undefined || count.get(key) === 1) return key;
        let h = hashes.get(inode);
        if (!h) {
          const file = abs(files[i]!.m, rel);
          h = limit(() => fileSha256(file));
          hashes.set(inode, h);
        }
        return `${key}:${await h}`;
      }),
    );
    const groups = new Map<string, number[]>();
    for (const [i, e] of files.entries()) {
      const g = groups.get(content[i]!);
      if (g) g.push(e.m);
      else groups.set(content[i]!, [e.m]);
    }
    return [...groups.values()];
  };

  await walk(
    "",
    sorted.map((_, i) => i),
    true,
  );
  dirs.sort(byString);
  links.sort((a, b) => byString(a.path, b.path));
  collisions.sort((a, b) => byString(a.path, b.path));
  resolved.sort((a, b) => byString(a.path, b.path));
  // Frozen, so that a plan trusted by writeLinks cannot have been changed since.
  for (const l of links) Object.freeze(l);
  const plan: LinkPlan = Object.freeze({
    policy,
    dirs: Object.freeze(dirs),
    links: Object.freeze(links),
    collisions: Object.freeze(collisions),
    resolved: Object.freeze(resolved),
  });
  planned.add(plan);
  return plan;
}

/**
 * Writes a plan into `dir`, which must not exist (created here, with its parents; the caller
 * renames it into place). Refuses a plan with collisions (`CollisionError`) before creating
 * anything; if writing fails, removes `dir` again, so it is whole or absent.
 */
export async function writeLinks(plan: LinkPlan, dir: string): Promise<void> {
  if (plan.collisions.length > 0) throw new CollisionError(plan.collisions);
  if (!planned.has(plan)) checkPlan(plan);
  await mkdir(resolve(dir, ".."), { recursive: true });
  try {
    await mkdir(dir);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "EEXIST")
      throw new StoreError("already exists: an environment is written into a new directory", dir);
    throw e;
  }
  try {
    // Directories level by level (each level's parents exist), then every link.
    const levels: string[][] = [];
    for (const d of plan.dirs) {
      const depth = d.split("/").length - 1;
      const level = levels[depth] ?? [];
      levels[depth] = level;
      level.push(d);
    }
    for (const level of levels) if (level) for (const d of level) mkdirSync(`${dir}/${d}`);
    for (const l of plan.links) symlinkSync(l.target, `${dir}/${l.path}`);
  } catch (e) {
    await rm(dir, { recursive: true, force: true });
    throw e;
  }
}

/**
 * A plan is plain data, possibly built by hand: check that every path stays inside the
 * environment and that every entry's parent is a directory the plan creates. Otherwise a link
 * below a folded directory's link would be written through it, into the store.
 */
function checkPlan(plan: LinkPlan): void {
  const dirs = new Set<string>([""]);
  const parentOk = (p: string): boolean => dirs.has(p.slice(0, Math.max(0, p.lastIndexOf("/"))));
  const plain = (p: string): boolean =>
    p.split("/").every((c) => c !== "" && c !== "." && c !== "..");
  for (const d of plan.dirs) {
    if (!plain(d) || !parentOk(d) || dirs.has(d)) throw new Error(`malformed link plan: dir ${d}`);
    dirs.add(d);
  }
  const paths = new Set<string>();
  for (const l of plan.links) {
    if (!plain(l.path) || !parentOk(l.path) || dirs.has(l.path) || paths.has(l.path))
      throw new Error(`malformed link plan: link ${l.path}`);
    paths.add(l.path);
  }
}
