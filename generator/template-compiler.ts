/**
 * Compiling a recipe so that every value it prints is shell-quoted by construction.
 *
 * nunjucks' own autoescape escapes for HTML. Instead, each template's AST is rewritten between
 * parsing and compiling:
 * - every `{{ expr }}` becomes `{{ __sh(expr, …) }}`: the value printed as one quoted sh word
 *   (shell.ts); an undefined value is an error naming the expression. Only the result of a
 *   direct call (a macro, `ref(dep)`) passes unquoted, and only when it is nunjucks' SafeString,
 *   which nothing but macros and `ref` produce — so data never passes, even through a macro;
 * - `{{ "text" | raw }}` prints template-authored text as is; `raw` of anything but a string
 *   literal written in the template is refused;
 * - every `a.b` / `a[b]` becomes `__get(a, b, …)`, which fails on a missing key instead of giving
 *   `undefined`: a misspelt option or dependency is an error with its line, not a silent `false`
 *   (test for what may be absent with `"key" in a`);
 * - the template text is read as sh reads it (shell-context.ts): a value printed inside quotes, a
 *   comment or a here-document is refused at compile time;
 * - names starting with `__` are reserved.
 * Errors are `RecipeError`s naming the template file, line and column.
 */
import { RecipeError } from "./errors.js";
import {
  compileTemplate,
  isNode,
  type NjNode,
  type NjParseOptions,
  njNodes,
  parseTemplate,
} from "./nunjucks-internals.js";
import { ShellContext } from "./shell-context.js";

/** Parser options of every recipe: a `{% … %}` line leaves no blank line behind. */
export const PARSE_OPTIONS: NjParseOptions = { trimBlocks: true, lstripBlocks: true };

/** The global functions the rewritten templates call (bound by recipes.ts). */
export const QUOTE_FUNCTION = "__sh";
export const LOOKUP_FUNCTION = "__get";
export const TEMPLATE_FUNCTION = "__template";

/** Helpers (filters and functions) that are told where they are called from, for their errors. */
export const POSITIONED_HELPERS: ReadonlySet<string> = new Set(["makevalue", "ref"]);

/**
 * Parses, checks and compiles the text of a recipe file. `file` is the path shown in messages.
 * Throws `RecipeError`.
 */
export function compileRecipe(source: string, file: string): { type: "code"; obj: unknown } {
  let ast: NjNode;
  try {
    ast = parseTemplate(source, PARSE_OPTIONS);
  } catch (e) {
    throw syntaxError(e, file);
  }
  const rewritten = new Rewriter(file).statement(ast, new ShellContext());
  try {
    return compileTemplate(rewritten, file);
  } catch (e) {
    throw syntaxError(e, file);
  }
}

/** A nunjucks parse or compile error as a RecipeError (its positions are 1-based). */
function syntaxError(e: unknown, file: string): RecipeError {
  const err = e as { message?: string; lineno?: number; colno?: number };
  const reason = (err.message ?? String(e))
    .replace(/^\([^)]*\)\s*(\[Line \d+(, Column \d+)?\])?\s*/, "")
    .replace(/^Template render error:\s*/, "")
    .replace(/^Error:\s*/, "");
  return new RecipeError(`syntax error: ${reason}`, {
    template: file,
    line: err.lineno ?? 0,
    column: err.colno ?? 0,
  });
}

const make = (
  cls: new (l: number, c: number, ...f: unknown[]) => NjNode,
  at: NjNode,
  ...f: unknown[]
) => new cls(at.lineno, at.colno, ...f);

class Rewriter {
  constructor(private readonly file: string) {}

  private fail(at: NjNode, reason: string, hint?: string): never {
    throw new RecipeError(
      reason,
      { template: this.file, line: at.lineno + 1, column: at.colno + 1 },
      undefined,
      hint,
    );
  }

  private position(at: NjNode): NjNode[] {
    return [
      make(njNodes().Literal, at, this.file),
      make(njNodes().Literal, at, at.lineno + 1),
      make(njNodes().Literal, at, at.colno + 1),
    ];
  }

