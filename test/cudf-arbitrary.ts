/**
 * Random small CUDF documents (at most 8 packages, so an oracle can try every subset): several
 * versions per name, versioned and unversioned features, disjunctive dependencies, conflicts
 * (also on a package's own name and features), recommendations, installed packages with `keep`,
 * and install / remove / upgrade requests.
 */
import fc from "fast-check";
import type { Criterion, CriterionKind } from "../cudf/criteria.js";

const NAMES = ["a", "b", "c", "d"] as const;
const FEATURES = ["v", "w"] as const;
const OPS = ["=", "!=", ">=", ">", "<=", "<"] as const;

const arbVpkg = fc
  .tuple(
    fc.constantFrom<string>(...NAMES, ...FEATURES),
    fc.option(fc.tuple(fc.constantFrom(...OPS), fc.integer({ min: 1, max: 3 })), {
      nil: undefined,
    }),
  )
  .map(([name, c]) => (c ? `${name} ${c[0]} ${c[1]}` : name));

const arbFormula = fc
  .array(fc.array(arbVpkg, { minLength: 1, maxLength: 2 }), { maxLength: 2 })
  .map((cs) => cs.map((d) => d.join(" | ")).join(", "));

const arbPackage = fc.record({
  depends: arbFormula,
  conflicts: fc.array(arbVpkg, { maxLength: 1 }),
  provides: fc.array(
    fc
      .tuple(
        fc.constantFrom(...FEATURES),
        fc.option(fc.integer({ min: 1, max: 3 }), { nil: undefined }),
      )
      .map(([f, v]) => (v === undefined ? f : `${f} = ${v}`)),
    { maxLength: 1 },
  ),
  recommends: fc.array(arbVpkg, { maxLength: 1 }),
  installed: fc.boolean(),
  keep: fc.constantFrom("none", "none", "version", "package", "feature"),
});

/** A CUDF document's text. */
export const arbCudfDocument: fc.Arbitrary<string> = fc
  .tuple(
    fc.uniqueArray(fc.tuple(fc.constantFrom(...NAMES), fc.integer({ min: 1, max: 3 })), {
      minLength: 1,
      maxLength: 7,
      selector: ([n, v]) => `${n} ${v}`,
    }),
    fc.array(arbPackage, { minLength: 7, maxLength: 7 }),
    fc.record({
      install: fc.array(arbVpkg, { maxLength: 2 }),
      remove: fc.array(arbVpkg, { maxLength: 1 }),
      upgrade: fc.array(fc.constantFrom(...NAMES), { maxLength: 1 }),
    }),
  )
  .map(([ids, bodies, request]) => {
    // cudf-check wants the last line ended.
    const stanzas = ids.map(([name, version], i) => {
      const b = bodies[i]!;
      return [
        `package: ${name}`,
        `version: ${version}`,
        ...(b.depends ? [`depends: ${b.depends}`] : []),
        ...(b.conflicts.length ? [`conflicts: ${b.conflicts.join(", ")}`] : []),
        ...(b.provides.length ? [`provides: ${b.provides.join(", ")}`] : []),
        ...(b.recommends.length ? [`recommends: ${b.recommends.join(" | ")}`] : []),
        ...(b.installed
          ? ["installed: true", ...(b.keep !== "none" ? [`keep: ${b.keep}`] : [])]
          : []),
      ].join("\n");
    });
    return `${[
      "preamble: \nproperty: recommends: vpkgformula = [true!]",
      ...stanzas,
      [
        "request: random",
        ...(request.install.length ? [`install: ${request.install.join(", ")}`] : []),
        ...(request.remove.length ? [`remove: ${request.remove.join(", ")}`] : []),
        ...(request.upgrade.length ? [`upgrade: ${request.upgrade.join(", ")}`] : []),
      ].join("\n"),
    ].join("\n\n")}\n`;
  });

const KINDS: readonly CriterionKind[] = [
  "removed",
  "new",
  "changed",
  "notuptodate",
  "unsat_recommends",
];

/** A lexicographic list of one to three criteria; mostly minimised, as clients ask. */
export const arbCriteria: fc.Arbitrary<Criterion[]> = fc.array(
  fc
    .tuple(fc.constantFrom<"-" | "+">("-", "-", "-", "+"), fc.constantFrom(...KINDS))
    .map(([sign, kind]) => ({
      sign,
      kind,
      ...(kind === "unsat_recommends" && { property: "recommends" }),
    })),
  { minLength: 1, maxLength: 3 },
);
