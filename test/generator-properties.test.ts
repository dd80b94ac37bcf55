/**
 * The identity properties of DESIGN.md "Generator", on random package sets rendered with a probe
 * recipe that prints every variable: ids do not depend on the order inputs come in; any single
 * change to a package (version, option, source, recipe) changes its id and the ids of everything
 * above it, and nothing else; a changed template changes every script made from it.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { ScriptSource } from "../generator/header.js";
import type { LockedDependency, LockedPackage } from "../generator/lockfile.js";
import { RecipeSet } from "../generator/recipes.js";
import { renderScripts } from "../generator/script.js";
import type { DependencyType } from "../solver/universe.js";
import { hostileFilename, hostileString, runs } from "./arbitraries-hostile.js";
import { runWithStubs } from "./sh.js";

const FIXTURES = new URL("./fixtures/recipes", import.meta.url).pathname;
const STORE = "/opt/pthbs/store";
const recipes = new RecipeSet(FIXTURES);

const value = fc.oneof(hostileString, fc.string({ unit: "grapheme", maxLength: 8 }));
const hex = (n: number) => fc.stringMatching(new RegExp(`^[0-9a-f]{${n}}$`));
const source: fc.Arbitrary<ScriptSource> = fc.oneof(
  fc.record({
    kind: fc.constant("url" as const),
    url: value,
    sha256: hex(64),
    filename: hostileFilename,
  }),
  fc.record({ kind: fc.constant("git" as const), url: value, commit: hex(40) }),
);
const options = fc
  .uniqueArray(fc.tuple(fc.constantFrom("a", "b_c", "static"), fc.oneof(fc.boolean(), value)), {
    selector: (o) => o[0],
    maxLength: 3,
  })
  .map((entries) => new Map(entries.sort(([a], [b]) => (a < b ? -1 : 1))));
const types = fc.subarray(["build", "link", "run"] as DependencyType[], { minLength: 1 });

/** A random acyclic package set: p<i> may depend on any p<j>, j < i; some are externals. */
const packageSet: fc.Arbitrary<LockedPackage[]> = fc
  .integer({ min: 1, max: 6 })
  .chain((n) =>
    fc.tuple(
      ...Array.from({ length: n }, (_, i) =>
        fc.record({
          version: value,
          options,
          source,
          resources: fc.array(source, { maxLength: 2 }),
          external: fc.boolean(),
          depends: fc.uniqueArray(
            fc.tuple(fc.integer({ min: 0, max: Math.max(0, i - 1) }), types, fc.boolean()),
            { selector: (d) => d[0], maxLength: i === 0 ? 0 : i },
          ),
        }),
      ),
    ),
  )
  .map((rows) =>
    rows.map((row, i): LockedPackage => {
      const name = `p${i}`;
      const depends: LockedDependency[] = row.depends
        .map(([j, t, virtual]) => ({
          name: `p${j}`,
          types: (["build", "link", "run"] as DependencyType[]).filter((x) => t.includes(x)),
          virtuals: virtual ? [`v${j}`] : [],
        }))
        .sort((a, b) => (a.name < b.name ? -1 : 1));
      const base = {
        name,
        version: row.version,
        options: row.options,
        recipe: "probe",
        provides: [],
      };
      return row.external
        ? { ...base, depends: [], resources: [], external: { prefix: `/usr/local/${name}` } }
        : { ...base, depends, source: row.source, resources: row.resources };
    }),
  );

const idsOf = (packages: readonly LockedPackage[], set = recipes) =>
  new Map(renderScripts(packages, STORE, set).scripts.map((s) => [s.name, s.id as string]));

/** The packages that depend on `name`, directly or not. */
function above(packages: readonly LockedPackage[], name: string): Set<string> {
  const out = new Set<string>();
  for (const p of packages) // p<i> only depends on lower indices: one pass in order suffices
    if (p.depends.some((d) => d.name === name || out.has(d.name))) out.add(p.name);
  return out;
}

function changedIds(a: Map<string, string>, b: Map<string, string>): string[] {
  return [...a.keys()].filter((k) => a.get(k) !== b.get(k)).sort();
}

