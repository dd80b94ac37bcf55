/**
 * Seeded synthetic universes for the solver benchmark, as constraint-file texts.
 *
 * The shape imitates a real package set (skarnet.org's release batches, a distribution's layers):
 *
 * - **Layers.** Packages are numbered p00000…; package i depends only on packages with a smaller
 *   number, mostly from the `window` packages just below it, sometimes on one of the `core`
 *   packages (libc-like foundations). The graph is acyclic and deep: the cone of package i is most
 *   of the packages below it, so cones of every size exist.
 * - **Release batches.** Time is a sequence of `batches`. Each package is released at some batches
 *   (its versions, `major.minor.patch`); a release may change the API series (`major.minor`).
 *   When a dependency changes series, every living dependent is released again in the same batch
 *   (as skarnet.org does), and a dependent's version released at batch b needs the dependency's
 *   version of batch b or later *within that series*: `dep@1.14.3:1.14`. Old versions of a
 *   dependent need old versions of its dependencies.
 * - **Lagging packages.** A few packages stop being released before the last batch; their newest
 *   version still needs the old series of their dependencies, which holds those (and through them
 *   other dependents) back: the optimum is not "newest everywhere", so the optimiser has real work.
 * - **Options** (boolean and valued, some existing only from a version on or when another option is
 *   on), **conditional dependencies** (on version ranges and options), **option requirements on
 *   targets** (`dep +threads`), **conflicts** (with old versions of other packages, between
 *   non-default options, with the package's own options), **virtuals** with several providers
 *   (some conditional) and **deprecated** versions (now and then the newest).
 *
 * Every generated universe loads with no error and no warning, and every request naming one
 * package (without range or option) is satisfiable: choosing, at the earliest batch where some
 * lagging package stopped, each package's latest release, with default options, is a valid set —
 * conflicts only fire on non-default options that nothing forces, or against versions older than
 * that batch's.
 */
import type { ConstraintText } from "../../solver/load.js";
import { optionsTable, tomlString as quote } from "../../testing/constraint-file.js";

/** What to generate. */
export interface GenerateParams {
  readonly seed: number;
  /** Number of packages. */
  readonly packages: number;
  /** Mean number of versions per package (releases; rebuilds after a dependency's series change add some). */
  readonly versionsPerPackage: number;
  /** Mean number of options per package. */
  readonly optionsPerPackage: number;
  /** Mean number of distinct dependency targets per package. */
  readonly depsPerPackage: number;
  /** Dependencies are chosen among the `window` packages below (smaller: deeper graph). */
  readonly window: number;
  /** Number of foundation packages (no dependencies but among themselves). */
  readonly core: number;
  /** Number of release batches (time steps). */
  readonly batches: number;
  /** Number of virtual packages. */
  readonly virtuals: number;
  /** Providers per virtual. */
  readonly providersPerVirtual: number;
  /** Fraction of packages that stopped being released before the last batch. */
  readonly lagRate: number;
  /** Probability that a package release changes its API series. */
  readonly seriesChangeRate: number;
  /** Probability that a package has [[conflicts]] entries. */
  readonly conflictRate: number;
  /** Probability that a version is deprecated. */
  readonly deprecatedRate: number;
  /** Probability that an option is conditional (`when`). */
  readonly conditionalOptionRate: number;
  /** Probability that a dependency holds only with one of the package's options on. */
  readonly optionDependencyRate: number;
  /** Probability that a dependency asks an option value of its target. */
  readonly optionRequirementRate: number;
  /** Probability that a package depends on a virtual. */
  readonly virtualDependencyRate: number;
}

/** Defaults: 6 versions, 3 options, 3 dependency targets per package. */
export const DEFAULT_PARAMS: GenerateParams = {
  seed: 1,
  packages: 1000,
  versionsPerPackage: 6,
  optionsPerPackage: 3,
  depsPerPackage: 3,
  window: 150,
  core: 12,
  batches: 16,
  virtuals: 12,
  providersPerVirtual: 3,
  lagRate: 0.03,
  seriesChangeRate: 0.3,
  conflictRate: 0.15,
  deprecatedRate: 0.06,
  conditionalOptionRate: 0.25,
  optionDependencyRate: 0.15,
  optionRequirementRate: 0.1,
  virtualDependencyRate: 0.15,
};

/** Counts of what was generated. */
export interface UniverseStats {
  readonly packages: number;
  readonly versions: number;
  readonly options: number;
  readonly conditionalOptions: number;
  readonly depends: number;
  readonly conflicts: number;
  readonly virtuals: number;
  readonly providers: number;
  readonly deprecated: number;
  readonly lagging: number;
}

