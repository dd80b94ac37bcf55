/**
 * TOML with positions: the parsed value plus the line and column of every key and value,
 * so that the validator can point at the exact place of each problem. smol-toml reads the values
 * and judges the syntax; `toml-locate.ts` finds the positions.
 */

import { parse, TomlError } from "smol-toml";
import type { SourceLocation } from "../common/errors.js";
import { locateToml, type PositionNode } from "./toml-locate.js";

/** A path from the document root: table keys and array indexes. */
export type TomlPath = readonly (string | number)[];

/** A parsed TOML value as plain data. */
export type TomlValue = string | number | bigint | boolean | Date | TomlValue[] | TomlTable;
export interface TomlTable {
  [key: string]: TomlValue;
}

/** A parsed document and the positions of everything in it. */
export interface LocatedToml {
  readonly file: string;
  readonly root: TomlTable;
  /** Position of the key that introduces `path` (or the nearest located ancestor). */
  keyAt(path: TomlPath): SourceLocation;
  /** Position of the value at `path` (or the nearest located ancestor). */
  valueAt(path: TomlPath): SourceLocation;
}

/** Malformed TOML, at a position. */
export class TomlSyntaxError extends Error {
  constructor(
    message: string,
    readonly location: SourceLocation,
  ) {
    super(message);
  }
}

/** Parses `text`; throws `TomlSyntaxError` on malformed TOML (duplicate keys included). */
export function parseLocatedToml(source: string, file: string): LocatedToml {
  // A byte-order mark is no part of the document (smol-toml skips it): columns start after it.
  const text = source.charCodeAt(0) === 0xfeff ? source.slice(1) : source;
  let root: TomlTable;
  try {
    // A key `__proto__` or `constructor` is refused: kept, it would reach plain objects downstream.
    root = parse(text, { integersAsBigInt: "asNeeded", unsafeKeyBehaviour: "throw" }) as TomlTable;
  } catch (e) {
    if (!(e instanceof TomlError)) throw e;
    // Its message goes on with the lines around the fault: the diagnostic shows the first line.
    const what = e.message.split("\n", 1)[0]!.replace(/^Invalid TOML document: /, "");
    throw new TomlSyntaxError(UNSAFE[what] ?? what, { file, line: e.line, column: e.column });
  }
  const top = locateToml(text);
  let lineStarts: number[] | undefined;
  const location = (offset: number | undefined): SourceLocation => {
    if (offset === undefined) return { file, line: 1, column: 1 };
    lineStarts ??= linesOf(text);
    // The last line starting at or before `offset`.
    let low = 0;
    let high = lineStarts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if (lineStarts[mid]! <= offset) low = mid;
      else high = mid - 1;
    }
    return { file, line: low + 1, column: offset - lineStarts[low]! + 1 };
  };
  // The deepest recorded node along `path`.
  const find = (path: TomlPath): PositionNode => {
    let found = top;
    let at: PositionNode | undefined = top;
    for (const step of path) {
      at = at.children?.get(String(step));
      if (at === undefined) break;
      if (at.key !== undefined) found = at;
    }
    return found;
  };
  return {
    file,
    root,
    keyAt: (path) => location(find(path).key),
    valueAt: (path) => location(find(path).value),
  };
}

/** smol-toml's messages reworded where they would puzzle a user. */
const UNSAFE: Readonly<Record<string, string>> = {
  "document contains an unsafe property": "a key may not be named __proto__ or constructor",
};

/** Where each line of `text` starts. */
function linesOf(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf("\n"); i >= 0; i = text.indexOf("\n", i + 1)) starts.push(i + 1);
  return starts;
}
