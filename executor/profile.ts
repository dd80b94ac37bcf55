/**
 * Profiles: named symlinks to numbered generations, as in Nix. Under `<root>/profiles/`:
 *
 *     NAME          -> NAME-3-link        (relative: the profile, what users put on PATH)
 *     NAME-3-link   -> <root>/envs/env.…  (a generation: an environment, never changed)
 *
 * A switch creates generation N+1 and then replaces NAME with a symlink made aside, by `rename`,
 * which is atomic: whenever the process is killed, NAME is exactly the old or the new generation.
 * A generation's date is its link's own time (lstat), as Nix reads it.
 */
import { randomBytes } from "node:crypto";
import { lstat, open, readdir, readlink, rename, rm, symlink } from "node:fs/promises";
import { basename, join } from "node:path";
import {
  type CreatedEnvironment,
  ENVIRONMENT_ID_RE,
  type EnvironmentId,
  type EnvironmentMember,
  type EnvironmentOptions,
  environmentPath,
  readEnvironment,
  realiseEnvironment,
} from "./environment.js";
import { StoreError } from "./errors.js";
import type { Store } from "./store.js";

/** What a profile name may look like (it becomes a file name next to its generations). */
export const PROFILE_NAME_RE = /^[A-Za-z0-9][A-Za-z0-9_.+-]*$/;

/** One generation of a profile. */
export interface ProfileGeneration {
  readonly number: number;
  readonly environment: EnvironmentId;
  /** When the generation was made. */
  readonly created: Date;
  /** Whether the profile points at it now. */
  readonly current: boolean;
}

/** Steps of a switch, in order, reported to `onStep` (tests kill the process at each). */
export type SwitchStep = "generation-linked" | "profile-linked-aside" | "profile-renamed";

/** A profile of a store root; holds no state beyond its paths. */
export class Profile {
  /** The profile's symlink: `<root>/profiles/<name>`. */
  readonly path: string;
  private readonly dir: string;

  constructor(
    readonly store: Store,
    readonly name: string,
  ) {
    if (!PROFILE_NAME_RE.test(name) || /-\d+-link$/.test(name))
      throw new StoreError(
        "not a profile name: use letters, digits and . _ + - (and not ending in -N-link)",
        name,
      );
    this.dir = join(store.root, "profiles");
    this.path = join(this.dir, name);
  }

  /** The link of generation `n`. */
  generationPath(n: number): string {
    return join(this.dir, `${this.name}-${n}-link`);
  }

