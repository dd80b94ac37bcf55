/**
 * Garbage collection. Roots: every generation of every profile, every registered lockfile, and
 * every build in progress. Live: the roots' environments, their members and what those use at
 * run or link time, transitively (build-only dependencies too with `keepBuildDeps`, as Nix's
 * keep-outputs), and every package of a root lockfile. Everything else under the root — store
 * paths, leftovers of killed builds, environments, and with `sources` cached sources — is deleted.
 *
 * All of it runs under the root's gc lock, which profile switches and build starts also take, so
 * no root appears while gc decides. A path whose build lock is held is never deleted; a valid
 * path loses its record before its files, so it is never seen valid and half-deleted.
 */
import { createHash } from "node:crypto";
import { lstat, readdir, readFile, readlink, rm, symlink } from "node:fs/promises";
import { join, resolve } from "node:path";
import { parseScriptHeader } from "../generator/header.js";
import type { Lockfile } from "../generator/lockfile.js";
import { readLockfile } from "../generator/lockfile-json.js";
import { parseStoreId, type StoreId } from "../generator/store.js";
import {
  type EnvironmentId,
  environmentIds,
  environmentPath,
  readEnvironment,
  removeEnvironment,
} from "./environment.js";
import { StoreError } from "./errors.js";
import { Lock } from "./lock.js";
import { removeTree } from "./permissions.js";
import { listProfiles, Profile } from "./profile.js";
import type { Store } from "./store.js";

/** What to collect. */
export interface GcOptions {
  /** Report only: delete nothing, register nothing. */
  readonly dryRun?: boolean;
  /** Delete all but the N newest generations of each profile first (never the current one). */
  readonly keepGenerations?: number;
  /** Lockfiles to register as roots (kept registered: `<root>/gcroots/`). */
  readonly rootLocks?: readonly string[];
  /** Also delete cached sources that no live path needs. */
  readonly sources?: boolean;
  /** Keep the build-only dependencies of live paths too. */
  readonly keepBuildDeps?: boolean;
}

/** One thing deleted (or, in a dry run, to be deleted). */
export interface GcEntry {
  readonly kind: "generation" | "environment" | "path" | "leftover" | "source";
  /** A store id, environment id, `profile generation`, or source hash. */
  readonly name: string;
  readonly path: string;
  /** Disk space it took (blocks used). */
  readonly bytes: number;
}

/** What a collection found and did. */
export interface GcReport {
  readonly dryRun: boolean;
  readonly roots: {
    readonly generations: number;
    readonly lockfiles: readonly string[];
    readonly building: readonly StoreId[];
  };
  /** Registered lockfiles that no longer exist (unregistered, unless a dry run). */
  readonly danglingRoots: readonly string[];
  readonly live: { readonly paths: number; readonly environments: number };
  readonly deleted: readonly GcEntry[];
  readonly bytes: number;
}

/** Collects garbage under a store root. */
export function collectGarbage(store: Store, options: GcOptions = {}): Promise<GcReport> {
  return store.withGcLock(() => collect(store, options));
}

