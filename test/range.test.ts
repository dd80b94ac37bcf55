import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { SpecSyntaxError } from "../solver/errors.js";
import {
  constraintAbove,
  constraintBelow,
  type VersionConstraint,
  VersionRange,
} from "../solver/range.js";
import { Version } from "../solver/version.js";
import {
  clusteredVersionArb,
  interval,
  trickyVersionArb,
  versionConstraintArb,
  versionRangeArb,
} from "../testing/arbitraries.js";
import { syntaxError } from "./helpers.js";

const RUNS = { numRuns: 300 };
const v = (text: string): Version => Version.parse(text);
const r = (text: string): VersionRange => VersionRange.parse(text);

function expectRangeError(text: string, offset: number): SpecSyntaxError {
  const e = syntaxError(() => VersionRange.parse(text));
  expect(e.input).toBe(text);
  expect(e.offset).toBe(offset);
  expect(e.hint).toBeTruthy();
  return e;
}

function expectMembers(range: string, inside: readonly string[], outside: readonly string[]) {
  const parsed = r(range);
  for (const t of inside) expect(parsed.contains(v(t)), `${t} in @${range}`).toBe(true);
  for (const t of outside) expect(parsed.contains(v(t)), `${t} not in @${range}`).toBe(false);
}

/** Membership of one constraint, restated from DESIGN.md with Version's own relations. */
function expectedMembership(c: VersionConstraint, x: Version): boolean {
  switch (c.kind) {
    case "exact":
      return c.version.equals(x);
    case "prefix":
      return c.version.isPrefixOf(x);
    case "interval":
      return (
        (c.low === undefined || c.low.compareSegments(x) <= 0) &&
        (c.high === undefined || x.compareSegments(c.high) <= 0 || c.high.isPrefixOf(x))
      );
  }
}

describe("VersionRange syntax forms", () => {
  it("2.14: the version and everything it is a segment-wise prefix of", () => {
    expectMembers(
      "2.14",
      ["2.14", "2.14.3.0", "2.14.0", "2.14a", "2-14", "2.014"],
      ["2.140", "2.13.9", "2.15", "2.1", "2", "3.0"],
    );
  });

  it("2.13:2.14: inclusive, the upper end prefix-inclusive", () => {
    expectMembers(
      "2.13:2.14",
      ["2.13", "2.13.1.0", "2.13.99", "2.14", "2.14.3.0", "2.14.999"],
      ["2.15", "2.12.9", "2.12", "2.140", "2.1", "3"],
    );
  });

  it("2.13: open above", () => {
    expectMembers(
      "2.13:",
      ["2.13", "2.13.0", "2.14", "3", "100.0"],
      ["2.12", "2.12.99", "2.1", "2"],
    );
  });

  it(":2.14 open below", () => {
    expectMembers(":2.14", ["0", "0.1", "2.13.9", "2.14", "2.14.3.0"], ["2.15", "2.140", "3"]);
  });

  it(": everything", () => {
    expectMembers(":", ["0", "1.2rc1", "99999999999999999999", "a"], []);
    expect(r(":").isAny()).toBe(true);
    expect(r(":").equals(VersionRange.any)).toBe(true);
    expect(VersionRange.any.toString()).toBe(":");
  });

  it("=2.14 exactly that text", () => {
    expectMembers("=2.14", ["2.14"], ["2.14.3.0", "2.14.0", "2-14", "02.14", "2.13", "2.15"]);
    expect(VersionRange.exactly(v("2.14")).equals(r("=2.14"))).toBe(true);
  });

  it("1.0:1.5,2.0: a union", () => {
    expectMembers(
      "1.0:1.5,2.0:",
      ["1.0", "1.2", "1.5", "1.5.3", "2.0", "3.1"],
      ["0.9", "1.6", "1.9.9", "1.50"],
    );
    expect(r("1.0:1.5,2.0:").parts).toHaveLength(2);
  });

  it("unions mix every kind of member", () => {
    expectMembers("=1.0,2.14,3:4", ["1.0", "2.14.1", "3", "4.1"], ["1.0.1", "2.15", "40", "5"]);
  });

  it("a lower end above the upper end is allowed when the upper end is a prefix of it", () => {
    expectMembers(
      "2.14.1:2.14",
      ["2.14.1", "2.14.1.5", "2.14.2", "2.14.10"],
      ["2.14", "2.14.0", "2.15"],
    );
  });

  // Fails: the lower end is compared with the text tie-break, so a version written with the same
  // segments but sorting lower as text ("1-0" vs "1.0", "01" vs "1") falls out of "low:" although
  // its extensions ("1-0-1", "01.0") and the prefix form "@1.0" take it in.
  it("a lower end takes in the other writings of its own segments", () => {
    expectMembers("1.0:", ["1.0", "1-0-1", "1-0"], ["0.9"]);
    expectMembers("1:", ["1", "01.0", "01"], ["0"]);
    expectMembers("1:1", ["1", "1.5", "01"], ["2"]);
  });

  it("isAny only when a member is ':'", () => {
    expect(r("1.0,:").isAny()).toBe(true);
    expect(r("1.0:").isAny()).toBe(false);
    expect(r(":1.0").isAny()).toBe(false);
    expect(r("0").isAny()).toBe(false);
  });

  it("parses members into their structure", () => {
    expect(r("=2.14").parts).toEqual([{ kind: "exact", version: v("2.14") }]);
    expect(r("2.14").parts).toEqual([{ kind: "prefix", version: v("2.14") }]);
    expect(r("2.13:2.14").parts).toEqual([{ kind: "interval", low: v("2.13"), high: v("2.14") }]);
    expect(r("2.13:").parts).toEqual([{ kind: "interval", low: v("2.13") }]);
    expect(r(":2.14").parts).toEqual([{ kind: "interval", high: v("2.14") }]);
    expect(r(":").parts).toEqual([{ kind: "interval" }]);
  });

  it("prints as written", () => {
    for (const t of [
      "2.14",
      "=2.14",
      "2.13:2.14",
      "2.13:",
      ":2.14",
      ":",
      "1.0:1.5,2.0:",
      "1-0,01",
    ]) {
      expect(r(t).toString()).toBe(t);
    }
  });

  it("equals is structural: same members in the same order", () => {
    expect(r("1.0,2.0").equals(r("1.0,2.0"))).toBe(true);
    expect(r("1.0,2.0").equals(r("2.0,1.0"))).toBe(false);
    expect(r("1.0").equals(r("1-0"))).toBe(false);
    expect(r("1.0").equals(r("=1.0"))).toBe(false);
  });

  it("of() refuses an empty union", () => {
    expect(() => VersionRange.of([])).toThrow();
    expect(VersionRange.of([{ kind: "prefix", version: v("1") }]).toString()).toBe("1");
  });
});

