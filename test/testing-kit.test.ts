/**
 * The testing kit (pthbs/testing): its arbitraries produce valid inputs, its environment-file
 * writer round-trips, and its invariants do fail on broken input (so that a passing run means
 * something).
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { RecipeSet } from "../generator/recipes.js";
import { parseEnvironmentFile } from "../solver/environment-file.js";
import { loadConstraintTexts, loadUniverse } from "../solver/load.js";
import { requestFromSpecs } from "../solver/request.js";
import { solve } from "../solver/solve.js";
import { validateRequest } from "../solver/validate-request.js";
import { environmentFileText } from "../testing/constraint-file.js";
import {
  isMinimalExplanation,
  rendersValidScripts,
  satisfiesEveryRule,
} from "../testing/invariants.js";
import { arbRequestFor, arbUniverseFiles, EXTERNAL_ONLY_NAMES } from "../testing/universe.js";

const seed = 20261125;
const CONSTRAINTS = new URL("../constraints", import.meta.url).pathname;
const RECIPES = new URL("../recipes", import.meta.url).pathname;
const shipped = await loadUniverse(CONSTRAINTS);

describe("the kit's arbitraries", () => {
  it("generate universes the validator accepts", () => {
    fc.assert(
      fc.property(arbUniverseFiles(), (files) => {
        const { diagnostics } = loadConstraintTexts(files);
        expect(diagnostics.filter((d) => d.severity === "error")).toEqual([]);
        // The one warning on purpose: a conflict with a package that can only be external.
        for (const d of diagnostics) {
          expect(d.code).toBe("unknown-package");
          expect(EXTERNAL_ONLY_NAMES.some((x) => d.message.includes(`"${x}"`))).toBe(true);
        }
      }),
      { seed, numRuns: 200 },
    );
  });

  it("draw valid requests from a given universe, with only the parts asked for", () => {
    fc.assert(
      fc.property(arbRequestFor(shipped), (request) => {
        validateRequest(shipped, request);
        for (const item of request.items) expect(item.spec.name).toBeDefined();
      }),
      { seed, numRuns: 100 },
    );
    fc.assert(
      fc.property(
        arbRequestFor(shipped, { externals: false, preferences: false, reuse: false }),
        (request) => {
          validateRequest(shipped, request);
          expect(request.externals).toEqual([]);
          expect(request.providerPreferences.size + request.versionPreferences.size).toBe(0);
          expect(request.reuse).toBeUndefined();
        },
      ),
      { seed, numRuns: 50 },
    );
  });

  it("write requests as environment files that read back the same", () => {
    fc.assert(
      fc.property(arbRequestFor(shipped, { reuse: false }), (request) => {
        const back = parseEnvironmentFile(environmentFileText(request), "fuzz.toml");
        expect(back.items.map((i) => i.text)).toEqual(request.items.map((i) => i.text));
        const plain = (r: typeof request) => ({
          externals: r.externals.map(({ location: _, ...e }) => ({
            ...e,
            version: e.version.text,
          })),
          providers: [...r.providerPreferences],
          versions: [...r.versionPreferences].map(([n, v]) => [n, String(v)]),
        });
        expect(plain(back)).toEqual(plain(request));
      }),
      { seed, numRuns: 100 },
    );
  });
});

describe("the kit's invariants fail on broken input", () => {
  const files = [
    {
      path: "a.toml",
      text:
        'name = "a"\n[versions."1"]\nsource = { url = "https://x/a.tgz", sha256 = "' +
        "0".repeat(64) +
        '" }\n[[conflicts]]\nspec = "b"\n',
    },
    {
      path: "b.toml",
      text:
        'name = "b"\n[versions."1"]\nsource = { url = "https://x/b.tgz", sha256 = "' +
        "0".repeat(64) +
        '" }\n',
    },
  ];
  const universe = loadConstraintTexts(files).universe;

  it("satisfiesEveryRule: a set missing a requested package", () => {
    const request = requestFromSpecs(["s6-rc"]);
    const r = solve(shipped, request);
    if (!r.satisfiable) throw new Error("s6-rc is satisfiable");
    expect(satisfiesEveryRule(shipped, request, r.solution)).toEqual([]);
    const without = {
      ...r.solution,
      packages: r.solution.packages.filter((p) => p.name !== "s6-rc"),
    };
    expect(satisfiesEveryRule(shipped, request, without)[0]?.message).toMatch(/"s6-rc" is not met/);
  });

  it("isMinimalExplanation: an explanation with a fact too many or too few", () => {
    const request = requestFromSpecs(["a", "b"]);
    const r = solve(universe, request);
    if (r.satisfiable) throw new Error("a conflicts with b");
    expect(isMinimalExplanation(universe, request, r.explanation)).toEqual([]);
    const fewer = { ...r.explanation, facts: r.explanation.facts.slice(1) };
    expect(isMinimalExplanation(universe, request, fewer)[0]?.message).toMatch(/admit a valid set/);
    const withOneMore = requestFromSpecs(["a", "b", "a"]);
    const again = solve(universe, withOneMore);
    if (again.satisfiable) throw new Error("still a conflict");
    const padded = {
      ...again.explanation,
      facts: [...again.explanation.facts, { ...again.explanation.facts[0]!, id: "request#2" }],
    };
    expect(isMinimalExplanation(universe, withOneMore, padded)[0]?.message).toMatch(
      /holds without request#/,
    );
  });

  it("rendersValidScripts: names the package and options of a script sh -n rejects", () => {
    const request = requestFromSpecs(["busybox +static"]);
    const r = solve(shipped, request);
    if (!r.satisfiable) throw new Error("busybox is satisfiable");
    const solved = { universe: shipped, request, solution: r.solution };
    expect(rendersValidScripts(solved, { recipes: new RecipeSet(RECIPES) })).toEqual([]);
    const missing = rendersValidScripts(solved, { recipes: new RecipeSet("/nonexistent") });
    expect(missing[0]?.invariant).toBe("renders");
  });
});
