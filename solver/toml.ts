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

/**
 * The positions recorded under one path step: the key and value nodes (a location is made only
 * when asked for) and the steps below. A tree, not a map of joined paths: recording then costs
 * no path arrays nor strings, and most positions are never asked for.
 */
interface PositionNode {
  key?: AST.TOMLNode;
  value?: AST.TOMLNode;
  children?: Map<string, PositionNode>;
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
  const top: PositionNode = {};
  // The first record of a path wins (a table header before the keys that extend it).
  const record = (
    parent: PositionNode,
    step: string | number,
    key: AST.TOMLNode,
    value: AST.TOMLNode,
  ): PositionNode => {
    parent.children ??= new Map();
    const id = String(step);
    let node = parent.children.get(id);
    if (node === undefined) {
      node = {};
      parent.children.set(id, node);
    }
    if (node.key === undefined) {
      node.key = key;
      node.value = value;
    }
    return node;
  };
  const visitValue = (at: PositionNode, node: AST.TOMLContentNode) => {
    if (node.type === "TOMLInlineTable") {
      for (const kv of node.body) visitKeyValue(at, kv);
    } else if (node.type === "TOMLArray") {
      node.elements.forEach((el, i) => {
        visitValue(record(at, i, el, el), el);
      });
    }
  };
  const visitKeyValue = (base: PositionNode, kv: AST.TOMLKeyValue) => {
    let at = base;
    for (const k of kv.key.keys) at = record(at, keyName(k), k, kv.value);
    visitValue(at, kv.value);
  };
  for (const node of ast.body[0]?.body ?? []) {
    if (node.type === "TOMLKeyValue") {
      visitKeyValue(top, node);
    } else {
      let at = top;
      for (const step of node.resolvedKey) at = record(at, step, node, node);
      for (const kv of node.body) visitKeyValue(at, kv);
    }
  }
  const location = (node: AST.TOMLNode | undefined): SourceLocation =>
    node === undefined
      ? { file, line: 1, column: 1 }
      : { file, line: node.loc.start.line, column: node.loc.start.column + 1 };
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

function keyName(k: AST.TOMLBare | AST.TOMLQuoted): string {
  return k.type === "TOMLBare" ? k.name : k.value;
}