  /** A node that writes output: checked against the shell context, which it advances. */
  statement(node: NjNode, sh: ShellContext): NjNode {
    switch (node.typename) {
      case "Output":
        return this.output(node, sh);
      case "If":
      case "IfAsync": {
        node.cond = this.expression(node.cond as NjNode);
        const other = sh.clone();
        node.body = this.statement(node.body as NjNode, sh);
        if (node.else_) node.else_ = this.statement(node.else_ as NjNode, other);
        if (sh.key() !== other.key())
          this.fail(node, "the branches of this {% if %} leave sh in different quoting states");
        return node;
      }
      case "Switch": {
        node.expr = this.expression(node.expr as NjNode);
        const start = sh.clone();
        const branches = [
          ...(node.cases as NjNode[]),
          ...(node.default ? [node.default as NjNode] : []),
        ];
        for (const branch of branches) {
          const state = start.clone();
          if (isNode(branch, "Case")) {
            branch.cond = this.expression(branch.cond as NjNode);
            branch.body = this.statement(branch.body as NjNode, state);
          } else node.default = this.statement(branch, state);
          if (state.key() !== start.key())
            this.fail(branch, "each case of a {% switch %} must leave sh's quoting as it found it");
        }
        return node;
      }
      case "For":
      case "AsyncEach":
      case "AsyncAll": {
        node.arr = this.expression(node.arr as NjNode);
        node.name = this.expression(node.name as NjNode);
        const start = sh.key();
        const other = sh.clone();
        node.body = this.statement(node.body as NjNode, sh);
        if (sh.key() !== start)
          this.fail(node, "the body of a {% for %} must leave sh's quoting as it found it");
        if (node.else_) node.else_ = this.statement(node.else_ as NjNode, other);
        if (sh.key() !== other.key())
          this.fail(node, "the {% else %} of this {% for %} leaves sh in another quoting state");
        return node;
      }
      case "Macro":
      case "Caller":
        return this.macro(node);
      case "Block":
      case "Include": {
        const why = sh.whyNotHere();
        if (why)
          this.fail(
            node,
            `a ${node.typename === "Block" ? "block" : "template"} cannot be inserted ${why}`,
          );
        if (isNode(node, "Block")) node.body = this.fresh(node.body as NjNode, true);
        else node.template = this.templateName(node.template as NjNode);
        return node;
      }
      case "Root":
      case "NodeList":
        node.children = node.children!.map((c) => this.statement(c, sh));
        return node;
      default:
        return this.expression(node);
    }
  }

  /** Template text read from the start of a line of sh, e.g. a macro's or a block's body. */
  private fresh(body: NjNode, mustEndBetweenWords: boolean): NjNode {
    const sh = new ShellContext();
    const out = this.statement(body, sh);
    const why = sh.whyNotHere();
    if (mustEndBetweenWords && why)
      this.fail(body, `this text ends ${why}; close it where it opens`);
    return out;
  }

  /** The name of a template to include, import or extend: checked to exist where it is named. */
  private templateName(node: NjNode): NjNode {
    return make(
      njNodes().FunCall,
      node,
      make(njNodes().Symbol, node, TEMPLATE_FUNCTION),
      make(njNodes().NodeList, node, [this.expression(node), ...this.position(node)]),
    );
  }

  private macro(node: NjNode): NjNode {
    node.args = this.expression(node.args as NjNode);
    node.body = this.fresh(node.body as NjNode, true);
    return node;
  }

  private output(node: NjNode, sh: ShellContext): NjNode {
    node.children = node.children!.map((child) => {
      if (isNode(child, "TemplateData")) {
        this.feed(sh, String(child.value ?? ""), child);
        return child;
      }
      const why = sh.whyNotHere();
      if (why)
        this.fail(
          child,
          `a value cannot be printed ${why}`,
          '{{ }} already prints a quoted shell word: put it outside quotes, e.g. --prefix="$out"/{{ name }}',
        );
      if (isNode(child, "Filter") && isSymbol(child.name, "raw")) {
        const args = (child.args as NjNode).children ?? [];
        const text = args[0]?.value;
        if (args.length !== 1 || !isNode(args[0], "Literal") || typeof text !== "string")
          this.fail(
            child,
            "| raw takes only a string written in the template",
            "data is always quoted",
          );
        this.feed(sh, text, child);
        return make(njNodes().TemplateData, child, text);
      }
      const isCall = isNode(child, "FunCall");
      const what = describe(child);
      sh.feedValue();
      return make(
        njNodes().FunCall,
        child,
        make(njNodes().Symbol, child, QUOTE_FUNCTION),
        make(njNodes().NodeList, child, [
          this.expression(child),
          make(njNodes().Literal, child, isCall),
          ...this.position(child),
          make(njNodes().Literal, child, what),
        ]),
      );
    });
    return node;
  }

