/**
 * Version ranges: the part of a spec after `@`.
 *
 *   2.14         2.14 and every version it is a dotted prefix of (2.14.3.0), not 2.140
 *   =2.14        exactly 2.14
 *   2.13:2.14    2.13 up to 2.14 inclusive, the upper end prefix-inclusive (2.14.3.0 is in)
 *   2.13: / :2.14 / :   open ranges
 *   1.0:1.5,2.0:        a union of any of the above
 */
import { SpecSyntaxError } from "./errors.js";
import { Version } from "./version.js";

/** One member of a union. */
export type VersionConstraint =
  | { readonly kind: "prefix"; readonly version: Version }
  | { readonly kind: "exact"; readonly version: Version }
  | { readonly kind: "interval"; readonly low?: Version; readonly high?: Version };

/** A union of version constraints; a version is in the range when it is in any member. */
export class VersionRange {
  private constructor(readonly parts: readonly VersionConstraint[]) {}

  /** The range every version is in (`:`). */
  static readonly any: VersionRange = new VersionRange([{ kind: "interval" }]);

  /** Builds a range from its members; `parts` must not be empty. */
  static of(parts: readonly VersionConstraint[]): VersionRange {
    if (parts.length === 0) throw new Error("a version range needs at least one member");
    return new VersionRange(parts);
  }

  /** Exactly one version (`=v`). */
  static exactly(version: Version): VersionRange {
    return new VersionRange([{ kind: "exact", version }]);
  }

  /**
   * Parses the text after `@`; throws `SpecSyntaxError` with the offset of the problem.
   * @param versions versions already parsed, by text, to share (a load's `SpecTable`)
   */
  static parse(text: string, versions?: Map<string, Version>): VersionRange {
    if (text === "") {
      throw new SpecSyntaxError(
        "empty version range",
        text,
        0,
        "write a version after @, e.g. @2.14",
      );
    }
    // One member, the usual range, without the split; `map`, not `push`, for a union: a range is
    // kept, and an array grown by `push` keeps room for 17.
    if (!text.includes(",")) return new VersionRange([parseConstraint(text, text, 0, versions)]);
    let offset = 0;
    const parts = text.split(",").map((item) => {
      const part = parseConstraint(item, text, offset, versions);
      offset += item.length + 1;
      return part;
    });
    return new VersionRange(parts);
  }

  /** Whether `version` is in this range. */
  contains(version: Version): boolean {
    // A loop, not `some`: the encoder asks this for every version of every depends entry.
    for (let i = 0; i < this.parts.length; i++)
      if (constraintContains(this.parts[i]!, version)) return true;
    return false;
  }

  /** Whether every version is in this range. */
  isAny(): boolean {
    return this.parts.some((p) => p.kind === "interval" && !p.low && !p.high);
  }

  toString(): string {
    return this.parts.map(printConstraint).join(",");
  }

  /** Structural equality: same members in the same order. */
  equals(other: VersionRange): boolean {
    return this.toString() === other.toString();
  }
}

/**
 * Whether `v` comes after every version of the one-member range `c` (in `Version.compare`'s
 * order). A one-member range holds consecutive versions, so in a sorted list its members lie
 * between the versions above it and those below it (`constraintBelow`): the encoder finds them
 * by two binary searches instead of testing every version (60,000 ranges at cone 5,000).
 */
export function constraintAbove(c: VersionConstraint, v: Version): boolean {
  switch (c.kind) {
    case "exact":
      return v.compare(c.version) > 0;
    case "prefix":
      return v.compareWithin(c.version) > 0;
    case "interval":
      return c.high !== undefined && v.compareWithin(c.high) > 0;
  }
}

/** Whether `v` comes before every version of the one-member range `c` (see `constraintAbove`). */
export function constraintBelow(c: VersionConstraint, v: Version): boolean {
  switch (c.kind) {
    case "exact":
      return v.compare(c.version) < 0;
    case "prefix":
      return v.compareSegments(c.version) < 0;
    case "interval":
      return c.low !== undefined && c.low.compareSegments(v) > 0;
  }
}

function constraintContains(c: VersionConstraint, v: Version): boolean {
  switch (c.kind) {
    case "exact":
      return c.version.equals(v);
    case "prefix":
      return c.version.isPrefixOf(v);
    case "interval":
      return (
        (c.low === undefined || c.low.compareSegments(v) <= 0) &&
        (c.high === undefined || v.compareSegments(c.high) <= 0 || c.high.isPrefixOf(v))
      );
  }
}

function printConstraint(c: VersionConstraint): string {
  switch (c.kind) {
    case "exact":
      return `=${c.version.text}`;
    case "prefix":
      return c.version.text;
    case "interval":
      return `${c.low?.text ?? ""}:${c.high?.text ?? ""}`;
  }
}

function parseConstraint(
  item: string,
  whole: string,
  offset: number,
  versions: Map<string, Version> | undefined,
): VersionConstraint {
  if (item === "") {
    throw new SpecSyntaxError(
      "empty member in a version union",
      whole,
      offset,
      "remove the extra comma",
    );
  }
  if (item.startsWith("=")) {
    if (item.includes(":")) {
      throw new SpecSyntaxError(
        "= cannot be combined with a range",
        whole,
        offset,
        "write =2.14 for one version or 2.13:2.14 for a range",
      );
    }
    return { kind: "exact", version: parseVersionAt(item.slice(1), whole, offset + 1, versions) };
  }
  const colon = item.indexOf(":");
  if (colon < 0) return { kind: "prefix", version: parseVersionAt(item, whole, offset, versions) };
  if (item.indexOf(":", colon + 1) >= 0) {
    throw new SpecSyntaxError(
      "a range has one colon",
      whole,
      offset + item.indexOf(":", colon + 1),
      "write low:high; separate several ranges with commas",
    );
  }
  const lowText = item.slice(0, colon);
  const highText = item.slice(colon + 1);
  const low = lowText === "" ? undefined : parseVersionAt(lowText, whole, offset, versions);
  const high =
    highText === "" ? undefined : parseVersionAt(highText, whole, offset + colon + 1, versions);
  if (low && high && low.compareSegments(high) > 0 && !high.isPrefixOf(low)) {
    throw new SpecSyntaxError(
      `empty range: ${low.text} comes after ${high.text}`,
      whole,
      offset,
      `write ${high.text}:${low.text}`,
    );
  }
  // Spelled out, not spread: a load makes one per range it reads.
  if (low && high) return { kind: "interval", low, high };
  if (low) return { kind: "interval", low };
  return high ? { kind: "interval", high } : { kind: "interval" };
}

function parseVersionAt(
  text: string,
  whole: string,
  offset: number,
  versions: Map<string, Version> | undefined,
): Version {
  try {
    return versions === undefined ? Version.parse(text) : Version.parseInterned(versions, text);
  } catch (e) {
    if (e instanceof SpecSyntaxError) {
      throw new SpecSyntaxError(e.reason, whole, offset + e.offset, e.hint);
    }
    throw e;
  }
}