/** A generated universe: its files, in the documented TOML format, and what they hold. */
export interface GeneratedUniverse {
  readonly params: GenerateParams;
  readonly files: ConstraintText[];
  readonly stats: UniverseStats;
}

/** mulberry32: a small, fast, seeded 32-bit PRNG; returns floats in [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

class Random {
  private readonly next: () => number;
  constructor(seed: number) {
    this.next = mulberry32(seed);
  }
  float(): number {
    return this.next();
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  /** An integer in [lo, hi]. */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }
  pick<T>(list: readonly T[]): T {
    return list[Math.floor(this.next() * list.length)]!;
  }
  /** A count with the given mean, between 0 and about twice the mean. */
  around(mean: number): number {
    const lo = Math.floor(mean / 2);
    const hi = Math.ceil(mean * 1.5);
    return this.int(lo, hi);
  }
  hex(length: number): string {
    let s = "";
    for (let i = 0; i < length; i++) s += "0123456789abcdef"[Math.floor(this.next() * 16)];
    return s;
  }
}

type Value = boolean | string;

interface OptionModel {
  readonly name: string;
  readonly kind: "bool" | "value";
  readonly values: readonly Value[];
  readonly default: Value;
  /** The `when` text of a conditional option. */
  when?: string;
  /** The value every dependent asking for this option asks (so that they agree). */
  forced?: Value;
}

interface Release {
  readonly batch: number;
  readonly text: string;
  /** `major.minor`: dependents need the same series. */
  readonly series: string;
  readonly deprecated: boolean;
}

interface DependencyModel {
  /** Package index, or a virtual's name. */
  readonly target: number | string;
  /** First batch the dependency holds. */
  readonly since: number;
  /** First batch it no longer holds (dropped), if ever. */
  readonly until: number;
  /** `+opt` of this package the dependency holds under. */
  readonly condition?: string;
  /** An option requirement on the target (`+threads`, `ssl=bearssl`). */
  readonly requirement?: string;
  readonly type?: string;
  /** Floor at the series' first release instead of the batch's release. */
  readonly looseFloor: boolean;
}

interface PackageModel {
  readonly index: number;
  readonly name: string;
  readonly start: number;
  readonly end: number;
  readonly releases: Release[];
  readonly options: OptionModel[];
  readonly deps: DependencyModel[];
  readonly provides: string[];
  readonly conflicts: { spec: string; when?: string; msg?: string }[];
}

const BOOL_OPTIONS = [
  "static",
  "shared",
  "pic",
  "lto",
  "debug",
  "docs",
  "nls",
  "ipv6",
  "threads",
  "utmps",
  "nsss",
  "execline",
  "pkgconfig",
  "static_libc",
  "tests",
  "manpages",
  "zlib",
  "zstd",
  "xattr",
  "acl",
] as const;
const VALUED_OPTIONS: readonly { name: string; values: readonly string[] }[] = [
  { name: "ssl", values: ["none", "bearssl", "libressl", "openssl"] },
  { name: "log", values: ["syslog", "stderr", "none"] },
  { name: "alloc", values: ["libc", "mimalloc", "jemalloc"] },
  { name: "crypto", values: ["builtin", "nettle", "gcrypt"] },
  { name: "opt", values: ["O2", "Os", "O3"] },
];
const VIRTUAL_NAMES = [
  "tls",
  "sh",
  "awk",
  "libc-dev",
  "cc",
  "init",
  "syslogd",
  "pkgconf-impl",
  "editor",
  "pager",
  "dns-resolver",
  "crypto-lib",
] as const;

/** The package name of index i. */
export function packageName(i: number): string {
  return `p${String(i).padStart(5, "0")}`;
}

