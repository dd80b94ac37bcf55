/**
 * The shipped recipes on the shipped constraints: every version with a covering sample of
 * options renders and passes `sh -n`; every option changes the build steps; one golden script
 * per recipe family; hostile values rendered into every recipe and run under /bin/sh never run.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { RecipeError } from "../generator/errors.js";
import { HEADER_PREFIX, parseScriptHeader } from "../generator/header.js";
import type { LockedPackage } from "../generator/lockfile.js";
import { RecipeSet } from "../generator/recipes.js";
import { type LocatedPackage, renderScript } from "../generator/script.js";
import { makeValue } from "../generator/shell.js";
import { loadUniverse } from "../solver/load.js";
import type { Package, Universe } from "../solver/universe.js";
import { syntaxErrors } from "../testing/sh.js";
import { hostileFilename, hostileString, runs } from "./arbitraries-hostile.js";
import { defaults, optionSamples, STORE, withDependencies } from "./configurations.js";
import { runWithStubs } from "./sh.js";

const CONSTRAINTS = new URL("../constraints", import.meta.url).pathname;
const RECIPES = new URL("../recipes", import.meta.url).pathname;
const GOLDEN = new URL("./golden", import.meta.url).pathname;

let universe: Universe;
let recipes: RecipeSet;
beforeAll(async () => {
  universe = await loadUniverse(CONSTRAINTS);
  recipes = new RecipeSet(RECIPES);
});

const body = (text: string) =>
  text
    .split("\n")
    .filter((l) => !l.startsWith(HEADER_PREFIX))
    .join("\n");

const render = (p: LockedPackage, deps: ReadonlyMap<string, LocatedPackage>) =>
  renderScript(p, deps, STORE, recipes);

describe("shipped recipes", () => {
  it("render every version of every package with a covering sample of options, and sh -n accepts each", () => {
    const scripts: { name: string; text: string }[] = [];
    for (const pkg of universe.packages.values())
      for (const v of pkg.versions)
        optionSamples(pkg, v).forEach((options, variant) => {
          const { package: p, dependencies } = withDependencies(universe, pkg, v, options, variant);
          const script = render(p, dependencies);
          const label = `${pkg.name}@${v.version.text} ${[...options].map(([k, x]) => `${k}=${x}`).join(" ")}`;
          expect(script.text.startsWith(`#!/bin/sh\n${HEADER_PREFIX}format 1\n`), label).toBe(true);
          expect(script.text, label).toContain("\nset -eu\n");
          expect(script.text, label).toContain('"$out"');
          expect(script.text, label).not.toContain(script.id);
          expect(parseScriptHeader(script.text).version).toBe(v.version.text);
          scripts.push({ name: label, text: script.text });
        });
    // 191 versions of 15 packages; the count grows with the constraint files.
    expect(scripts.length).toBeGreaterThan(1000);
    // The header is comment lines only (one printable-ASCII line each, test/header.test.ts), so a
    // script parses exactly when its text without them does: check each distinct text once.
    const distinct = new Map(scripts.map((s) => [body(s.text), s.name]));
    expect(syntaxErrors([...distinct].map(([text, name]) => ({ name, text })))).toEqual([]);
  }, 60_000);

  it("honour every option: each value of each option changes the build steps, not only the header", () => {
    for (const pkg of universe.packages.values())
      for (const v of pkg.versions) {
        const base = defaults(pkg, v);
        const steps = (options: ReadonlyMap<string, boolean | string>) => {
          const { package: p, dependencies } = withDependencies(universe, pkg, v, options, 0);
          return body(render(p, dependencies).text);
        };
        const reference = steps(base);
        for (const name of base.keys()) {
          const option = pkg.options.find((o) => o.name === name)!;
          for (const value of option.values.filter((x) => x !== option.default))
            expect(
              steps(new Map([...base, [name, value]])),
              `${pkg.name}@${v.version.text}: ${name}=${String(value)} does not change the build`,
            ).not.toBe(reference);
        }
      }
  }, 30_000);

  /** One package per recipe family, at a version whose sources are release tarballs. */
  const FAMILIES: [family: string, name: string, version: string][] = [
    ["skarnet", "s6", "2.13.1.0"],
    ["skarnet-skalibs", "skalibs", "2.14.3.0"],
    ["busybox", "busybox", "1.35.0"],
    ["gnu-make", "gnu-make", "4.4.1"],
    ["musl", "musl", "1.2.5"],
    ["musl-cross-make", "musl-cross-make", "0.9.11"],
    ["linux-headers", "linux-headers", "4.19.88-2"],
  ];

  it.each(FAMILIES)(
    "match the golden script of %s (UPDATE_GOLDEN=1 rewrites it)",
    (family, name, version) => {
      const pkg = universe.packages.get(name)!;
      const v = pkg.versions.find((x) => x.version.text === version)!;
      const { package: p, dependencies } = withDependencies(universe, pkg, v, defaults(pkg, v), 0);
      const text = render(p, dependencies).text;
      const file = join(GOLDEN, `${family}.sh`);
      if (process.env.UPDATE_GOLDEN) {
        mkdirSync(GOLDEN, { recursive: true });
        writeFileSync(file, text);
      }
      expect(existsSync(file), `${file} is missing: run with UPDATE_GOLDEN=1`).toBe(true);
      expect(text).toBe(readFileSync(file, "utf8"));
    },
  );
});

