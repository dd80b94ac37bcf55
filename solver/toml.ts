/**
 * TOML with positions: the parsed value plus the line and column of every key and value,
 * so that the validator can point at the exact place of each problem.
 */

import type { AST } from "toml-eslint-parser";
import { getStaticTOMLValue, parseTOML } from "toml-eslint-parser";
import type { SourceLocation } from "../common/errors.js";

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

interface Positions {
  key: SourceLocation;
  value: SourceLocation;
}

/** Parses `text`; throws `TomlSyntaxError` on malformed TOML (duplicate keys included). */
export function parseLocatedToml(text: string, file: string): LocatedToml {
  let ast: AST.TOMLProgram;
  try {
    ast = parseTOML(text);
  } catch (e) {
    const err = e as { message?: string; lineNumber?: number; column?: number };
    throw new TomlSyntaxError(String(err.message ?? e), {
      file,
      line: err.lineNumber ?? 1,
      column: (err.column ?? 0) + 1,
    });
  }
  const root = getStaticTOMLValue(ast) as TomlTable;
  const positions = new Map<string, Positions>();
  const at = (node: AST.TOMLNode): SourceLocation => ({
    file,
    line: node.loc.start.line,
    column: node.loc.start.column + 1,
  });
  const record = (path: TomlPath, key: SourceLocation, value: SourceLocation) => {
    const id = pathId(path);
    if (!positions.has(id)) positions.set(id, { key, value });
  };
  const visitValue = (path: TomlPath, node: AST.TOMLContentNode) => {
    if (node.type === "TOMLInlineTable") {
      for (const kv of node.body) visitKeyValue(path, kv);
    } else if (node.type === "TOMLArray") {
      node.elements.forEach((el, i) => {
        record([...path, i], at(el), at(el));
        visitValue([...path, i], el);
      });
    }
  };
  const visitKeyValue = (base: TomlPath, kv: AST.TOMLKeyValue) => {
    const keys = kv.key.keys.map(keyName);
    keys.forEach((_, i) => {
      record([...base, ...keys.slice(0, i + 1)], at(kv.key.keys[i]!), at(kv.value));
    });
    visitValue([...base, ...keys], kv.value);
  };
  for (const top of ast.body[0]?.body ?? []) {
    if (top.type === "TOMLKeyValue") {
      visitKeyValue([], top);
    } else {
      const path = top.resolvedKey;
      path.forEach((_, i) => {
        record(path.slice(0, i + 1), at(top), at(top));
      });
      for (const kv of top.body) visitKeyValue(path, kv);
    }
  }
  const find = (path: TomlPath): Positions => {
    for (let n = path.length; n > 0; n--) {
      const p = positions.get(pathId(path.slice(0, n)));
      if (p) return p;
    }
    return { key: { file, line: 1, column: 1 }, value: { file, line: 1, column: 1 } };
  };
  return {
    file,
    root,
    keyAt: (path) => find(path).key,
    valueAt: (path) => find(path).value,
  };
}

function keyName(k: AST.TOMLBare | AST.TOMLQuoted): string {
  return k.type === "TOMLBare" ? k.name : k.value;
}

function pathId(path: TomlPath): string {
  return path.map(String).join("\u0000");
}
