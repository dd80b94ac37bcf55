/**
 * Versions: parsing, printing and the total order of DESIGN.md "Specs".
 *
 * A version is split into segments on `.`, `-`, `_` and at digit/letter boundaries. Segments
 * compare pairwise: numbers as numbers, words as strings, and a number outranks a word. When one
 * segment list is a prefix of the other, the shorter version is lower (2.14 < 2.14.3.0). Two
 * different strings with equal segments ("1.0" and "1-0", "01" and "1") are ordered by their text,
 * so that `compare` returns 0 exactly for identical versions and the order is total.
 */
import { SpecSyntaxError } from "./errors.js";

/** One component of a version: a run of digits or a run of letters. */
export type Segment =
  | { readonly kind: "number"; readonly digits: string }
  | { readonly kind: "word"; readonly text: string };

const VERSION_RE = /^[A-Za-z0-9]+(?:[._-][A-Za-z0-9]+)*$/;
const isDigit = (c: number) => c >= 48 && c <= 57;
const isLetter = (c: number) => (c >= 65 && c <= 90) || (c >= 97 && c <= 122);

/** An immutable, parsed version string such as `2.14.3.0` or `1.2rc1`. */
export class Version {
  /** How many segments the version has. */
  private readonly count: number;
  /**
   * The segments' values when every segment is a number of at most 15 digits (an exact double),
   * as most versions are: comparing two such versions then reads no segment object (the encoder
   * tests every version against every range it meets), and no segment object is kept (a load
   * makes a Version for every version and bound of every file in a request's cone).
   */
  private readonly numbers: readonly number[] | undefined;
  /** The segments of the other versions. */
  private readonly words: readonly Segment[] | undefined;

  private constructor(readonly text: string) {
    // Runs of digits and runs of letters (/[0-9]+|[A-Za-z]+/g), scanned by hand, twice: once to
    // count them, so that the arrays kept are their exact size (one grown by `push` keeps room
    // for 17; 40,000 versions at cone 2,000 of 7,000 files left 14 MiB of it).
    let count = 0;
    let exact = true;
    for (let i = 0; i < text.length; ) {
      const end = runEnd(text, i);
      if (end === i) {
        i++;
        continue;
      }
      count++;
      if (!isDigit(text.charCodeAt(i)) || significantDigits(text, i, end) > 15) exact = false;
      i = end;
    }
    this.count = count;
    if (exact) {
      const numbers = new Array<number>(count);
      let n = 0;
      for (let i = 0; i < text.length; ) {
        if (!isDigit(text.charCodeAt(i))) {
          i++;
          continue;
        }
        let value = 0;
        for (; i < text.length && isDigit(text.charCodeAt(i)); i++)
          value = value * 10 + (text.charCodeAt(i) - 48);
        numbers[n++] = value;
      }
      this.numbers = numbers;
      this.words = undefined;
    } else {
      const segments = new Array<Segment>(count);
      let n = 0;
      for (let i = 0; i < text.length; ) {
        const end = runEnd(text, i);
        if (end === i) {
          i++;
          continue;
        }
        segments[n++] = isDigit(text.charCodeAt(i))
          ? { kind: "number", digits: text.slice(end - significantDigits(text, i, end), end) }
          : { kind: "word", text: text.slice(i, end) };
        i = end;
      }
      this.numbers = undefined;
      this.words = segments;
    }
  }

  /** The segments, in order; digits are kept as text with leading zeros removed. */
  get segments(): readonly Segment[] {
    return this.words ?? this.numbers!.map(numberSegment);
  }

  /** Segment `i`, made on demand for a numeric version (compared with one that is not). */
  private segmentAt(i: number): Segment {
    return this.words?.[i] ?? numberSegment(this.numbers![i]!);
  }

  /** Parses a version; throws `SpecSyntaxError` pointing at the first bad character. */
  static parse(text: string): Version {
    if (!VERSION_RE.test(text)) throw versionSyntaxError(text);
    return new Version(text);
  }

  /**
   * `parse` through `table`, which keeps the versions parsed so far by text: the bounds of a
   * repository's ranges repeat its versions (40,000 at cone 2,000 of the 7,000-file benchmark,
   * 1,000 of them distinct), and versions are immutable.
   */
  static parseInterned(table: Map<string, Version>, text: string): Version {
    let version = table.get(text);
    if (version === undefined) {
      version = Version.parse(text);
      table.set(text, version);
    }
    return version;
  }

  /** Whether `text` is a well-formed version string. */
  static isValid(text: string): boolean {
    return VERSION_RE.test(text);
  }

