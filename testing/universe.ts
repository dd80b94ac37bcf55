/**
 * fast-check arbitraries for small random universes (as constraint-file texts, in the documented
 * TOML format) and for requests drawn from them: the inputs the solver and the oracle are compared
 * on.
 *
 * Every generated universe loads through `loadConstraintTexts` without errors (warnings, such as a
 * range no declared version falls in, are allowed): specs only name declared packages, virtuals,
 * options and values. Requests follow the rules of a valid request (validate-request): package
 * items use the package's options, virtual items have no range or options, externals named after a
 * package with no constraint file have no options, provider preferences list actual providers.
 */
import fc from "fast-check";
import { type ConstraintText, loadConstraintTexts } from "../solver/load.js";
import { VersionRange } from "../solver/range.js";
import {
  COMMAND_LINE,
  type External,
  type Request,
  type RequestItem,
  type ReuseChoice,
} from "../solver/request.js";
import { type OptionValue, parseSpec } from "../solver/spec.js";
import type { Package, PackageOption, Universe } from "../solver/universe.js";
import { Version } from "../solver/version.js";
import { optionsTable, tomlString as quote } from "./constraint-file.js";
import { builtConfigurations } from "./oracle.js";

/** One hash for every source: only its shape matters here. */
export const FAKE_SHA256 = "5d2bc8bc7ae2bb31e5cfd3e3b1a2c9e0f4d6a8b0c2e4f6a8b0c2d4e6f8a0b2c4";

/** The versions packages pick theirs from. */
export const VERSION_POOL = ["1.0", "1.1", "2.0", "2.1"] as const;
const OPTION_NAMES = ["a", "b"] as const;
const VALUE_POOL = ["x", "y", "z"] as const;
/** Names of external packages without a constraint file. */
export const EXTERNAL_ONLY_NAMES = ["x0", "x1"] as const;

export interface UniverseArbOptions {
  /** At least this many packages; default 1. */
  readonly minPackages?: number;
  /** At most this many packages, p0…; default 6. */
  readonly maxPackages?: number;
  /** At least this many versions per package; default 1. */
  readonly minVersions?: number;
  /** At most this many versions per package; default 4 (at most 4). */
  readonly maxVersions?: number;
  /** At least this many options per package; default 0. */
  readonly minOptions?: number;
  /** At most this many options per package; default 2 (at most 2). */
  readonly maxOptions?: number;
  /** At most this many virtual packages, v0…; default 3. */
  readonly maxVirtuals?: number;
  /** At most this many `[[depends]]` entries per package; default 3. */
  readonly maxDepends?: number;
  /** At most this many `[[conflicts]]` entries per package; default 2. */
  readonly maxConflicts?: number;
}

type Gen = fc.GeneratorValue;

/**
 * `fc.gen()` with a draw beside it. `fc.gen()` alone takes no value from the random source when it
 * is generated (its values are drawn later, from a copy), so a `.filter` that rejects a value would
 * be handed the very same value again, forever.
 */
const generator = (): fc.Arbitrary<Gen> => fc.tuple(fc.nat(), fc.gen()).map(([, g]) => g);

interface OptionModel {
  readonly name: string;
  readonly values: readonly OptionValue[];
  readonly kind: "bool" | "value";
  readonly default: OptionValue;
  when?: string;
}

interface PackageModel {
  readonly name: string;
  /** Newest first. */
  readonly versions: readonly string[];
  readonly deprecated: ReadonlySet<string>;
  readonly options: readonly OptionModel[];
}

const pick = <T>(g: Gen, list: readonly T[]): T => list[g(fc.nat, list.length - 1)]!;
/** True `percent` times in 100; false when shrunk (towards 0), so shrinking drops what it adds. */
const chance = (g: Gen, percent: number): boolean => g(fc.nat, 99) >= 100 - percent;
const subset = <T>(g: Gen, list: readonly T[], min: number, max: number): T[] =>
  g(fc.shuffledSubarray<T>, [...list], { minLength: min, maxLength: Math.min(max, list.length) });

/** A version range built from declared versions: prefix, exact, open or closed, or a union. */
function rangeText(g: Gen, versions: readonly string[]): string {
  const one = (): string => {
    const v = pick(g, versions);
    switch (g(fc.nat, 5)) {
      case 0:
        return v;
      case 1:
        return `=${v}`;
      case 2:
        return `${v}:`;
      case 3:
        return `:${v}`;
      case 4:
        return v.split(".")[0]!;
      default: {
        const w = pick(g, versions);
        const [lo, hi] = Version.parse(v).compare(Version.parse(w)) <= 0 ? [v, w] : [w, v];
        return `${lo}:${hi}`;
      }
    }
  };
  return chance(g, 15) ? `${one()},${one()}` : one();
}