async function collect(store: Store, options: GcOptions): Promise<GcReport> {
  const dryRun = options.dryRun ?? false;
  const deleted: GcEntry[] = [];

  // Generations beyond --keep-generations go first: what only they kept becomes garbage.
  const generations: { profile: Profile; number: number; environment: EnvironmentId }[] = [];
  for (const name of await listProfiles(store)) {
    const profile = new Profile(store, name);
    const all = await profile.generations();
    const keep = options.keepGenerations;
    const doomed =
      keep === undefined
        ? []
        : all.slice(0, Math.max(0, all.length - keep)).filter((g) => !g.current);
    for (const g of doomed)
      deleted.push({
        kind: "generation",
        name: `${name} ${g.number}`,
        path: profile.generationPath(g.number),
        bytes: 0,
      });
    if (!dryRun && doomed.length > 0) await profile.deleteGenerations(doomed.map((g) => g.number));
    for (const g of all)
      if (!doomed.includes(g))
        generations.push({ profile, number: g.number, environment: g.environment });
  }

  const { lockfiles, dangling } = await rootLockfiles(store, options.rootLocks ?? [], dryRun);
  const liveEnvironments = new Set(generations.map((g) => g.environment));
  const seeds: StoreId[] = [];
  for (const id of liveEnvironments) {
    const record = await readEnvironment(store, id);
    // A generation whose environment is not valid cannot be switched to; it keeps nothing.
    if (record) for (const m of record.members) seeds.push(m.id);
  }
  for (const lockfile of lockfiles.values())
    for (const p of lockfile.packages) if (p.id) seeds.push(p.id);
  const building = await buildsInProgress(store);
  // A running build needs all its dependencies, build-only ones included.
  for (const id of building) seeds.push(id, ...(await scriptDependencies(store, id, true)));
  const live = await closure(store, seeds, options.keepBuildDeps ?? false);

  for (const name of (await readdir(store.storeDir).catch(() => [] as string[])).sort()) {
    const id = name as StoreId;
    if (live.has(id) || !parseStoreId(name)) continue;
    const entry = await deletePath(store, id, dryRun);
    if (entry) deleted.push(entry);
  }
  // Records and script copies whose directory is gone (a crash between deletions).
  for (const id of await recordedIds(store))
    if (!live.has(id) && !(await existsPath(store.path(id)))) {
      const entry = await deletePath(store, id, dryRun);
      if (entry) deleted.push(entry);
    }

  for (const id of await environmentIds(store)) {
    if (liveEnvironments.has(id)) continue;
    const path = environmentPath(store, id);
    deleted.push({ kind: "environment", name: id, path, bytes: await diskUsage(path) });
    if (!dryRun) await removeEnvironment(store, id);
  }

  if (options.sources)
    deleted.push(...(await deleteSources(store, live, [...lockfiles.values()], dryRun)));
  if (!dryRun) await store.removeStaleTemp();
  return {
    dryRun,
    roots: { generations: generations.length, lockfiles: [...lockfiles.keys()], building },
    danglingRoots: dangling,
    live: { paths: live.size, environments: liveEnvironments.size },
    deleted,
    bytes: deleted.reduce((n, e) => n + e.bytes, 0),
  };
}

/**
 * Registers lockfiles as roots and reads every registered one, sorted by file; each must be for
 * this store (checked before registering).
 */