describe("VersionRange syntax errors", () => {
  it("empty range", () => {
    expectRangeError("", 0);
  });

  it("empty union member", () => {
    expectRangeError("1.0,,2.0", 4);
    expectRangeError(",1.0", 0);
    expectRangeError("1.0,", 4);
  });

  it("= combined with a range", () => {
    expectRangeError("=1.0:2.0", 0);
    expectRangeError("1.0,=1.0:", 4);
    expectRangeError("=:", 0);
  });

  it("= with no version", () => {
    expectRangeError("=", 1);
    expectRangeError("1.0,=", 5);
  });

  it("two colons: points at the second", () => {
    expectRangeError("1:2:3", 3);
    expectRangeError("::", 1);
    expectRangeError("0,1:2:", 5);
  });

  it("inverted range", () => {
    const e = expectRangeError("2.0:1.0", 0);
    expect(e.hint).toContain("1.0:2.0");
    expectRangeError("1.0,2.0:1.0", 4);
    expectRangeError("2.15:2.14", 0);
    expectRangeError("2.140:2.14", 0);
    expect(r("2.14.1:2.14").toString()).toBe("2.14.1:2.14");
  });

  it("bad versions inside, with offsets into the whole range", () => {
    expectRangeError("1.2$", 3);
    expectRangeError("1..2", 2);
    expectRangeError(".1", 0);
    expectRangeError("1.", 1);
    expectRangeError("1.0:.2", 4);
    expectRangeError("1.0:2.", 5);
    expectRangeError("1.0,2..0", 6);
    expectRangeError("=1.2$", 4);
  });
});