/** An option requirement of `pkg` (`+a`, `~a`, `a=x`), with a declared value. */
function optionText(
  g: Gen,
  option: { name: string; kind: string; values: readonly OptionValue[] },
): string {
  const value = pick(g, option.values);
  return typeof value === "boolean"
    ? `${value ? "+" : "~"}${option.name}`
    : `${option.name}=${value}`;
}

/** A `when` condition of `pkg`: a range of its versions, one of its options, or both. */
function conditionText(g: Gen, pkg: PackageModel): string {
  const withRange = pkg.options.length === 0 || chance(g, 50);
  const withOption = pkg.options.length > 0 && (!withRange || chance(g, 35));
  const parts: string[] = [];
  if (withRange) parts.push(`@${rangeText(g, pkg.versions)}`);
  if (withOption) parts.push(optionText(g, pick(g, pkg.options)));
  return parts.join(" ");
}

/** A spec naming `pkg`, sometimes with a range and an option requirement. */
function specText(g: Gen, pkg: PackageModel): string {
  let text = pkg.name;
  if (chance(g, 45)) text += `@${rangeText(g, pkg.versions)}`;
  if (pkg.options.length > 0 && chance(g, 35)) {
    const o = optionText(g, pick(g, pkg.options));
    text += o.startsWith("+") && chance(g, 30) ? o : ` ${o}`;
  }
  return text;
}

/**
 * Random small universes as constraint-file texts (`constraints/pN.toml`): packages p0…p5 with
 * versions from 1.0/1.1/2.0/2.1 (some deprecated), up to 2 options each (boolean, or 2–3 values;
 * some existing only for a version range or a value of the other option), virtuals v0…v2 provided
 * by 1–3 packages (sometimes conditionally), `[[depends]]` entries (ranges, option requirements,
 * `when` conditions, virtuals, the package itself) and `[[conflicts]]` entries (the package itself,
 * virtuals, and sometimes x0/x1, names only an external can have: a warning, not an error).
 */
export function arbUniverseFiles(opts: UniverseArbOptions = {}): fc.Arbitrary<ConstraintText[]> {
  const maxPackages = opts.maxPackages ?? 6;
  const minPackages = Math.min(opts.minPackages ?? 1, maxPackages);
  const maxVersions = Math.min(opts.maxVersions ?? 4, VERSION_POOL.length);
  const maxOptions = Math.min(opts.maxOptions ?? 2, OPTION_NAMES.length);
  const minVersions = Math.max(1, Math.min(opts.minVersions ?? 1, maxVersions));
  const minOptions = Math.min(opts.minOptions ?? 0, maxOptions);
  const maxVirtuals = opts.maxVirtuals ?? 3;
  const maxDepends = opts.maxDepends ?? 3;
  const maxConflicts = opts.maxConflicts ?? 2;
  return generator().map((g) => {
    const count = g(fc.integer, { min: minPackages, max: maxPackages });
    const packages: PackageModel[] = [];
    for (let i = 0; i < count; i++) {
      const versions = subset(g, VERSION_POOL, minVersions, maxVersions).sort((a, b) =>
        Version.parse(b).compare(Version.parse(a)),
      );
      const deprecated = new Set(versions.filter(() => chance(g, 20)));
      const options: OptionModel[] = subset(g, OPTION_NAMES, minOptions, maxOptions)
        .sort()
        .map((name) => {
          if (chance(g, 60))
            return { name, kind: "bool", values: [true, false], default: g(fc.boolean) };
          const values = subset(g, VALUE_POOL, 2, 3);
          return { name, kind: "value", values, default: pick(g, values) };
        });
      packages.push({ name: `p${i}`, versions, deprecated, options });
    }
    // Conditional options: on a version range, or on a value of the other option.
    for (const pkg of packages) {
      for (const option of pkg.options) {
        if (!chance(g, 30)) continue;
        const others = pkg.options.filter((o) => o.name !== option.name);
        option.when =
          others.length > 0 && chance(g, 40)
            ? optionText(g, pick(g, others))
            : `@${rangeText(g, pkg.versions)}`;
      }
    }
    // Virtuals and their providers.
    const provides = new Map<string, string[]>(packages.map((p) => [p.name, []]));
    const virtuals: string[] = [];
    const virtualCount = g(fc.integer, { min: 0, max: maxVirtuals });
    for (let v = 0; v < virtualCount; v++) {
      const name = `v${v}`;
      virtuals.push(name);
      for (const provider of subset(g, packages, 1, 3)) {
        const entry = chance(g, 25)
          ? `{ name = ${quote(name)}, when = ${quote(conditionText(g, provider))} }`
          : quote(name);
        provides.get(provider.name)!.push(entry);
      }
    }

    return packages.map((pkg): ConstraintText => {
      const lines: string[] = [`name = ${quote(pkg.name)}`];
      const provided = provides.get(pkg.name)!;
      if (provided.length > 0) lines.push(`provides = [${provided.join(", ")}]`);
      lines.push(...optionsTable(pkg.options));
      // Declared in a random order: the loader sorts them.
      for (const v of subset(g, pkg.versions, pkg.versions.length, pkg.versions.length)) {
        lines.push(
          "",
          `[versions.${quote(v)}]`,
          `source = { url = ${quote(`https://example.org/${pkg.name}-${v}.tar.gz`)}, sha256 = ${quote(FAKE_SHA256)} }`,
        );
        if (pkg.deprecated.has(v)) lines.push("deprecated = true");
      }
      const dependsCount = g(fc.integer, { min: 0, max: maxDepends });
      for (let d = 0; d < dependsCount; d++) {
        const spec =
          virtuals.length > 0 && chance(g, 25) ? pick(g, virtuals) : specText(g, pick(g, packages));
        lines.push("", "[[depends]]", `spec = ${quote(spec)}`);
        if (chance(g, 35)) lines.push(`when = ${quote(conditionText(g, pkg))}`);
        if (chance(g, 15))
          lines.push(`type = ${pick(g, ['"run"', '["build"]', '["build", "link", "run"]'])}`);
      }
      const conflictsCount = chance(g, 50) ? 0 : g(fc.integer, { min: 0, max: maxConflicts });
      for (let c = 0; c < conflictsCount; c++) {
        const roll = g(fc.nat, 99);
        const spec =
          roll < 30
            ? specText(g, pkg)
            : roll < 40 && virtuals.length > 0
              ? pick(g, virtuals)
              : roll < 45
                ? pick(g, EXTERNAL_ONLY_NAMES)
                : specText(g, pick(g, packages));
        lines.push("", "[[conflicts]]", `spec = ${quote(spec)}`);
        // A plain self-conflict (the package can never be present) only now and then.
        if (chance(g, spec === pkg.name ? 90 : 40))
          lines.push(`when = ${quote(conditionText(g, pkg))}`);
        if (chance(g, 20)) lines.push(`msg = "they do not go together"`);
      }
      return { path: `constraints/${pkg.name}.toml`, text: `${lines.join("\n")}\n` };
    });
  });
}