/** Generates a universe; the same parameters always give the same texts. */
export function generateUniverse(params: GenerateParams): GeneratedUniverse {
  const rnd = new Random(params.seed);
  const T = params.batches;
  const half = Math.floor(T / 2);
  const packages: PackageModel[] = [];

  // Virtuals: providers among the lower third of the packages; dependents must come after them.
  const virtualCount = params.virtuals;
  const virtualNames = Array.from({ length: virtualCount }, (_, v) =>
    v < VIRTUAL_NAMES.length ? VIRTUAL_NAMES[v]! : `virt${v}`,
  );
  const providersOf = new Map<string, number[]>();
  const providerBound = Math.max(params.core + 1, Math.floor(params.packages / 3));
  for (const v of virtualNames) {
    const set = new Set<number>();
    const wanted = Math.min(params.providersPerVirtual, providerBound);
    const base = rnd.int(0, Math.max(0, providerBound - 1));
    while (set.size < wanted) set.add((base + rnd.int(0, 60)) % providerBound);
    providersOf.set(
      v,
      [...set].sort((a, b) => a - b),
    );
  }
  const virtualsAfter = new Map<string, number>(
    virtualNames.map((v) => [v, Math.max(...providersOf.get(v)!)]),
  );

  // Pass 1: lifetimes, dependency targets, releases (batch rule), options.
  for (let i = 0; i < params.packages; i++) {
    const isCore = i < params.core;
    const start = isCore ? 0 : rnd.int(0, half);
    const lagging = !isCore && rnd.chance(params.lagRate);
    const end = lagging ? rnd.int(Math.ceil(T / 2), T - 2) : T - 1;

    // Dependency targets.
    const targets = new Set<number>();
    if (i > 0) {
      const wanted = Math.min(
        i,
        isCore ? rnd.int(0, 1) : Math.max(1, rnd.around(params.depsPerPackage)),
      );
      const lo = isCore ? 0 : Math.max(params.core, i - params.window);
      let guard = 0;
      while (targets.size < wanted && guard++ < 100) {
        const useCore = !isCore && rnd.chance(0.25);
        const t =
          useCore || lo >= i ? rnd.int(0, Math.min(params.core, i) - 1) : rnd.int(lo, i - 1);
        targets.add(t);
      }
    }
    const deps: DependencyModel[] = [];
    for (const t of [...targets].sort((a, b) => a - b)) {
      const target = packages[t]!;
      const since = Math.max(start, target.start);
      // A dependency is sometimes dropped by a later release.
      const until = rnd.chance(0.04) && since + 2 <= end ? rnd.int(since + 2, end) : T;
      deps.push({
        target: t,
        since,
        until,
        looseFloor: rnd.chance(0.5),
        ...(rnd.chance(0.1) && {
          type: rnd.pick(['"run"', '["build"]', '["build", "link", "run"]']),
        }),
      });
    }
    if (!isCore && rnd.chance(params.virtualDependencyRate)) {
      const usable = virtualNames.filter((v) => virtualsAfter.get(v)! < i);
      if (usable.length > 0)
        deps.push({ target: rnd.pick(usable), since: start, until: T, looseFloor: false });
    }

    // Releases: own releases, forced ones where a dependency starts, stops or changes series.
    const batches = new Set<number>([start]);
    const ownRate = Math.min(1, Math.max(0, (params.versionsPerPackage - 1) / (T - 1)) * 0.7);
    for (let b = start + 1; b <= end; b++) if (rnd.chance(ownRate)) batches.add(b);
    for (const d of deps) {
      if (d.since > start && d.since <= end) batches.add(d.since);
      if (d.until <= end) batches.add(d.until);
      if (typeof d.target === "number") {
        for (const r of packages[d.target]!.releases) {
          if (r.batch > start && r.batch <= end && r.batch >= d.since && r.batch < d.until) {
            const prev = packages[d.target]!.releases.filter((x) => x.batch < r.batch).at(-1);
            if (prev && prev.series !== r.series) batches.add(r.batch);
          }
        }
      }
    }
    const releases: Release[] = [];
    let major = rnd.int(0, 3);
    let minor = rnd.int(0, 20);
    let patch = rnd.int(0, 3);
    const sorted = [...batches].sort((x, y) => x - y);
    for (const b of sorted) {
      // A broken newest release (deprecated) is rarer than a deprecated old one.
      const newest = releases.length === sorted.length - 1;
      if (releases.length > 0) {
        if (rnd.chance(params.seriesChangeRate)) {
          if (rnd.chance(0.1)) {
            major++;
            minor = 0;
          } else minor++;
          patch = 0;
        } else patch++;
      }
      releases.push({
        batch: b,
        text: `${major}.${minor}.${patch}`,
        series: `${major}.${minor}`,
        deprecated: rnd.chance(newest ? params.deprecatedRate / 5 : params.deprecatedRate),
      });
    }

    // Options.
    const options: OptionModel[] = [];
    const count = Math.min(BOOL_OPTIONS.length, rnd.around(params.optionsPerPackage));
    const names = new Set<string>();
    while (options.length < count) {
      if (rnd.chance(0.25)) {
        const v = rnd.pick(VALUED_OPTIONS);
        if (names.has(v.name)) continue;
        names.add(v.name);
        const n = rnd.int(2, v.values.length);
        const values = v.values.slice(0, n);
        options.push({ name: v.name, kind: "value", values, default: rnd.pick(values) });
      } else {
        const name = rnd.pick(BOOL_OPTIONS);
        if (names.has(name)) continue;
        names.add(name);
        options.push({ name, kind: "bool", values: [true, false], default: rnd.chance(0.5) });
      }
    }
    for (const o of options) {
      if (!rnd.chance(params.conditionalOptionRate)) continue;
      const others = options.filter((x) => x !== o && x.kind === "bool" && x.when === undefined);
      if (others.length > 0 && rnd.chance(0.4)) o.when = `+${rnd.pick(others).name}`;
      else if (releases.length > 1) o.when = `@${rnd.pick(releases.slice(1)).text}:`;
    }
    options.sort((a, b) => (a.name < b.name ? -1 : 1));

    packages.push({
      index: i,
      name: packageName(i),
      start,
      end,
      releases,
      options,
      deps,
      provides: [],
      conflicts: [],
    });
  }

  // Provides entries: the first provider always unconditional.
  for (const [v, list] of providersOf) {
    list.forEach((idx, k) => {
      const p = packages[idx]!;
      if (k > 0 && rnd.chance(0.3) && p.releases.length > 1) {
        const from = rnd.pick(p.releases.slice(1)).text;
        p.provides.push(`{ name = ${quote(v)}, when = ${quote(`@${from}:`)} }`);
      } else p.provides.push(quote(v));
    });
  }

  // Pass 2: option conditions and option requirements of dependencies (fixes forced values).
  const withDecoration = packages.map((p) =>
    p.deps.map((d) => {
      let condition: string | undefined;
      let requirement: string | undefined;
      if (rnd.chance(params.optionDependencyRate)) {
        const bools = p.options.filter((o) => o.kind === "bool" && o.when === undefined);
        if (bools.length > 0) condition = `+${rnd.pick(bools).name}`;
      }
      if (typeof d.target === "number" && rnd.chance(params.optionRequirementRate)) {
        const target = packages[d.target]!;
        const usable = target.options.filter((o) => o.when === undefined);
        if (usable.length > 0) {
          const o = rnd.pick(usable);
          o.forced ??= rnd.pick(o.values);
          requirement =
            typeof o.forced === "boolean"
              ? `${o.forced ? "+" : "~"}${o.name}`
              : `${o.name}=${o.forced}`;
        }
      }
      return {
        ...d,
        ...(condition !== undefined && { condition }),
        ...(requirement !== undefined && { requirement }),
      };
    }),
  );
  packages.forEach((p, i) => {
    p.deps.splice(0, p.deps.length, ...withDecoration[i]!);
  });

  // Pass 3: conflicts (only on options nothing forces, at non-default values; or with versions
  // older than the ones a batch uses).
  for (const p of packages) {
    if (p.index < params.core || !rnd.chance(params.conflictRate)) continue;
    const entries = rnd.int(1, 2);
    for (let e = 0; e < entries; e++) {
      const kind = rnd.int(0, 2);
      const lo = Math.max(0, p.index - params.window);
      const other = packages[rnd.int(lo, p.index - 1)]!;
      const free = p.options.filter((o) => o.when === undefined && o.forced === undefined);
      if (kind === 0) {
        // Newer versions of p conflict with versions of `other` older than their batch's.
        const r = rnd.pick(p.releases);
        const older = other.releases.filter((x) => x.batch <= r.batch);
        if (older.length < 2) continue;
        const x = older[rnd.int(0, older.length - 2)]!;
        p.conflicts.push({
          spec: `${other.name}@:${x.text}`,
          ...(r !== p.releases[0] && { when: `@${r.text}:` }),
          msg: `${other.name} up to ${x.text} installs a file ${p.name} also installs`,
        });
      } else if (free.length > 0) {
        const o = rnd.pick(free);
        const nonDefault = o.values.filter((v) => v !== o.default);
        const when = optionText(o.name, rnd.pick(nonDefault));
        const targetOptions = (kind === 1 ? other : p).options.filter(
          (x) => x.when === undefined && x.name !== o.name,
        );
        if (targetOptions.length === 0) continue;
        const t = rnd.pick(targetOptions);
        const target = kind === 1 ? other : p;
        p.conflicts.push({
          spec: `${target.name} ${optionText(t.name, rnd.pick(t.values))}`,
          when,
          ...(rnd.chance(0.5) && { msg: "these builds do not go together" }),
        });
      }
    }
  }

  // Texts.
  const files: ConstraintText[] = packages.map((p) => ({
    path: `constraints/${p.name}.toml`,
    text: render(p, packages, rnd),
  }));
  const stats: UniverseStats = {
    packages: packages.length,
    versions: packages.reduce((n, p) => n + p.releases.length, 0),
    options: packages.reduce((n, p) => n + p.options.length, 0),
    conditionalOptions: packages.reduce(
      (n, p) => n + p.options.filter((o) => o.when !== undefined).length,
      0,
    ),
    depends: files.reduce((n, f) => n + count(f.text, "[[depends]]"), 0),
    conflicts: packages.reduce((n, p) => n + p.conflicts.length, 0),
    virtuals: virtualCount,
    providers: [...providersOf.values()].reduce((n, l) => n + l.length, 0),
    deprecated: packages.reduce((n, p) => n + p.releases.filter((r) => r.deprecated).length, 0),
    lagging: packages.filter((p) => p.end < T - 1).length,
  };
  return { params, files, stats };
}

