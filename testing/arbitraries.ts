/**
 * fast-check arbitraries for versions, version ranges, specs and configurations (DESIGN.md "Specs").
 *
 * Versions come from two sources mixed together: a wide one (many segments, long words, numbers
 * beyond 2^53, leading zeros) and a "clustered" one drawn from a tiny alphabet, so that random
 * pairs and triples are often equal, prefixes of each other or equal segment-wise with a different
 * text ("1.0"/"1-0", "01"/"1") — the cases where an order is most likely to break.
 */
import fc from "fast-check";
import { type VersionConstraint, VersionRange } from "../solver/range.js";
import type { Configuration, OptionRequirement, OptionValue, Spec } from "../solver/spec.js";
import { Version } from "../solver/version.js";

/** The separators a version may use between segments. */
export const SEPARATORS = [".", "-", "_"] as const;

/** A run of digits: small numbers, leading zeros, numbers beyond 2^53. */
export const numberSegmentArb: fc.Arbitrary<string> = fc.oneof(
  { weight: 6, arbitrary: fc.nat({ max: 20 }).map(String) },
  { weight: 2, arbitrary: fc.constantFrom("0", "00", "01", "007", "10", "100", "0010") },
  {
    weight: 1,
    arbitrary: fc.bigInt({ min: 2n ** 53n - 2n, max: 2n ** 80n }).map(String),
  },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.integer({ min: 1, max: 3 }), fc.nat({ max: 1000 }))
      .map(([zeros, n]) => "0".repeat(zeros) + String(n)),
  },
);

/** A run of letters: the usual pre-release words and random ones, both cases. */
export const wordSegmentArb: fc.Arbitrary<string> = fc.oneof(
  { weight: 2, arbitrary: fc.constantFrom("a", "b", "rc", "alpha", "beta", "pre", "p", "A", "Z") },
  { weight: 1, arbitrary: fc.stringMatching(/^[A-Za-z]{1,5}$/) },
);

/** A segment as written (digits or letters), numbers more often than words. */
export const segmentArb: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: numberSegmentArb },
  { weight: 1, arbitrary: wordSegmentArb },
);

/** A separator choice between two segments; "" attaches them (only legal across digit/letter). */
export const separatorChoiceArb: fc.Arbitrary<string> = fc.constantFrom("", ".", ".", "-", "_");

const isDigits = (s: string): boolean => /^[0-9]/.test(s);

/**
 * Writes segments as a version string. `separators[i]` goes between segments i and i+1; an empty
 * or missing separator between two segments of the same kind becomes "." (they would merge).
 * `padding[i]` leading zeros are added to segment i when it is a number.
 */
export function renderVersion(
  segments: readonly string[],
  separators: readonly string[] = [],
  padding: readonly number[] = [],
): string {
  let out = "";
  segments.forEach((segment, i) => {
    if (i > 0) {
      const previous = segments[i - 1] ?? "";
      let sep = separators[i - 1] ?? ".";
      if (sep === "" && isDigits(previous) === isDigits(segment)) sep = ".";
      out += sep;
    }
    out += isDigits(segment) ? "0".repeat(padding[i] ?? 0) + segment : segment;
  });
  return out;
}

/** Segment lists of realistic and tricky versions, 1 to 6 segments. */
export const wideSegmentsArb: fc.Arbitrary<string[]> = fc.array(segmentArb, {
  minLength: 1,
  maxLength: 6,
});

/** Segment lists from a tiny alphabet, 1 to 4 segments: collisions and prefixes are frequent. */
export const clusteredSegmentsArb: fc.Arbitrary<string[]> = fc.array(
  fc.constantFrom("0", "00", "1", "01", "2", "10", "a", "b"),
  { minLength: 1, maxLength: 4 },
);

const separatorsArb = fc.array(separatorChoiceArb, { minLength: 6, maxLength: 6 });
const paddingArb = fc.array(fc.constantFrom(0, 0, 0, 1, 2), { minLength: 6, maxLength: 6 });

/** Version strings (always valid): wide and clustered mixed. */
export const versionTextArb: fc.Arbitrary<string> = fc
  .tuple(fc.oneof(wideSegmentsArb, clusteredSegmentsArb), separatorsArb)
  .map(([segments, separators]) => renderVersion(segments, separators));

/** Parsed versions: wide and clustered mixed. */
export const versionArb: fc.Arbitrary<Version> = versionTextArb.map((t) => Version.parse(t));

/** Parsed versions from the tiny alphabet only (for membership tests where hits matter). */
export const clusteredVersionArb: fc.Arbitrary<Version> = fc
  .tuple(clusteredSegmentsArb, separatorsArb)
  .map(([segments, separators]) => Version.parse(renderVersion(segments, separators)));

/**
 * Two writings of the same segments (different separators and leading zeros): `sameSegments`
 * holds; the texts are often, not always, different ("1.0"/"1-0", "01"/"1").
 */
export const sameSegmentsPairArb: fc.Arbitrary<[Version, Version]> = fc
  .tuple(wideSegmentsArb, separatorsArb, separatorsArb, paddingArb, paddingArb)
  .map(([segments, s1, s2, p1, p2]) => [
    Version.parse(renderVersion(segments, s1, p1)),
    Version.parse(renderVersion(segments, s2, p2)),
  ]);

/**
 * A version and an extension of it: `v`'s segments start with `p`'s (possibly no extra segment,
 * then they have the same segments), each written with its own separators and leading zeros.
 */
