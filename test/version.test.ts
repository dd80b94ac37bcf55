import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { SpecSyntaxError } from "../solver/errors.js";
import { compareVersions, Version } from "../solver/version.js";
import {
  clusteredVersionArb,
  prefixPairArb,
  renderVersion,
  sameSegmentsPairArb,
  trickyVersionArb,
  versionArb,
  versionTextArb,
} from "../testing/arbitraries.js";
import { syntaxError } from "./helpers.js";

const RUNS = { numRuns: 300 };
const v = (text: string): Version => Version.parse(text);

function expectVersionError(text: string, offset: number): void {
  const e = syntaxError(() => Version.parse(text));
  expect(e.offset).toBe(offset);
  expect(e.input).toBe(text);
  expect(e.hint).toBeTruthy();
  expect(Version.isValid(text)).toBe(false);
}

describe("Version.parse", () => {
  it("splits into numeric and alphabetic segments on separators and digit/letter boundaries", () => {
    expect(v("2.14.3.0").segments).toEqual([
      { kind: "number", digits: "2" },
      { kind: "number", digits: "14" },
      { kind: "number", digits: "3" },
      { kind: "number", digits: "0" },
    ]);
    expect(v("1.2rc1").segments).toEqual([
      { kind: "number", digits: "1" },
      { kind: "number", digits: "2" },
      { kind: "word", text: "rc" },
      { kind: "number", digits: "1" },
    ]);
    expect(v("2.0a").segments).toEqual([
      { kind: "number", digits: "2" },
      { kind: "number", digits: "0" },
      { kind: "word", text: "a" },
    ]);
    expect(v("1_2-beta").segments).toEqual([
      { kind: "number", digits: "1" },
      { kind: "number", digits: "2" },
      { kind: "word", text: "beta" },
    ]);
  });

  it("drops leading zeros from numbers but keeps a lone zero", () => {
    expect(v("007").segments).toEqual([{ kind: "number", digits: "7" }]);
    expect(v("00").segments).toEqual([{ kind: "number", digits: "0" }]);
    expect(v("1.00.010").segments).toEqual([
      { kind: "number", digits: "1" },
      { kind: "number", digits: "0" },
      { kind: "number", digits: "10" },
    ]);
  });

  it("keeps the text as written", () => {
    for (const t of ["1.0", "1-0", "01", "1_2rc3", "9007199254740993", "A.b"]) {
      expect(v(t).toString()).toBe(t);
      expect(v(t).text).toBe(t);
      expect(Version.isValid(t)).toBe(true);
    }
  });

  it("splits into the runs of digits and of letters, leading zeros dropped (regex reference)", () => {
    fc.assert(
      fc.property(fc.oneof(versionTextArb, trickyVersionArb.map(String)), (text) => {
        const reference = Array.from(text.matchAll(/[0-9]+|[A-Za-z]+/g), ([s]) =>
          /[0-9]/.test(s[0]!)
            ? { kind: "number", digits: s.replace(/^0+(?=.)/, "") }
            : { kind: "word", text: s },
        );
        expect(Version.parse(text).segments).toEqual(reference);
      }),
      RUNS,
    );
  });

  it("round-trips through toString", () => {
    fc.assert(
      fc.property(versionArb, (x) => {
        const y = Version.parse(x.toString());
        expect(y.equals(x)).toBe(true);
        expect(y.compare(x)).toBe(0);
        expect(y.segments).toEqual(x.segments);
      }),
      RUNS,
    );
  });

  it("accepts exactly what isValid accepts, and points errors at the culprit", () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[a1._$ -]{0,6}$/), (text) => {
        if (Version.isValid(text)) {
          expect(Version.parse(text).text).toBe(text);
          return;
        }
        const e = syntaxError(() => Version.parse(text));
        expect(e.input).toBe(text);
        if (text === "") {
          expect(e.offset).toBe(0);
        } else {
          expect(e.offset).toBeGreaterThanOrEqual(0);
          expect(e.offset).toBeLessThan(text.length);
          // the offending character is a separator or a character versions do not allow
          expect(text[e.offset]).toMatch(/[^A-Za-z0-9]/);
        }
        expect(e.hint).toBeTruthy();
      }),
      RUNS,
    );
  });

  it("accepts every generated version text", () => {
    fc.assert(
      fc.property(versionTextArb, (t) => {
        expect(Version.isValid(t)).toBe(true);
      }),
      RUNS,
    );
  });
});