  private feed(sh: ShellContext, text: string, at: NjNode): void {
    try {
      sh.feed(text);
    } catch (e) {
      this.fail(at, (e as Error).message);
    }
  }

  /** An expression (or any other node): lookups made strict, reserved names refused. */
  private expression(node: NjNode): NjNode {
    if (node === null || node === undefined) return node;
    switch (node.typename) {
      case "Symbol":
        if (String(node.value).startsWith("__"))
          this.fail(node, `names starting with __ are reserved (${String(node.value)})`);
        return node;
      case "LookupVal":
        return make(
          njNodes().FunCall,
          node,
          make(njNodes().Symbol, node, LOOKUP_FUNCTION),
          make(njNodes().NodeList, node, [
            this.expression(node.target as NjNode),
            this.expression(node.val as NjNode),
            ...this.position(node),
          ]),
        );
      case "Filter": {
        const name = String((node.name as NjNode).value);
        if (name === "raw") this.fail(node, '| raw is only for {{ "text" | raw }}');
        node.args = this.expression(node.args as NjNode);
        if (POSITIONED_HELPERS.has(name))
          (node.args as NjNode).children!.push(...this.position(node));
        return node;
      }
      case "FunCall": {
        const callee = node.name as NjNode;
        node.name = this.expression(callee);
        node.args = this.expression(node.args as NjNode);
        if (isNode(callee, "Symbol") && POSITIONED_HELPERS.has(String(callee.value)))
          (node.args as NjNode).children!.push(...this.position(node));
        return node;
      }
      case "Macro":
      case "Caller":
        return this.macro(node);
      case "Extends":
      case "Import":
      case "FromImport":
        node.template = this.templateName(node.template as NjNode);
        if (node.target) node.target = this.expression(node.target as NjNode);
        if (node.names) node.names = this.expression(node.names as NjNode);
        return node;
      case "Capture":
        node.body = this.fresh(node.body as NjNode, false);
        return node;
      case "Output":
      case "If":
      case "For":
      case "Block":
      case "Include":
        return this.statement(node, new ShellContext());
    }
    if (node.children) node.children = node.children.map((c) => this.expression(c));
    for (const field of node.fields) {
      if (field === "children") continue;
      const value = node[field];
      if (value instanceof njNodes().Node) node[field] = this.expression(value as NjNode);
      // Some fields hold plain arrays of nodes ({% set a, b = … %}, {% for k, v in … %}).
      else if (Array.isArray(value)) node[field] = value.map((v: NjNode) => this.expression(v));
    }
    return node;
  }
}

function isSymbol(node: unknown, name: string): boolean {
  return isNode(node, "Symbol") && (node as NjNode).value === name;
}

/** The expression as a person would write it, for "… is undefined" messages. */
function describe(node: NjNode): string {
  if (isNode(node, "Symbol")) return String(node.value);
  if (isNode(node, "Literal")) return JSON.stringify(node.value);
  if (isNode(node, "LookupVal")) {
    const key = node.val as NjNode;
    const target = describe(node.target as NjNode);
    return isNode(key, "Literal") && typeof key.value === "string" && /^\w+$/.test(key.value)
      ? `${target}.${key.value}`
      : `${target}[${describe(key)}]`;
  }
  if (isNode(node, "FunCall")) return `${describe(node.name as NjNode)}(…)`;
  if (isNode(node, "Filter")) {
    const first = (node.args as NjNode).children?.[0];
    return `${first ? describe(first) : "…"} | ${String((node.name as NjNode).value)}`;
  }
  return "this expression";
}
