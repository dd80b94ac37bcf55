/**
 * Environments: symlink forests of a package set, named `env.<sha256>` after their members and
 * link policy, never modified once built. An environment is valid when its directory and its
 * record (`db/envs/<id>.json`) both exist; the directory is written aside and renamed into place,
 * then the record is written, so a creation killed at any moment leaves nothing valid.
 */
import { createHash, randomBytes } from "node:crypto";
import { readdir, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { OptionValue } from "../common/options.js";
import type { Lockfile } from "../generator/lockfile.js";
import type { StoreId } from "../generator/store.js";
import { CollisionError, StoreError } from "./errors.js";
import { type LinkPlan, type LinkPolicy, planLinks, writeLinks } from "./link.js";
import { makeReadOnly, removeTree } from "./permissions.js";
import type { Store } from "./store.js";

/** An environment's id: `env.<64 hex>`. */
export type EnvironmentId = string & { readonly __environmentId: never };

/** What an environment id looks like. */
export const ENVIRONMENT_ID_RE = /^env\.[0-9a-f]{64}$/;

/** The link policy used when none is asked for (bench/README.md says why). */
export const DEFAULT_LINK_POLICY: LinkPolicy = "fold";

/** One package of an environment: enough to tell people what changed between two of them. */
export interface EnvironmentMember {
  readonly name: string;
  readonly version: string;
  /** Every option of the configuration, sorted by name. */
  readonly options: Readonly<Record<string, OptionValue>>;
  readonly id: StoreId;
}

/** What an environment is made of: the input of its hash. */
export interface EnvironmentSpec {
  /** Sorted by name; names are unique. */
  readonly members: readonly EnvironmentMember[];
  readonly policy: LinkPolicy;
  /** Package names that win collisions, highest priority first (only members are kept). */
  readonly prefer: readonly string[];
}

/** The record of a valid environment (`db/envs/<id>.json`). */
export interface EnvironmentRecord extends EnvironmentSpec {
  readonly format: 1;
  readonly id: EnvironmentId;
  /** How many symlinks and directories it holds. */
  readonly links: number;
  readonly dirs: number;
}

/** The result of `createEnvironment`. */
export interface CreatedEnvironment {
  readonly record: EnvironmentRecord;
  /** The environment's directory. */
  readonly path: string;
  /** False when it was valid already. */
  readonly created: boolean;
  /** Collisions that `prefer` settled. */
  readonly resolved: LinkPlan["resolved"];
  /** With `dryRun`: what would be linked. */
  readonly plan?: LinkPlan;
}

/**
 * The members of a lockfile's environment: its roots and everything they use at run or link
 * time, transitively; build-only dependencies and host externals are not linked.
 */
export function lockfileMembers(lock: Lockfile): EnvironmentMember[] {
  const byName = new Map(lock.packages.map((p) => [p.name, p]));
  const seen = new Set<string>();
  const todo = [...lock.roots];
  const out: EnvironmentMember[] = [];
  while (todo.length > 0) {
    const name = todo.pop() as string;
    if (seen.has(name)) continue;
    seen.add(name);
    const p = byName.get(name);
    if (!p) throw new StoreError(`the lockfile names ${name} but has no entry for it`, lock.store);
    for (const d of p.depends)
      if (d.types.includes("link") || d.types.includes("run")) todo.push(d.name);
    if (p.external) continue;
    if (!p.id)
      throw new StoreError(
        `${name} has no id: the lockfile was not written by pthbs generate`,
        lock.store,
      );
    out.push({
      name,
      version: p.version,
      options: Object.fromEntries([...p.options].sort(([a], [b]) => (a < b ? -1 : 1))),
      id: p.id,
    });
  }
  return out.sort((a, b) => (a.name < b.name ? -1 : 1));
}

/** The spec of an environment, normalised: members sorted, `prefer` kept to members, in order. */
export function environmentSpec(
  members: readonly EnvironmentMember[],
  policy: LinkPolicy,
  prefer: readonly string[],
): EnvironmentSpec {
  const sorted = [...members].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (let i = 1; i < sorted.length; i++)
    if (sorted[i - 1]?.name === sorted[i]?.name)
      throw new StoreError(`two members are named ${sorted[i]?.name}`, "environment");
  const names = new Set(sorted.map((m) => m.name));
  const kept: string[] = [];
  for (const p of prefer) if (names.has(p) && !kept.includes(p)) kept.push(p);
  return { members: sorted, policy, prefer: kept };
}

/**
 * The id of an environment: sha256 over its sorted member ids, its link policy and the
 * preferences that may settle collisions. Versions and options are not hashed separately:
 * every member id already hashes its whole build script.
 */
export function environmentId(spec: EnvironmentSpec): EnvironmentId {
  const text = JSON.stringify({
    format: 1,
    policy: spec.policy,
    prefer: spec.prefer,
    members: spec.members.map((m) => m.id),
  });
  return `env.${createHash("sha256").update(text).digest("hex")}` as EnvironmentId;
}

/** Where environments and their records live under a store root. */
export function environmentPath(store: Store, id: EnvironmentId): string {
  return join(store.root, "envs", id);
}

function recordPath(store: Store, id: EnvironmentId): string {
  return join(store.root, "db", "envs", `${id}.json`);
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return false;
    throw e;
  }
}