export const prefixPairArb: fc.Arbitrary<[Version, Version]> = fc
  .tuple(
    fc.oneof(wideSegmentsArb, clusteredSegmentsArb),
    fc.array(segmentArb, { maxLength: 3 }),
    separatorsArb,
    separatorsArb,
    paddingArb,
    paddingArb,
  )
  .map(([segments, extra, s1, s2, p1, p2]) => {
    const longer = [...segments, ...extra];
    const sep2 = [...s2, ...s2];
    return [
      Version.parse(renderVersion(segments, s1, p1)),
      Version.parse(renderVersion(longer, sep2, [...p2, ...p2])),
    ];
  });

/** Any of the version arbitraries above, for pairs and triples that often collide. */
export const trickyVersionArb: fc.Arbitrary<Version> = fc.oneof(
  versionArb,
  clusteredVersionArb,
  sameSegmentsPairArb.map(([a]) => a),
  prefixPairArb.map(([, v]) => v),
);

/** An interval; when both ends are given and would make it empty, they are swapped. */
export function interval(low?: Version, high?: Version): VersionConstraint {
  if (low && high && low.compare(high) > 0 && !high.isPrefixOf(low)) [low, high] = [high, low];
  return { kind: "interval", ...(low && { low }), ...(high && { high }) };
}

/** One member of a version union, of any kind, built from `versions`. */
export function versionConstraintArb(
  versions: fc.Arbitrary<Version> = trickyVersionArb,
): fc.Arbitrary<VersionConstraint> {
  return fc.oneof(
    versions.map((version): VersionConstraint => ({ kind: "prefix", version })),
    versions.map((version): VersionConstraint => ({ kind: "exact", version })),
    fc
      .tuple(fc.option(versions, { nil: undefined }), fc.option(versions, { nil: undefined }))
      .map(([low, high]) => interval(low, high)),
  );
}

/** Version ranges: unions of 1 to 3 members, sometimes `:`. */
export function versionRangeArb(
  versions: fc.Arbitrary<Version> = trickyVersionArb,
): fc.Arbitrary<VersionRange> {
  return fc.oneof(
    { weight: 1, arbitrary: fc.constant(VersionRange.any) },
    {
      weight: 8,
      arbitrary: fc
        .array(versionConstraintArb(versions), { minLength: 1, maxLength: 3 })
        .map((parts) => VersionRange.of(parts)),
    },
  );
}

/** Package names (`NAME_RE`). */
export const packageNameArb: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom("s6", "s6-rc", "skalibs", "busybox", "execline", "a", "lib_x.y", "9base"),
  fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,10}$/),
);

/** Option names (`OPTION_RE`). */
export const optionNameArb: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom("static", "ssl", "execline", "a", "b", "A", "_x", "with-foo", "utmps"),
  fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_-]{0,8}$/),
);

/** Option values as written after `=` (`VALUE_RE`). */
export const optionTextValueArb: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom("bearssl", "openssl", "libressl", "none", "1.0", "true", "_", "x-y"),
  fc.stringMatching(/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,8}$/),
);

/** A value a spec can ask of an option: boolean (`+x`/`~x`) or named (`x=v`). */
export const optionValueArb: fc.Arbitrary<OptionValue> = fc.oneof(fc.boolean(), optionTextValueArb);

/** Compares option names the way `parseSpec` sorts them (UTF-16 code units). */
export function compareNames(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Option requirements with distinct names, sorted by name: what a parsed `Spec` holds. */
export const optionsArb: fc.Arbitrary<OptionRequirement[]> = fc
  .uniqueArray(fc.record({ name: optionNameArb, value: optionValueArb }), {
    selector: (o) => o.name,
    maxLength: 4,
  })
  .map((options) => [...options].sort((a, b) => compareNames(a.name, b.name)));

/** Builds a spec object the way `parseSpec` does: absent parts are absent keys. */
export function makeSpec(
  name: string | undefined,
  range: VersionRange | undefined,
  options: readonly OptionRequirement[],
): Spec {
  return {
    ...(name !== undefined && { name }),
    ...(range !== undefined && { range }),
    options,
  };
}

const nonEmpty = (s: Spec): boolean =>
  s.name !== undefined || s.range !== undefined || s.options.length > 0;

/** Specs, named or anonymous, never empty. */
export const specArb: fc.Arbitrary<Spec> = fc
  .tuple(
    fc.option(packageNameArb, { nil: undefined }),
    fc.option(versionRangeArb(), { nil: undefined }),
    optionsArb,
  )
  .map(([name, range, options]) => makeSpec(name, range, options))
  .filter(nonEmpty);

/** Specs with a package name. */
export const namedSpecArb: fc.Arbitrary<Spec> = fc
  .tuple(packageNameArb, fc.option(versionRangeArb(), { nil: undefined }), optionsArb)
  .map(([name, range, options]) => makeSpec(name, range, options));

/** Anonymous specs (`when` conditions), never empty. */
export const anonymousSpecArb: fc.Arbitrary<Spec> = fc
  .tuple(fc.option(versionRangeArb(), { nil: undefined }), optionsArb)
  .map(([range, options]) => makeSpec(undefined, range, options))
  .filter(nonEmpty);

/** Package configurations: a name, a version and a few option values. */
export const configurationArb: fc.Arbitrary<Configuration> = fc
  .tuple(packageNameArb, trickyVersionArb, optionsArb)
  .map(([name, version, options]) => ({
    name,
    version,
    options: new Map(options.map((o) => [o.name, o.value])),
  }));