  /** The generation the profile points at, or undefined when it does not exist yet. */
  async current(): Promise<number | undefined> {
    let target: string;
    try {
      target = await readlink(this.path);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "ENOENT") return undefined;
      throw new StoreError(`not a profile symlink: ${(e as Error).message}`, this.path);
    }
    const n = generationOf(this.name, basename(target));
    if (n === undefined)
      throw new StoreError(`points at ${target}, which is not one of its generations`, this.path);
    return n;
  }

  /** Every generation, oldest first. */
  async generations(): Promise<ProfileGeneration[]> {
    const current = await this.current();
    const out: ProfileGeneration[] = [];
    for (const n of await readdir(this.dir).catch(() => [] as string[])) {
      const number = generationOf(this.name, n);
      if (number === undefined) continue;
      const link = join(this.dir, n);
      const target = await readlink(link);
      const environment = basename(target);
      if (!ENVIRONMENT_ID_RE.test(environment))
        throw new StoreError(`points at ${target}, which is not an environment`, link);
      const created = (await lstat(link)).mtime;
      out.push({
        number,
        environment: environment as EnvironmentId,
        created,
        current: number === current,
      });
    }
    return out.sort((a, b) => a.number - b.number);
  }

  /** The generation numbered `n`, or a `StoreError` listing the ones there are. */
  async generation(n: number): Promise<ProfileGeneration> {
    const all = await this.generations();
    const g = all.find((x) => x.number === n);
    if (!g)
      throw new StoreError(
        `has no generation ${n} (it has ${all.map((x) => x.number).join(", ") || "none"})`,
        this.path,
      );
    return g;
  }

  /**
   * Makes generation N+1 (N the highest so far) point at an environment — an existing one, or
   * one linked here from members — and the profile at it. Holds the gc lock throughout, so the
   * environment cannot be collected between being made and becoming a root.
   */
  switchTo(
    target: EnvironmentId | readonly EnvironmentMember[],
    options: EnvironmentOptions & {
      readonly onStep?: (step: SwitchStep) => void | Promise<void>;
    } = {},
  ): Promise<{ readonly generation: ProfileGeneration; readonly environment: CreatedEnvironment }> {
    return this.store.withGcLock(async () => {
      let environment: CreatedEnvironment;
      if (typeof target === "string") {
        const record = await readEnvironment(this.store, target);
        if (!record)
          throw new StoreError(
            "is not a valid environment: make it with pthbs env, or switch to a lockfile",
            environmentPath(this.store, target),
          );
        environment = {
          record,
          path: environmentPath(this.store, target),
          created: false,
          resolved: [],
        };
      } else environment = await realiseEnvironment(this.store, target, options);
      const onStep = options.onStep ?? (() => {});
      const lock = await this.store.lockFile(`profile-${this.name}`);
      try {
        await this.removeAsideLinks();
        const all = await this.generations();
        const number = (all.at(-1)?.number ?? 0) + 1;
        // symlink() is atomic by itself: the generation exists whole or not at all.
        await symlink(environment.path, this.generationPath(number));
        await onStep("generation-linked");
        await this.point(number, onStep);
        return { generation: await this.generation(number), environment };
      } finally {
        await lock.release();
      }
    });
  }

  /** Points the profile at an existing generation: `--to N`, or else the one before the current. */
  rollback(to?: number): Promise<{ readonly from: number; readonly to: ProfileGeneration }> {
    return this.store.withGcLock(async () => {
      const lock = await this.store.lockFile(`profile-${this.name}`);
      try {
        const from = await this.current();
        if (from === undefined)
          throw new StoreError("does not exist: switch to something first", this.path);
        const all = await this.generations();
        const target =
          to === undefined
            ? all.filter((g) => g.number < from).at(-1)
            : all.find((g) => g.number === to);
        if (!target)
          throw new StoreError(
            to === undefined
              ? `is at generation ${from}, and there is none before it`
              : `has no generation ${to} (it has ${all.map((g) => g.number).join(", ")})`,
            this.path,
          );
        await this.point(target.number);
        return { from, to: { ...target, current: true } };
      } finally {
        await lock.release();
      }
    });
  }

  /**
   * Deletes generations (never the current one). For gc, which holds the gc lock; environments
   * they leave unreferenced are its to remove.
   */
  async deleteGenerations(numbers: readonly number[]): Promise<void> {
    const lock = await this.store.lockFile(`profile-${this.name}`);
    try {
      const current = await this.current();
      for (const n of numbers) {
        if (n === current)
          throw new StoreError(`generation ${n} is current: not deleted`, this.path);
        await rm(this.generationPath(n), { force: true });
      }
      await syncDirectory(this.dir);
    } finally {
      await lock.release();
    }
  }

  /** The atomic step: a new profile link made aside, renamed over the old one, made durable. */
  private async point(
    number: number,
    onStep: (step: SwitchStep) => void | Promise<void> = () => {},
  ): Promise<void> {
    const aside = join(
      this.dir,
      `.${this.name}.aside-${process.pid}-${randomBytes(4).toString("hex")}`,
    );
    await symlink(basename(this.generationPath(number)), aside);
    await onStep("profile-linked-aside");
    await rename(aside, this.path);
    await onStep("profile-renamed");
    await syncDirectory(this.dir);
  }

  /** Removes links a killed switch left aside (they were never the profile). */
  private async removeAsideLinks(): Promise<void> {
    const prefix = `.${this.name}.aside-`;
    for (const n of await readdir(this.dir).catch(() => [] as string[]))
      if (n.startsWith(prefix)) await rm(join(this.dir, n), { force: true });
  }
}

/** The names of every profile of a root, sorted. */
export async function listProfiles(store: Store): Promise<string[]> {
  const dir = join(store.root, "profiles");
  const out: string[] = [];
  for (const n of await readdir(dir).catch(() => [] as string[]))
    if (!n.startsWith(".") && !/-\d+-link$/.test(n) && PROFILE_NAME_RE.test(n)) out.push(n);
  return out.sort();
}

/** Flushes a directory's entries to disk, so that a rename survives a power cut. */
async function syncDirectory(dir: string): Promise<void> {
  const fh = await open(dir, "r");
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

/** The number in `<profile>-<n>-link`, or undefined for any other name. */
function generationOf(profile: string, file: string): number | undefined {
  if (!file.startsWith(`${profile}-`) || !file.endsWith("-link")) return undefined;
  const n = file.slice(profile.length + 1, -"-link".length);
  return /^[1-9]\d*$/.test(n) ? Number(n) : undefined;
}