/** The record of a valid environment, or undefined (no record, or its directory is gone). */
export async function readEnvironment(
  store: Store,
  id: EnvironmentId,
): Promise<EnvironmentRecord | undefined> {
  let text: string;
  try {
    text = await readFile(recordPath(store, id), "utf8");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw e;
  }
  if (!(await exists(environmentPath(store, id)))) return undefined;
  try {
    return JSON.parse(text) as EnvironmentRecord;
  } catch (e) {
    throw new StoreError(
      `unreadable environment record: ${(e as Error).message}`,
      recordPath(store, id),
    );
  }
}

/** Every environment directory or record under the root, valid or not, sorted. */
export async function environmentIds(store: Store): Promise<EnvironmentId[]> {
  const ids = new Set<string>();
  for (const n of await readdir(join(store.root, "envs")).catch(() => [] as string[]))
    if (ENVIRONMENT_ID_RE.test(n)) ids.add(n);
  for (const n of await readdir(join(store.root, "db", "envs")).catch(() => [] as string[]))
    if (n.endsWith(".json") && ENVIRONMENT_ID_RE.test(n.slice(0, -5))) ids.add(n.slice(0, -5));
  return [...ids].sort() as EnvironmentId[];
}

/**
 * Deletes an environment: the record first, so that it is never valid half-deleted. The caller
 * holds the gc lock (nothing may start using it meanwhile).
 */
export async function removeEnvironment(store: Store, id: EnvironmentId): Promise<void> {
  await rm(recordPath(store, id), { force: true });
  await removeTree(environmentPath(store, id));
}

/** Options of `createEnvironment`. */
export interface EnvironmentOptions {
  readonly policy?: LinkPolicy;
  readonly prefer?: readonly string[];
  /** Plan and check only: write nothing. */
  readonly dryRun?: boolean;
}

/**
 * Links a package set into its environment, unless that is valid already, holding the root's gc
 * lock. Every member must be valid in the store. Every collision is found before anything is
 * written; any left after `prefer` throws `CollisionError`.
 */
export function createEnvironment(
  store: Store,
  members: readonly EnvironmentMember[],
  options: EnvironmentOptions = {},
): Promise<CreatedEnvironment> {
  return store.withGcLock(() => realiseEnvironment(store, members, options));
}

/**
 * `createEnvironment` for a caller that holds the gc lock already (and goes on to make the
 * environment a root, before gc may see it unreferenced).
 */
export async function realiseEnvironment(
  store: Store,
  members: readonly EnvironmentMember[],
  options: EnvironmentOptions = {},
): Promise<CreatedEnvironment> {
  const spec = environmentSpec(
    members,
    options.policy ?? DEFAULT_LINK_POLICY,
    options.prefer ?? [],
  );
  const id = environmentId(spec);
  const path = environmentPath(store, id);
  const valid = await readEnvironment(store, id);
  if (valid && !options.dryRun) return { record: valid, path, created: false, resolved: [] };
  const missing: string[] = [];
  for (const m of spec.members) if (!(await store.isValid(m.id))) missing.push(store.path(m.id));
  if (missing.length > 0)
    throw new StoreError(
      `${missing.length} member(s) not built yet:\n  ${missing.join("\n  ")}\n  build them first (pthbs build with the same lockfile or specs and --root ${store.root})`,
      store.storeDir,
    );
  const plan = await planLinks(
    spec.members.map((m) => ({ name: m.name, path: store.path(m.id) })),
    spec.policy,
    spec.prefer,
  );
  if (plan.collisions.length > 0) throw new CollisionError(plan.collisions);
  const record: EnvironmentRecord = {
    format: 1,
    id,
    ...spec,
    links: plan.links.length,
    dirs: plan.dirs.length,
  };
  if (options.dryRun)
    return { record: valid ?? record, path, created: !valid, resolved: plan.resolved, plan };
  await store.init();
  const lock = await store.lockFile(id);
  let scratch: string | undefined;
  try {
    const again = await readEnvironment(store, id);
    if (again) return { record: again, path, created: false, resolved: plan.resolved };
    await removeEnvironment(store, id); // what a killed creation left
    scratch = await store.tempDir(id);
    await writeLinks(plan, join(scratch, "env"));
    await rename(join(scratch, "env"), path);
    await makeReadOnly(path);
    const tmp = `${recordPath(store, id)}.tmp-${process.pid}-${randomBytes(4).toString("hex")}`;
    await writeFile(tmp, `${JSON.stringify(record, null, 2)}\n`, { flush: true });
    await rename(tmp, recordPath(store, id));
    return { record, path, created: true, resolved: plan.resolved };
  } finally {
    if (scratch) await rm(scratch, { recursive: true, force: true });
    await lock.release();
  }
}