describe("Version syntax errors", () => {
  it("empty version", () => {
    expectVersionError("", 0);
  });

  it("bad character", () => {
    expectVersionError("1.2$", 3);
    expectVersionError("1 2", 1);
    expectVersionError("1.2+x", 3);
    expectVersionError("=1", 0);
    expectVersionError("1:2", 1);
  });

  it("leading separator", () => {
    expectVersionError(".1", 0);
    expectVersionError("-1", 0);
    expectVersionError("_", 0);
  });

  it("trailing separator", () => {
    expectVersionError("1.", 1);
    expectVersionError("1.2-", 3);
  });

  it("double separator: points at the second one", () => {
    expectVersionError("1..2", 2);
    expectVersionError("1.2._3", 4);
  });

  it("is a SpecSyntaxError whose message names the input and column", () => {
    const e = syntaxError(() => Version.parse("1..2"));
    expect(e).toBeInstanceOf(SpecSyntaxError);
    expect(e.name).toBe("SpecSyntaxError");
    expect(e.message).toContain('"1..2"');
    expect(e.message).toContain("column 3");
  });
});

describe("version order: examples", () => {
  /** Asserts the texts are in strictly increasing order, pairwise. */
  function expectIncreasing(texts: readonly string[]): void {
    const versions = texts.map(v);
    versions.forEach((a, i) => {
      versions.forEach((b, j) => {
        const c = a.compare(b);
        if (i < j) expect(c, `${a} < ${b}`).toBeLessThan(0);
        else if (i > j) expect(c, `${a} > ${b}`).toBeGreaterThan(0);
        else expect(c).toBe(0);
      });
    });
  }

  it("a prefix is lower than its extensions; numbers compare as numbers", () => {
    expectIncreasing(["1.2", "1.2.0", "1.2.1", "1.10"]);
    expectIncreasing(["2.14", "2.14.3.0", "2.140"]);
    expectIncreasing(["2.13.9", "2.14"]);
    expectIncreasing(["9", "10", "99", "100"]);
  });

  it("a number outranks letters", () => {
    expectIncreasing(["1.2", "1.2.a", "1.2.0"]);
    expectIncreasing(["1.rc1", "1.0"]);
    expectIncreasing(["1.2rc1", "1.2.0"]);
    // a prefix is still lower: 2.0 < 2.0a
    expectIncreasing(["2.0", "2.0a", "2.0.0"]);
  });

  it("words compare as strings (code units)", () => {
    expectIncreasing(["1.alpha", "1.beta", "1.rc"]);
    expectIncreasing(["1.B", "1.a"]);
    expectIncreasing(["1.a", "1.aa", "1.b"]);
  });

  it("numbers beyond 2^53 compare exactly", () => {
    // 2^53 and 2^53 + 1 are the same JavaScript number
    expectIncreasing(["9007199254740992", "9007199254740993"]);
    expectIncreasing(["1.99999999999999999999", "1.100000000000000000000"]);
    expectIncreasing(["18446744073709551615", "18446744073709551616"]);
  });

  it("leading zeros do not change a number's rank", () => {
    expectIncreasing(["1.09", "1.10"]);
    expectIncreasing(["0010", "11"]);
    expect(v("01").sameSegments(v("1"))).toBe(true);
  });

  it("equal segments, different text: distinct versions, consistently ordered by text", () => {
    for (const [a, b] of [
      ["1.0", "1-0"],
      ["01", "1"],
      ["1.2a", "1.2.a"],
      ["1_0", "1.0"],
    ] as const) {
      const x = v(a);
      const y = v(b);
      expect(x.sameSegments(y)).toBe(true);
      expect(x.equals(y)).toBe(false);
      expect(x.compare(y)).not.toBe(0);
      expect(Math.sign(x.compare(y)) + Math.sign(y.compare(x))).toBe(0);
      expect(Math.sign(x.compare(y))).toBe(a < b ? -1 : 1);
    }
  });

  it("sorts with compareVersions", () => {
    const sorted = ["1.10", "1.2.0", "1.2", "1.2.a", "1.2.1", "0.9", "1.2rc1"]
      .map(v)
      .sort(compareVersions)
      .map(String);
    expect(sorted).toEqual(["0.9", "1.2", "1.2.a", "1.2rc1", "1.2.0", "1.2.1", "1.10"]);
  });

  it("isPrefixOf is segment-wise, not textual", () => {
    expect(v("2.14").isPrefixOf(v("2.14"))).toBe(true);
    expect(v("2.14").isPrefixOf(v("2.14.3.0"))).toBe(true);
    expect(v("2.14").isPrefixOf(v("2-14_3"))).toBe(true);
    expect(v("2.14").isPrefixOf(v("2.140"))).toBe(false);
    expect(v("2.14.3").isPrefixOf(v("2.14"))).toBe(false);
    expect(v("1.2").isPrefixOf(v("1.2rc1"))).toBe(true);
    expect(v("01").isPrefixOf(v("1.5"))).toBe(true);
  });
});