/** A change to one field of one package. */
type Edit = (p: LockedPackage) => LockedPackage;
const edits: fc.Arbitrary<[string, Edit]> = fc.oneof(
  value.map((v): [string, Edit] => [
    "version",
    (p) => ({ ...p, version: p.version === v ? `${v}.1` : v }),
  ]),
  fc.tuple(fc.constantFrom("a", "z"), value).map(([k, v]): [string, Edit] => [
    "option",
    (p) => {
      const o = new Map(p.options);
      o.set(k, o.get(k) === v ? `${v}!` : v);
      return { ...p, options: o };
    },
  ]),
  fc.constant<[string, Edit]>([
    "option type",
    (p) => ({ ...p, options: new Map([...p.options, ["flag", true]]) }),
  ]),
  fc.constant<[string, Edit]>([
    "recipe",
    // An external is not built: its recipe and resources are not inputs of anything.
    (p) => (p.external ? p : { ...p, recipe: p.recipe === "probe" ? "probe2" : "probe" }),
  ]),
  value.map((v): [string, Edit] => [
    "source url",
    (p) =>
      p.source ? { ...p, source: { ...p.source, url: p.source.url === v ? `${v}/` : v } } : p,
  ]),
  fc.constant<[string, Edit]>([
    "source hash",
    (p) =>
      !p.source
        ? p
        : p.source.kind === "git"
          ? {
              ...p,
              source: {
                ...p.source,
                commit: p.source.commit.replace(/^./, (c) => (c === "0" ? "1" : "0")),
              },
            }
          : {
              ...p,
              source: {
                ...p.source,
                sha256: p.source.sha256.replace(/^./, (c) => (c === "0" ? "1" : "0")),
              },
            },
  ]),
  fc.constant<[string, Edit]>([
    "resource added",
    (p) =>
      p.external
        ? p
        : { ...p, resources: [...p.resources, { kind: "git", url: "u", commit: "a".repeat(40) }] },
  ]),
  fc.constant<[string, Edit]>([
    "external prefix",
    (p) => (p.external ? { ...p, external: { prefix: `${p.external.prefix}2` } } : p),
  ]),
);

describe("script identity (properties)", () => {
  it("does not depend on the order of packages, options or dependencies", () => {
    fc.assert(
      fc.property(packageSet, fc.integer(), (packages, seed) => {
        const shuffle = <T>(xs: readonly T[], s: number) =>
          xs
            .map((x, i) => [x, (i * 7919 + s) % 104729] as const)
            .sort((a, b) => a[1] - b[1])
            .map(([x]) => x);
        const reordered = shuffle(packages, seed).map((p, i) => ({
          ...p,
          options: new Map(shuffle([...p.options], seed + i)),
          depends: shuffle(p.depends, seed - i).map((d) => ({
            ...d,
            types: [...d.types].reverse(),
          })),
        }));
        expect(idsOf(reordered)).toEqual(idsOf(packages));
      }),
      runs(60),
    );
  });

  it("a change to one package changes its id and those of everything above it, and nothing else", () => {
    fc.assert(
      fc.property(packageSet, fc.nat(), edits, (packages, k, [field, edit]) => {
        const target = packages[k % packages.length]!;
        const edited = edit(target);
        fc.pre(edited !== target);
        const after = packages.map((p) => (p === target ? edited : p));
        const expected = new Set(above(packages, target.name));
        if (!target.external) expected.add(target.name);
        // An external has no id; a change to its version or prefix reaches its dependents only.
        const changed = changedIds(idsOf(packages), idsOf(after));
        expect(changed, field).toEqual([...expected].sort());
      }),
      runs(120),
    );
  });

  it("a changed template changes every script rendered from it", () => {
    const edited = new RecipeSet(FIXTURES);
    fc.assert(
      fc.property(packageSet, (packages) => {
        const a = idsOf(packages);
        const b = idsOf(
          packages.map((p) => ({ ...p, recipe: "probe2" })),
          edited,
        );
        expect(changedIds(a, b)).toEqual([...a.keys()].sort());
      }),
      runs(30),
    );
  });

  it("prints every value intact and runs nothing, whatever the values (probe recipe under /bin/sh)", () => {
    fc.assert(
      fc.property(packageSet, (packages) => {
        for (const s of renderScripts(packages, STORE, recipes).scripts) {
          const run = runWithStubs(s.text.replaceAll("printf", "make printf"));
          expect(run.pwned).toBe(false);
          expect(run.status, run.stderr).toBe(0);
          const p = packages.find((x) => x.name === s.name)!;
          const printed = run.calls.flat();
          expect(printed).toContain(p.version);
          for (const v of p.options.values()) expect(printed).toContain(String(v));
          expect(printed).toContain(p.source!.url);
          for (const d of p.depends)
            expect(printed).toContain(packages.find((x) => x.name === d.name)!.version);
        }
      }),
      runs(15),
    );
  });
});