const packageModel = (pkg: Package): PackageModel => ({
  name: pkg.name,
  versions: pkg.versions.map((v) => v.version.text),
  deprecated: new Set(pkg.versions.filter((v) => v.deprecated).map((v) => v.version.text)),
  options: pkg.options.map((o: PackageOption) => ({
    name: o.name,
    kind: o.kind,
    values: o.values,
    default: o.default,
  })),
});

/** What a request may hold beyond its items (all of it by default). */
export interface RequestArbOptions {
  /** Externals (packages of the universe, or x0/x1 with no constraint file); default true. */
  readonly externals?: boolean;
  /** Provider and version preferences; default true. */
  readonly preferences?: boolean;
  /** A lockfile to stay close to; default true. */
  readonly reuse?: boolean;
}

/** Above this many candidate configurations, a reused one is drawn instead of listed. */
const MAX_ENUMERATED = 4096;

/** How many configurations `builtConfigurations` would consider: versions × (values + none)… */
const configurationCount = (pkg: Package): number =>
  pkg.options.reduce((n, o) => n * (o.values.length + 1), pkg.versions.length);

/**
 * Random requests on `universe`: 1–3 items (a package, with a range of its versions and an option
 * requirement sometimes; a virtual; or an external-only package), up to 2 externals (a package of
 * the universe or x0/x1; a declared or new version; prefix /usr; declared options; sometimes
 * providing a virtual), provider preferences, version preferences and a lockfile to reuse (random
 * configurations, sometimes external, sometimes impossible).
 */