describe("VersionRange properties", () => {
  it("a one-member range splits a sorted version list into above, members, below (the encoder's binary search)", () => {
    fc.assert(
      fc.property(
        versionConstraintArb(),
        fc.array(trickyVersionArb, { maxLength: 12 }),
        (c, list) => {
          // Newest first, without repeats: as a package declares them.
          const versions = [...new Map(list.map((x) => [x.text, x])).values()].sort((a, b) =>
            b.compare(a),
          );
          const range = VersionRange.of([c]);
          // 0 above, 1 member, 2 below: exactly one each, in that order along the list.
          const place = versions.map((x) => {
            const kinds = [constraintAbove(c, x), range.contains(x), constraintBelow(c, x)];
            expect(kinds.filter(Boolean).length, `${x.text} vs ${range}`).toBe(1);
            return kinds.indexOf(true);
          });
          for (let k = 1; k < place.length; k++)
            expect(place[k]!).toBeGreaterThanOrEqual(place[k - 1]!);
        },
      ),
      { numRuns: 1000 },
    );
  });

  it("parse(toString()) gives an equal range", () => {
    fc.assert(
      fc.property(versionRangeArb(), (range) => {
        const back = VersionRange.parse(range.toString());
        expect(back.equals(range)).toBe(true);
        expect(back.toString()).toBe(range.toString());
        expect(back.parts).toEqual(range.parts);
      }),
      RUNS,
    );
  });

  it("an interval a:b contains v ⇔ a <= v and (v <= b or b is a prefix of v), comparing segments", () => {
    fc.assert(
      fc.property(
        fc.option(clusteredVersionArb, { nil: undefined }),
        fc.option(clusteredVersionArb, { nil: undefined }),
        clusteredVersionArb,
        (a, b, x) => {
          const c = interval(a, b);
          const range = VersionRange.parse(VersionRange.of([c]).toString());
          const low = c.kind === "interval" ? c.low : undefined;
          const high = c.kind === "interval" ? c.high : undefined;
          const expected =
            (low === undefined || low.compareSegments(x) <= 0) &&
            (high === undefined || x.compareSegments(high) <= 0 || high.isPrefixOf(x));
          expect(range.contains(x)).toBe(expected);
        },
      ),
      RUNS,
    );
  });

  it("an interval contains its lower end, and its upper end when not below the lower", () => {
    fc.assert(
      fc.property(trickyVersionArb, trickyVersionArb, (a, b) => {
        const c = interval(a, b);
        if (c.kind !== "interval" || !c.low || !c.high) throw new Error("unreachable");
        const range = VersionRange.of([c]);
        expect(range.contains(c.low)).toBe(true);
        expect(range.contains(c.high)).toBe(c.low.compareSegments(c.high) <= 0);
      }),
      RUNS,
    );
  });

  it("a prefix range p contains v ⇔ p.isPrefixOf(v)", () => {
    fc.assert(
      fc.property(trickyVersionArb, clusteredVersionArb, (p, x) => {
        const range = VersionRange.parse(p.toString());
        expect(range.contains(x)).toBe(p.isPrefixOf(x));
        expect(range.contains(p)).toBe(true);
      }),
      RUNS,
    );
  });

  it("=x contains v ⇔ v equals x", () => {
    fc.assert(
      fc.property(trickyVersionArb, trickyVersionArb, (p, x) => {
        const range = VersionRange.parse(`=${p}`);
        expect(range.contains(x)).toBe(p.equals(x));
        expect(range.contains(p)).toBe(true);
      }),
      RUNS,
    );
  });

  it("a union contains exactly what one of its parts contains", () => {
    fc.assert(
      fc.property(
        fc.array(versionConstraintArb(clusteredVersionArb), { minLength: 1, maxLength: 4 }),
        clusteredVersionArb,
        (parts, x) => {
          const union = VersionRange.parse(VersionRange.of(parts).toString());
          const any = parts.some((p) => VersionRange.of([p]).contains(x));
          expect(union.contains(x)).toBe(any);
          expect(union.contains(x)).toBe(parts.some((p) => expectedMembership(p, x)));
        },
      ),
      RUNS,
    );
  });

  it("':' contains every version", () => {
    fc.assert(
      fc.property(trickyVersionArb, (x) => {
        expect(VersionRange.any.contains(x)).toBe(true);
      }),
      RUNS,
    );
  });

  it("never throws anything but SpecSyntaxError, with an offset inside the text", () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[0-9a.:,=$-]{0,8}$/), (text) => {
        try {
          VersionRange.parse(text);
        } catch (e) {
          expect(e).toBeInstanceOf(SpecSyntaxError);
          if (e instanceof SpecSyntaxError) {
            expect(e.offset).toBeGreaterThanOrEqual(0);
            expect(e.offset).toBeLessThanOrEqual(text.length);
            expect(e.input).toBe(text);
          }
        }
      }),
      RUNS,
    );
  });
});
