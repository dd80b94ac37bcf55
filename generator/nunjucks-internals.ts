/**
 * Typed access to the parts of nunjucks 3 that its public typings leave out: the parser, the
 * AST node classes, the transformer and the compiler. template-compiler.ts rewrites the AST
 * between parsing and compiling; this file is the one place that knows nunjucks' internal layout.
 */
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);

/** An AST node: its class name, 0-based position, and fields named by `fields`. */
export interface NjNode {
  readonly typename: string;
  readonly fields: readonly string[];
  lineno: number;
  colno: number;
  /** Present on list-like nodes (Root, NodeList, Output, Array, Dict, …). */
  children?: NjNode[];
  /** Present on Literal, Symbol and TemplateData. */
  value?: unknown;
  [field: string]: unknown;
}

type NodeClass = new (lineno: number, colno: number, ...fields: unknown[]) => NjNode;

/** The node classes the rewrite creates or recognises. */
export interface NjNodes {
  readonly Node: NodeClass;
  readonly NodeList: NodeClass;
  readonly FunCall: NodeClass;
  readonly Symbol: NodeClass;
  readonly Literal: NodeClass;
  readonly TemplateData: NodeClass;
}

/** Parser and lexer options that change what source text means. */
export interface NjParseOptions {
  readonly trimBlocks: boolean;
  readonly lstripBlocks: boolean;
}

// Required on first use, not at import: nunjucks is compiled only by the commands that render.

/** The AST node classes. */
export function njNodes(): NjNodes {
  return require("nunjucks/src/nodes") as NjNodes;
}

type NjParser = { parse(src: string, extensions: unknown[], opts: NjParseOptions): NjNode };
type NjTransformer = { transform(ast: NjNode, asyncFilters: string[], name: string): NjNode };
type NjCompiler = {
  Compiler: new (
    name: string,
    throwOnUndefined: boolean,
  ) => { compile(ast: NjNode): void; getCode(): string };
};

/** Parses template text into an AST; throws nunjucks' TemplateError (1-based lineno/colno). */
export function parseTemplate(src: string, opts: NjParseOptions): NjNode {
  return (require("nunjucks/src/parser") as NjParser).parse(src, [], opts);
}

/**
 * Compiles an AST into the JavaScript object nunjucks' `Template` accepts as precompiled code
 * (`{ type: "code", obj }`).
 */
export function compileTemplate(ast: NjNode, name: string): { type: "code"; obj: unknown } {
  const compiler = require("nunjucks/src/compiler") as NjCompiler;
  const transformer = require("nunjucks/src/transformer") as NjTransformer;
  const c = new compiler.Compiler(name, true);
  c.compile(transformer.transform(ast, [], name));
  // nunjucks itself turns its generated code into a function this way (Template._compile).
  const obj = new Function(c.getCode())() as unknown;
  return { type: "code", obj };
}

/** Whether `node` is an instance of the nunjucks class named `typename` (or of a subclass). */
export function isNode(node: unknown, typename: string): boolean {
  return (
    typeof node === "object" &&
    node !== null &&
    node instanceof njNodes().Node &&
    (node as NjNode).typename === typename
  );
}