async function rootLockfiles(
  store: Store,
  add: readonly string[],
  dryRun: boolean,
): Promise<{ lockfiles: Map<string, Lockfile>; dangling: string[] }> {
  const dir = join(store.root, "gcroots");
  const read = async (file: string): Promise<Lockfile> => {
    const { lockfile } = await readLockfile(file);
    if (lockfile.store !== store.storeDir)
      throw new StoreError(
        `a root lockfile for another store (${lockfile.store})${add.includes(file) ? "" : `: unregister it (rm its link in ${dir})`}`,
        file,
      );
    return lockfile;
  };
  const lockfiles = new Map<string, Lockfile>();
  for (const f of add) {
    const abs = resolve(f);
    lockfiles.set(abs, await read(abs));
    const link = join(dir, createHash("sha256").update(abs).digest("hex").slice(0, 32));
    if (!dryRun)
      await symlink(abs, link).catch((e: NodeJS.ErrnoException) => {
        if (e.code !== "EEXIST") throw e;
      });
  }
  const dangling: string[] = [];
  for (const n of await readdir(dir).catch(() => [] as string[])) {
    const link = join(dir, n);
    const target = await readlink(link).catch(() => undefined);
    if (target === undefined || lockfiles.has(target)) continue;
    if (await existsPath(target)) lockfiles.set(target, await read(target));
    else {
      dangling.push(target);
      if (!dryRun) await rm(link, { force: true });
    }
  }
  const sorted = new Map([...lockfiles].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  return { lockfiles: sorted, dangling: dangling.sort() };
}

/** Paths being built now: a script copy without a record, whose lock someone holds. */
async function buildsInProgress(store: Store): Promise<StoreId[]> {
  const out: StoreId[] = [];
  for (const id of await recordedIds(store)) {
    if (await store.isValid(id)) continue;
    const lock = await Lock.tryAcquire(store.lockPath(id), store.lockTiming);
    if (lock) await lock.release();
    else out.push(id);
  }
  return out;
}

/** Ids that have a validity record or a script copy. */
async function recordedIds(store: Store): Promise<StoreId[]> {
  const ids = new Set<string>();
  for (const [dir, ext] of [
    [join(store.root, "db", "valid"), ".json"],
    [join(store.root, "db", "scripts"), ".sh"],
  ] as const)
    for (const n of await readdir(dir).catch(() => [] as string[]))
      if (n.endsWith(ext) && parseStoreId(n.slice(0, -ext.length)))
        ids.add(n.slice(0, -ext.length));
  return [...ids].sort() as StoreId[];
}

/** Every store path the seeds use, following each script's dependencies. */
async function closure(
  store: Store,
  seeds: readonly StoreId[],
  keepBuildDeps: boolean,
): Promise<Set<StoreId>> {
  const live = new Set<StoreId>();
  const todo = [...seeds];
  while (todo.length > 0) {
    const id = todo.pop() as StoreId;
    if (live.has(id)) continue;
    live.add(id);
    todo.push(...(await scriptDependencies(store, id, keepBuildDeps)));
  }
  return live;
}

/**
 * The store paths a path's script names: those used at run or link time, or all of them. With
 * no script copy (a record from an older pthbs), every path its record names.
 */
async function scriptDependencies(store: Store, id: StoreId, all: boolean): Promise<StoreId[]> {
  let text: string;
  try {
    text = await readFile(store.scriptPath(id), "utf8");
  } catch {
    const record = await store.record(id);
    return record ? store.dependencyIds(record.depends.map((path) => ({ path }))) : [];
  }
  return store.dependencyIds(
    parseScriptHeader(text).depends.filter(
      (d) => all || d.types.includes("link") || d.types.includes("run"),
    ),
  );
}

/**
 * Deletes one store path under its lock (skipped, undefined, when a build holds it): record,
 * then files, script copy and log.
 */
async function deletePath(
  store: Store,
  id: StoreId,
  dryRun: boolean,
): Promise<GcEntry | undefined> {
  const lock = await Lock.tryAcquire(store.lockPath(id), store.lockTiming);
  if (!lock) return undefined;
  try {
    const valid = await store.isValid(id);
    const path = store.path(id);
    const entry: GcEntry = {
      kind: valid ? "path" : "leftover",
      name: id,
      path,
      bytes: await diskUsage(path),
    };
    if (!dryRun) {
      await rm(store.recordPath(id), { force: true });
      await removeTree(path);
      await rm(store.scriptPath(id), { force: true });
      await rm(store.logPath(id), { force: true });
    }
    return entry;
  } finally {
    await lock.release();
  }
}

/** Cached sources (files by sha256, git archives and clones) that no live path or root needs. */
async function deleteSources(
  store: Store,
  live: ReadonlySet<StoreId>,
  lockfiles: readonly Lockfile[],
  dryRun: boolean,
): Promise<GcEntry[]> {
  const needed = new Set<string>();
  const need = (s: { kind: string; url: string; sha256?: string; commit?: string }) => {
    if (s.kind === "git") {
      needed.add(`${s.commit}.tar`);
      needed.add(createHash("sha256").update(s.url).digest("hex"));
    } else if (s.sha256) needed.add(s.sha256);
  };
  for (const id of live) {
    const text = await readFile(store.scriptPath(id), "utf8").catch(() => undefined);
    if (text === undefined) continue;
    const h = parseScriptHeader(text);
    for (const s of [h.source, ...h.resources]) need(s);
  }
  for (const lockfile of lockfiles)
    for (const p of lockfile.packages)
      for (const s of [...(p.source ? [p.source] : []), ...p.resources]) need(s);
  const out: GcEntry[] = [];
  for (const sub of ["sha256", "git"]) {
    const dir = join(store.root, "sources", sub);
    for (const n of (await readdir(dir).catch(() => [] as string[])).sort()) {
      if (needed.has(n) || n.includes(".tmp-")) continue;
      const path = join(dir, n);
      out.push({ kind: "source", name: n, path, bytes: await diskUsage(path) });
      if (!dryRun) await rm(path, { recursive: true, force: true });
    }
  }
  return out;
}

async function existsPath(path: string): Promise<boolean> {
  try {
    await lstat(path);
    return true;
  } catch {
    return false;
  }
}

/** Blocks used by a tree (never following symlinks), in bytes. */
export async function diskUsage(path: string): Promise<number> {
  let st: Awaited<ReturnType<typeof lstat>>;
  try {
    st = await lstat(path);
  } catch {
    return 0;
  }
  let total = Number(st.blocks) * 512;
  if (st.isDirectory())
    for (const n of await readdir(path).catch(() => [] as string[]))
      total += await diskUsage(join(path, n));
  return total;
}