describe("version order: properties", () => {
  const pair = fc.tuple(trickyVersionArb, trickyVersionArb);
  const triple = fc.tuple(clusteredVersionArb, clusteredVersionArb, clusteredVersionArb);

  it("is total and sign-symmetric", () => {
    fc.assert(
      fc.property(pair, ([a, b]) => {
        const ab = a.compare(b);
        const ba = b.compare(a);
        expect(Number.isFinite(ab)).toBe(true);
        expect(ab <= 0 || ba <= 0).toBe(true);
        expect(Math.sign(ab) + Math.sign(ba)).toBe(0);
      }),
      RUNS,
    );
  });

  it("is antisymmetric", () => {
    const check = ([a, b]: readonly [Version, Version]) => {
      if (a.compare(b) <= 0 && b.compare(a) <= 0) expect(a.equals(b)).toBe(true);
    };
    fc.assert(fc.property(pair, check), RUNS);
    fc.assert(fc.property(sameSegmentsPairArb, check), RUNS);
  });

  it("is reflexive and consistent with equality: compare = 0 ⇔ equals ⇔ same text", () => {
    const check = ([a, b]: readonly [Version, Version]) => {
      expect(a.compare(a)).toBe(0);
      const same = a.text === b.text;
      expect(a.compare(b) === 0).toBe(same);
      expect(a.equals(b)).toBe(same);
      expect(b.equals(a)).toBe(same);
    };
    fc.assert(fc.property(pair, check), RUNS);
    fc.assert(fc.property(sameSegmentsPairArb, check), RUNS);
    fc.assert(
      fc.property(versionTextArb, (t) => check([Version.parse(t), Version.parse(t)])),
      RUNS,
    );
  });

  it("is transitive", () => {
    fc.assert(
      fc.property(triple, ([a, b, c]) => {
        if (a.compare(b) <= 0 && b.compare(c) <= 0) expect(a.compare(c)).toBeLessThanOrEqual(0);
        if (a.compare(b) < 0 && b.compare(c) < 0) expect(a.compare(c)).toBeLessThan(0);
      }),
      RUNS,
    );
  });

  it("sorting gives a chain: every earlier version is lower than every later one", () => {
    fc.assert(
      fc.property(fc.array(trickyVersionArb, { maxLength: 12 }), (versions) => {
        const sorted = [...versions].sort(compareVersions);
        sorted.forEach((a, i) => {
          for (const b of sorted.slice(i + 1)) expect(a.compare(b)).toBeLessThanOrEqual(0);
        });
      }),
      { numRuns: 100 },
    );
  });

  it("ignores separators and leading zeros except to break ties", () => {
    fc.assert(
      fc.property(sameSegmentsPairArb, sameSegmentsPairArb, ([a1, a2], [b1, b2]) => {
        if (a1.sameSegments(b1)) return;
        expect(Math.sign(a1.compare(b1))).toBe(Math.sign(a2.compare(b2)));
      }),
      RUNS,
    );
  });

  it("sameSegments pairs are prefixes of each other", () => {
    fc.assert(
      fc.property(sameSegmentsPairArb, ([a, b]) => {
        expect(a.sameSegments(b)).toBe(true);
        expect(a.isPrefixOf(b)).toBe(true);
        expect(b.isPrefixOf(a)).toBe(true);
      }),
      RUNS,
    );
  });

  it("a proper prefix is lower: p.isPrefixOf(v) and not sameSegments ⇒ p < v", () => {
    fc.assert(
      fc.property(prefixPairArb, ([p, x]) => {
        expect(p.isPrefixOf(x)).toBe(true);
        if (!p.sameSegments(x)) expect(p.compare(x)).toBeLessThan(0);
      }),
      RUNS,
    );
  });

  // Fails: for two writings of the same segments the text tie-break can put the "prefix" above.
  it("the prefix relation implies order: p.isPrefixOf(v) ⇒ p <= v, up to other writings of the same segments", () => {
    fc.assert(
      fc.property(
        fc.oneof(prefixPairArb, fc.tuple(trickyVersionArb, trickyVersionArb)),
        ([p, x]) => {
          if (p.isPrefixOf(x)) {
            expect(p.compareSegments(x)).toBeLessThanOrEqual(0);
            if (!p.sameSegments(x)) expect(p.compare(x)).toBeLessThan(0);
          }
        },
      ),
      RUNS,
    );
  });

  it("compareWithin is compareSegments with a prefix-inclusive bound: 0 when the bound is a prefix", () => {
    fc.assert(
      fc.property(
        fc.oneof(prefixPairArb, fc.tuple(trickyVersionArb, trickyVersionArb)),
        fc.boolean(),
        ([p, x], swap) => {
          const [bound, version] = swap ? [x, p] : [p, x];
          const expected = bound.isPrefixOf(version)
            ? 0
            : Math.sign(version.compareSegments(bound));
          expect(Math.sign(version.compareWithin(bound))).toBe(expected);
        },
      ),
      RUNS,
    );
    expect(v("2.14.3.0").compareWithin(v("2.14"))).toBe(0);
    expect(v("2.140").compareWithin(v("2.14"))).toBe(1);
    expect(v("2.1").compareWithin(v("2.14"))).toBe(-1);
    expect(v("2").compareWithin(v("2.14"))).toBe(-1);
    expect(v("1.2rc1").compareWithin(v("1.2"))).toBe(0);
    expect(v("1.2rc1").compareWithin(v("1.2.0"))).toBe(-1);
  });

  it("other writings of the same segments are prefixes of each other and equal for ranges, but ordered by text", () => {
    expect(v("1").isPrefixOf(v("01"))).toBe(true);
    expect(v("01").isPrefixOf(v("1"))).toBe(true);
    expect(v("1").compareSegments(v("01"))).toBe(0);
    expect(Math.sign(v("1").compare(v("01")))).toBe(1);
    expect(v("1.0").compareSegments(v("1-0"))).toBe(0);
    expect(Math.sign(v("1.0").compare(v("1-0")))).toBe(1);
  });

  it("renderVersion writes what the arbitraries claim", () => {
    expect(renderVersion(["1", "2", "rc", "1"], ["", "", "", ""])).toBe("1.2rc1");
    expect(renderVersion(["1", "0"], ["-"], [0, 1])).toBe("1-00");
  });
});