/** Every recipe, one package each. */
const REPRESENTATIVES = [
  "skalibs",
  "s6-networking",
  "busybox",
  "gnu-make",
  "musl",
  "musl-cross-make",
  "linux-headers",
];

/** A package made hostile: version, string option values, URLs, file names, external versions. */
interface Hostility {
  readonly version: string;
  readonly values: readonly string[];
  readonly urls: readonly string[];
  readonly filenames: readonly string[];
}

const hostility: fc.Arbitrary<Hostility> = fc.record({
  version: hostileString,
  values: fc.array(hostileString, { minLength: 4, maxLength: 4 }),
  urls: fc.array(hostileString, { minLength: 8, maxLength: 8 }),
  filenames: fc.array(hostileFilename, { minLength: 8, maxLength: 8 }),
});

function makeHostile(
  pkg: Package,
  h: Hostility,
): { package: LockedPackage; dependencies: Map<string, LocatedPackage> } {
  const v = pkg.versions[0]!;
  const options = new Map(defaults(pkg, v));
  [...options.keys()]
    .filter((k) => typeof options.get(k) === "string")
    .forEach((k, i) => {
      options.set(k, h.values[i % h.values.length]!);
    });
  const { package: p, dependencies } = withDependencies(universe, pkg, v, options, 0);
  let n = 0;
  const hostileSource = (s: NonNullable<LockedPackage["source"]>) => {
    const i = n++ % 8;
    return s.kind === "git"
      ? { ...s, url: h.urls[i]! }
      : { ...s, url: h.urls[i]!, filename: h.filenames[i]! };
  };
  // Dependencies become externals with hostile versions (their prefixes must be plain paths).
  const located = new Map(
    [...dependencies].map(([name, d]): [string, LocatedPackage] => [
      name,
      {
        path: d.path,
        package: { ...d.package, version: h.version, external: { prefix: d.path } },
      },
    ]),
  );
  return {
    package: {
      ...p,
      version: h.version,
      source: hostileSource(p.source!),
      resources: p.resources.map(hostileSource),
    },
    dependencies: located,
  };
}

describe("hostile values", () => {
  it.each(REPRESENTATIVES)(
    "rendered into the %s recipe and run under /bin/sh stay data and run nothing (property)",
    (name) => {
      const pkg = universe.packages.get(name)!;
      fc.assert(
        fc.property(hostility, (h) => {
          const { package: p, dependencies } = makeHostile(pkg, h);
          let text: string;
          try {
            text = render(p, dependencies).text;
          } catch (e) {
            // Only a value that no Makefile can hold is refused, by the recipe that writes one.
            expect(e).toBeInstanceOf(RecipeError);
            expect((e as RecipeError).reason).toMatch(/cannot be written in a Makefile/);
            expect([...p.options.values()].some((x) => makeValue(String(x)) === undefined)).toBe(
              true,
            );
            return;
          }
          const header = parseScriptHeader(text);
          expect(header.version).toBe(h.version);
          expect(header.source).toEqual(p.source);
          expect(header.resources).toEqual(p.resources);
          expect(header.options).toEqual(p.options);
          const run = runWithStubs(
            text,
            p.resources.flatMap((r) => (r.kind === "url" ? [r.filename] : [])),
          );
          expect(run.pwned, text).toBe(false);
          expect(run.status, `${run.stderr}\n${text}`).toBe(0);
          // String option values reach the build intact: as a configure argument, or in config.mak.
          for (const [option, value] of p.options) {
            if (typeof value !== "string") continue;
            const args = run.calls.flat();
            const inConfigMak =
              existsSync(join(run.build, "config.mak")) &&
              readFileSync(join(run.build, "config.mak"), "utf8").includes(
                `TARGET = ${makeValue(value)}\n`,
              );
            expect(
              inConfigMak || args.some((a) => a.endsWith(`=${value}`)),
              `${option}=${JSON.stringify(value)}`,
            ).toBe(true);
          }
        }),
        runs(12),
      );
    },
  );
});