  /** Negative, zero or positive as this version is lower than, equal to or higher than `other`. */
  compare(other: Version): number {
    const c = this.compareSegments(other);
    if (c !== 0) return c;
    return this.text < other.text ? -1 : this.text > other.text ? 1 : 0;
  }

  /**
   * Like `compare`, but 0 for different writings of the same segments ("1.0" and "1-0"): ranges
   * use this, so that a bound means the same whichever way its version is written.
   */
  compareSegments(other: Version): number {
    return this.orderOfCommonSegments(other) || this.count - other.count;
  }

  /**
   * Like `compareSegments`, but 0 when `bound` is a prefix of this version (2.14.3.0 against
   * 2.14): where this version stands against a prefix-inclusive upper end, in one pass (the
   * encoder's binary searches ask it of every range they meet).
   */
  compareWithin(bound: Version): number {
    const c = this.orderOfCommonSegments(bound);
    return c !== 0 || this.count >= bound.count ? c : -1;
  }

  /** The order of the two versions' first segments, as many as the shorter has (0: the same). */
  private orderOfCommonSegments(other: Version): number {
    const a = this.numbers;
    const b = other.numbers;
    if (a !== undefined && b !== undefined) {
      // Same order as the segment comparison: numbers without leading zeros, compared exactly.
      const n = Math.min(a.length, b.length);
      for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i]! < b[i]! ? -1 : 1;
      return 0;
    }
    const n = Math.min(this.count, other.count);
    for (let i = 0; i < n; i++) {
      const c = compareSegments(this.segmentAt(i), other.segmentAt(i));
      if (c !== 0) return c;
    }
    return 0;
  }

  /** Same text: the only equality versions have. */
  equals(other: Version): boolean {
    return this.text === other.text;
  }

  /**
   * Whether this version is a segment-wise prefix of `other` (or has the same segments):
   * 2.14 is a prefix of 2.14 and of 2.14.3.0, but not of 2.140.
   */
  isPrefixOf(other: Version): boolean {
    if (this.count > other.count) return false;
    const a = this.numbers;
    const b = other.numbers;
    if (a !== undefined && b !== undefined) {
      for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
      return true;
    }
    for (let i = 0; i < this.count; i++)
      if (compareSegments(this.segmentAt(i), other.segmentAt(i)) !== 0) return false;
    return true;
  }

  /** Whether both versions have the same segments (`1.0` and `1-0`): they cannot both be declared. */
  sameSegments(other: Version): boolean {
    return this.count === other.count && this.isPrefixOf(other);
  }

  toString(): string {
    return this.text;
  }
}

/** Orders versions from lowest to highest; use with `Array.prototype.sort`. */
export function compareVersions(a: Version, b: Version): number {
  return a.compare(b);
}

/** A number of at most 15 digits as a segment: `String` writes it exactly, without leading zeros. */
const numberSegment = (n: number): Segment => ({ kind: "number", digits: String(n) });

/** Where the run of digits or of letters at `start` ends; `start` at a separator. */
function runEnd(text: string, start: number): number {
  const digit = isDigit(text.charCodeAt(start));
  if (!digit && !isLetter(text.charCodeAt(start))) return start;
  let i = start + 1;
  while (i < text.length && (digit ? isDigit : isLetter)(text.charCodeAt(i))) i++;
  return i;
}

/** The digits of `text[start, end)` without its leading zeros (at least one: "00" is "0"). */
function significantDigits(text: string, start: number, end: number): number {
  let from = start;
  while (from < end - 1 && text.charCodeAt(from) === 48) from++;
  return end - from;
}

function compareSegments(a: Segment, b: Segment): number {
  if (a.kind === "number" && b.kind === "number") {
    if (a.digits.length !== b.digits.length) return a.digits.length - b.digits.length;
    return a.digits < b.digits ? -1 : a.digits > b.digits ? 1 : 0;
  }
  if (a.kind === "word" && b.kind === "word") return a.text < b.text ? -1 : a.text > b.text ? 1 : 0;
  return a.kind === "number" ? 1 : -1;
}

function versionSyntaxError(text: string): SpecSyntaxError {
  if (text === "")
    return new SpecSyntaxError("empty version", text, 0, "write a version such as 2.14.3.0");
  const bad = text.search(/[^A-Za-z0-9._-]/);
  if (bad >= 0) {
    return new SpecSyntaxError(
      `character "${text[bad]}" is not allowed in a version`,
      text,
      bad,
      "versions use letters, digits and the separators . - _",
    );
  }
  const sep = /^[._-]|[._-]{2}|[._-]$/.exec(text);
  const at = sep === null ? 0 : sep.index + (sep[0].length === 2 ? 1 : 0);
  return new SpecSyntaxError(
    "a version separator must stand between two segments",
    text,
    at,
    "remove the stray separator",
  );
}