describe("segment order: the all-number fast path", () => {
  type Seg = Version["segments"][number];
  const value = (s: Seg): string => (s.kind === "number" ? s.digits : s.text);
  /** The order of DESIGN.md "Specs" on two segments, from their public fields (the reference). */
  function compareSeg(x: Seg, y: Seg): number {
    if (x.kind !== y.kind) return x.kind === "number" ? 1 : -1;
    const [s, t] = [value(x), value(y)];
    if (x.kind === "number" && s.length !== t.length) return s.length - t.length;
    return s < t ? -1 : s > t ? 1 : 0;
  }
  function reference(a: Version, b: Version): number {
    const n = Math.min(a.segments.length, b.segments.length);
    for (let i = 0; i < n; i++) {
      const c = compareSeg(a.segments[i]!, b.segments[i]!);
      if (c !== 0) return c;
    }
    return a.segments.length - b.segments.length;
  }
  // Numbers of up to 15 digits compare as doubles, longer ones as digit strings: both paths, mixed.
  const digits = fc.oneof(
    fc.nat(20).map(String),
    fc.stringMatching(/^[0-9]{1,20}$/),
    fc.constantFrom("999999999999999", "1000000000000000", "000000000000000001"),
  );
  const numeric = fc
    .array(digits, { minLength: 1, maxLength: 5 })
    .map((s) => Version.parse(s.join(".")));
  const any = fc.oneof(numeric, numeric, trickyVersionArb);

  it("compareSegments and isPrefixOf agree with the segment-wise reference", () => {
    fc.assert(
      fc.property(any, any, (a, b) => {
        expect(Math.sign(a.compareSegments(b))).toBe(Math.sign(reference(a, b)));
        const prefix =
          a.segments.length <= b.segments.length &&
          a.segments.every((x, i) => compareSeg(x, b.segments[i]!) === 0);
        expect(a.isPrefixOf(b)).toBe(prefix);
      }),
      { numRuns: 2000 },
    );
  });
});