function count(text: string, needle: string): number {
  let n = 0;
  let at = text.indexOf(needle);
  while (at >= 0) {
    n++;
    at = text.indexOf(needle, at + needle.length);
  }
  return n;
}

function optionText(name: string, value: Value): string {
  return typeof value === "boolean" ? `${value ? "+" : "~"}${name}` : `${name}=${value}`;
}

/** `@a:b` over consecutive releases `from..to` (indices into ascending releases); "" for all. */
function releaseRange(releases: readonly Release[], from: number, to: number): string {
  const last = releases.length - 1;
  if (from === 0 && to === last) return "";
  if (from === to) return `@=${releases[from]!.text}`;
  const lo = from === 0 ? "" : releases[from]!.text;
  const hi = to === last ? "" : releases[to]!.text;
  return `@${lo}:${hi}`;
}

function render(p: PackageModel, packages: readonly PackageModel[], rnd: Random): string {
  const lines: string[] = [`name = ${quote(p.name)}`, `summary = "synthetic package ${p.index}"`];
  if (p.provides.length > 0) lines.push(`provides = [${p.provides.join(", ")}]`);
  lines.push(...optionsTable(p.options));
  // Newest first, as people write them.
  for (const r of [...p.releases].reverse()) {
    lines.push("", `[versions.${quote(r.text)}]`);
    if (rnd.chance(0.2)) {
      lines.push(
        `source = { git = "https://example.org/${p.name}.git", commit = ${quote(rnd.hex(40))} }`,
      );
    } else {
      lines.push(
        `source = { url = "https://example.org/${p.name}/${p.name}-${r.text}.tar.gz", sha256 = ${quote(rnd.hex(64))} }`,
      );
    }
    if (r.deprecated) lines.push("deprecated = true");
  }
  for (const d of p.deps) {
    // One entry per run of consecutive releases that need the same thing.
    const needs = p.releases.map((r) => {
      if (r.batch < d.since || r.batch >= d.until) return undefined;
      if (typeof d.target === "string") return d.target;
      const target = packages[d.target]!;
      const current = target.releases.filter((x) => x.batch <= r.batch).at(-1)!;
      const floor = d.looseFloor
        ? target.releases.find((x) => x.series === current.series)!
        : current;
      const spec = `${target.name}@${floor.text}:${current.series}`;
      return d.requirement ? `${spec} ${d.requirement}` : spec;
    });
    let k = 0;
    while (k < needs.length) {
      const spec = needs[k];
      let j = k;
      while (j + 1 < needs.length && needs[j + 1] === spec) j++;
      if (spec !== undefined) {
        const when = [releaseRange(p.releases, k, j), d.condition ?? ""].filter((s) => s).join(" ");
        lines.push("", "[[depends]]", `spec = ${quote(spec)}`);
        if (when) lines.push(`when = ${quote(when)}`);
        if (d.type) lines.push(`type = ${d.type}`);
      }
      k = j + 1;
    }
  }
  for (const c of p.conflicts) {
    lines.push("", "[[conflicts]]", `spec = ${quote(c.spec)}`);
    if (c.when) lines.push(`when = ${quote(c.when)}`);
    if (c.msg) lines.push(`msg = ${quote(c.msg)}`);
  }
  return `${lines.join("\n")}\n`;
}