export function arbRequestFor(
  universe: Universe,
  opts: RequestArbOptions = {},
): fc.Arbitrary<Request> {
  const packages = [...universe.packages.values()];
  const virtuals = [...universe.virtuals.keys()];
  const { externals: withExternals = true, preferences = true, reuse: withReuse = true } = opts;
  return generator().map((g): Request => {
    // Externals.
    const externals: External[] = [];
    const externalCount = withExternals && chance(g, 35) ? g(fc.integer, { min: 1, max: 2 }) : 0;
    const externalNames = subset(
      g,
      [...packages.map((p) => p.name), ...EXTERNAL_ONLY_NAMES],
      externalCount,
      externalCount,
    );
    for (const name of externalNames) {
      const pkg = universe.packages.get(name);
      const version =
        pkg && chance(g, 60) ? pick(g, pkg.versions).version.text : pick(g, ["0.9", "1.0", "3.0"]);
      const options = new Map<string, OptionValue>();
      if (pkg) {
        for (const o of pkg.options) if (chance(g, 50)) options.set(o.name, pick(g, o.values));
      }
      const provides = virtuals.length > 0 && chance(g, 40) ? subset(g, virtuals, 1, 2).sort() : [];
      externals.push({
        name,
        version: Version.parse(version),
        prefix: pick(g, ["/usr", "/usr/local", "/opt/host"]),
        options,
        provides,
        location: COMMAND_LINE,
      });
    }
    const externalOnly = externals.filter((e) => !universe.packages.has(e.name)).map((e) => e.name);
    const allVirtuals = [...new Set([...virtuals, ...externals.flatMap((e) => e.provides)])].sort();

    // Items.
    const items: RequestItem[] = [];
    const itemCount = g(fc.integer, { min: 1, max: 3 });
    for (let i = 0; i < itemCount; i++) {
      const roll = g(fc.nat, 99);
      let text: string;
      if (roll < 20 && allVirtuals.length > 0) text = pick(g, allVirtuals);
      else if (roll < 27 && externalOnly.length > 0) {
        const name = pick(g, externalOnly);
        const e = externals.find((x) => x.name === name)!;
        text = chance(g, 40) ? `${name}@${chance(g, 50) ? e.version.text : "1:"}` : name;
      } else text = specText(g, packageModel(pick(g, packages)));
      items.push({ spec: parseSpec(text, "named"), text, location: COMMAND_LINE });
    }

    // Provider preferences: some providers of a virtual, in a random order.
    const providerPreferences = new Map<string, string[]>();
    for (const virtual of preferences ? allVirtuals : []) {
      if (!chance(g, 30)) continue;
      const providers = [
        ...(universe.virtuals.get(virtual) ?? []).map((p) => p.package),
        ...externals.filter((e) => e.provides.includes(virtual)).map((e) => e.name),
      ];
      const unique = [...new Set(providers)];
      if (unique.length > 0) providerPreferences.set(virtual, subset(g, unique, 1, 3));
    }

    // Version preferences.
    const versionPreferences = new Map<string, VersionRange>();
    for (const pkg of preferences ? subset(g, packages, 0, 2) : []) {
      if (!chance(g, 50)) continue;
      versionPreferences.set(
        pkg.name,
        VersionRange.parse(
          rangeText(
            g,
            pkg.versions.map((v) => v.version.text),
          ),
        ),
      );
    }

    // A lockfile: random configurations of some packages.
    let reuse: Map<string, ReuseChoice> | undefined;
    if (withReuse && chance(g, 35)) {
      reuse = new Map();
      for (const pkg of subset(g, packages, 1, 3)) {
        const external = externals.find((e) => e.name === pkg.name);
        if (external && chance(g, 40)) {
          reuse.set(pkg.name, {
            version: external.version.text,
            options: new Map(external.options),
            external: true,
          });
          continue;
        }
        const configs = configurationCount(pkg) <= MAX_ENUMERATED ? builtConfigurations(pkg) : [];
        if (configs.length === 0 && configurationCount(pkg) > MAX_ENUMERATED) {
          // Too many to list: a version and a value for every option (maybe not a valid one).
          reuse.set(pkg.name, {
            version: pick(g, pkg.versions).version.text,
            options: new Map(pkg.options.map((o) => [o.name, pick(g, o.values)])),
            external: false,
          });
          continue;
        }
        if (configs.length === 0 || chance(g, 10)) {
          reuse.set(pkg.name, { version: "0.1", options: new Map(), external: false });
          continue;
        }
        const c = pick(g, configs);
        reuse.set(pkg.name, {
          version: c.version.text,
          options: new Map(c.options),
          external: false,
        });
      }
      if (chance(g, 10)) reuse.set("gone", { version: "1.0", options: new Map(), external: false });
    }

    return {
      items,
      externals,
      providerPreferences,
      versionPreferences,
      ...(reuse && { reuse }),
    };
  });
}

/** A universe (its files and the loaded value) and a request on it. */
export interface Problem {
  readonly files: ConstraintText[];
  readonly universe: Universe;
  readonly request: Request;
}

/** Loads generated files; throws if the loader reports an error (the generator's bug). */
export function loadGenerated(files: readonly ConstraintText[]): Universe {
  const result = loadConstraintTexts(files);
  const errors = result.diagnostics.filter((d) => d.severity === "error");
  if (errors.length > 0) {
    throw new Error(
      `generated universe does not load:\n${errors.map((d) => `${d.file}:${d.line}:${d.column} ${d.message}`).join("\n")}`,
    );
  }
  return result.universe;
}

/** A random universe and a random request on it. */
export function arbProblem(opts: UniverseArbOptions = {}): fc.Arbitrary<Problem> {
  return arbUniverseFiles(opts).chain((files) => {
    const universe = loadGenerated(files);
    return arbRequestFor(universe).map((request) => ({ files, universe, request }));
  });
}
