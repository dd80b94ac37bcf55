/**
 * Where each key and value of a TOML document starts: one pass over a text that smol-toml has
 * already accepted (`toml.ts`), so this reads structure only and never judges validity.
 *
 * Our own code, because no fast TOML parser on npm reports positions: toml-eslint-parser does, but
 * its ESLint tree (tokens, ranges, every node's location) was half of a cold load, 0.33 ms a
 * file; smol-toml's values and this pass together cost about a third of that. The positions are
 * toml-eslint-parser's, which stays the reference in `test/toml-locate.test.ts`:
 * - a key part: where that part starts (its quote, for a quoted key);
 * - a value: where it starts (quote, bracket, brace, sign or first digit);
 * - a table header `[a.b]` or `[[a.b]]`: key and value at its first bracket, for every step of its
 *   path, array-of-tables indexes included;
 * - an array element: key and value where the element starts;
 * - the first key or header to reach a path owns its position.
 */

/** The positions recorded under one path step (UTF-16 offsets), and the steps below. */
export interface PositionNode {
  key?: number;
  value?: number;
  children?: Map<string, PositionNode>;
}

/** The positions of every key and value of `text`, a document smol-toml accepted. */
export function locateToml(text: string): PositionNode {
  return new Locator(text).document();
}

const TAB = 9;
const LF = 10;
const CR = 13;
const SPACE = 32;
const QUOTE = 34;
const HASH = 35;
const APOSTROPHE = 39;
const COMMA = 44;
const DOT = 46;
const EQUALS = 61;
const OPEN_BRACKET = 91;
const BACKSLASH = 92;
const CLOSE_BRACKET = 93;
const OPEN_BRACE = 123;
const CLOSE_BRACE = 125;

/** One part of a dotted key: its name (unescaped) and where it starts. */
interface KeyPart {
  readonly name: string;
  readonly at: number;
}

/**
 * The tables headers have named so far, as a tree: an array of tables knows its last index, and
 * its tables are children by index (a path is never joined into one string: a key may hold any
 * character, and joining every prefix of a long header was quadratic).
 */
interface HeaderNode {
  last?: number;
  readonly children: Map<string | number, HeaderNode>;
}

/**
 * Nesting followed at most (smol-toml accepts 1,000): deeper text is skipped, not recursed into,
 * so that no input overflows the stack.
 */
const MAX_DEPTH = 1000;

class Locator {
  private i = 0;
  private depth = 0;
  private readonly top: PositionNode = {};
  private readonly headers: HeaderNode = { children: new Map() };

  constructor(private readonly text: string) {}

  document(): PositionNode {
    const { text } = this;
    let table = this.top;
    for (;;) {
      this.skipBlank(true);
      if (this.i >= text.length) return this.top;
      const start = this.i;
      if (text.charCodeAt(start) === OPEN_BRACKET) table = this.header(start);
      else this.keyValue(table);
      this.skipLineEnd(start);
    }
  }

  /** `[a.b]` or `[[a.b]]`: records every step of its resolved path; returns where its keys go. */
  private header(start: number): PositionNode {
    const { text } = this;
    const isArray = text.charCodeAt(start + 1) === OPEN_BRACKET;
    this.i = start + (isArray ? 2 : 1);
    const parts = this.key();
    this.skipBlank(false);
    while (text.charCodeAt(this.i) === CLOSE_BRACKET) this.i++;
    let at = this.top;
    let node = this.headers;
    parts.forEach((part, n) => {
      at = record(at, part.name, start, start);
      node = child(node, part.name);
      if (n < parts.length - 1 || !isArray) {
        // A step through an array of tables goes into its last table.
        if (node.last === undefined) return;
        at = record(at, node.last, start, start);
        node = child(node, node.last);
      } else {
        node.last = node.last === undefined ? 0 : node.last + 1;
        at = record(at, node.last, start, start);
        node = child(node, node.last);
      }
    });
    return at;
  }

  /** `key = value`, its keys recorded under `base`. */
  private keyValue(base: PositionNode): void {
    const parts = this.key();
    this.skipBlank(false);
    if (this.text.charCodeAt(this.i) === EQUALS) this.i++;
    this.skipBlank(false);
    const valueAt = this.i;
    let at = base;
    for (const part of parts) at = record(at, part.name, part.at, valueAt);
    this.value(at);
  }

  /** A key, dotted or not; at least one part, even from text it does not expect. */
  private key(): KeyPart[] {
    const { text } = this;
    const parts: KeyPart[] = [];
    for (;;) {
      this.skipBlank(false);
      const at = this.i;
      const c = text.charCodeAt(at);
      let name: string;
      let end = at;
      if (c === QUOTE) {
        end = this.basicEnd(at + 1);
        name = unescapeBasic(text.slice(at + 1, end - 1));
      } else if (c === APOSTROPHE) {
        end = this.literalEnd(at + 1);
        name = text.slice(at + 1, end - 1);
      } else {
        while (end < text.length && isBareKeyChar(text.charCodeAt(end))) end++;
        name = text.slice(at, end);
      }
      this.i = end;
      parts.push({ name, at });
      this.skipBlank(false);
      if (text.charCodeAt(this.i) !== DOT) return parts;
      this.i++;
    }
  }

  /** A value starting here, its inner keys and elements recorded under `at`. */
  private value(at: PositionNode): void {
    const { text } = this;
    const start = this.i;
    const c = text.charCodeAt(start);
    if ((c === OPEN_BRACKET || c === OPEN_BRACE) && this.depth >= MAX_DEPTH) {
      this.i = text.length;
      return;
    }
    this.depth++;
    try {
      this.structure(at, start, c);
    } finally {
      this.depth--;
    }
  }

  private structure(at: PositionNode, start: number, c: number): void {
    const { text } = this;
    if (c === QUOTE) {
      this.i = text.startsWith('"""', start)
        ? this.multiLineEnd(start + 3, '"')
        : this.basicEnd(start + 1);
    } else if (c === APOSTROPHE) {
      this.i = text.startsWith("'''", start)
        ? this.multiLineEnd(start + 3, "'")
        : this.literalEnd(start + 1);
    } else if (c === OPEN_BRACKET) {
      this.i++;
      for (let index = 0; ; index++) {
        this.skipBlank(true);
        if (this.i >= text.length) return;
        if (text.charCodeAt(this.i) === CLOSE_BRACKET) break;
        const element = this.i;
        this.value(record(at, index, element, element));
        this.skipBlank(true);
        if (text.charCodeAt(this.i) === COMMA) this.i++;
        else if (this.i === element) this.i++;
      }
      this.i++;
    } else if (c === OPEN_BRACE) {
      this.i++;
      for (;;) {
        // TOML 1.1 allows new lines and a trailing comma here.
        this.skipBlank(true);
        if (this.i >= text.length) return;
        if (text.charCodeAt(this.i) === CLOSE_BRACE) break;
        const entry = this.i;
        this.keyValue(at);
        this.skipBlank(true);
        if (text.charCodeAt(this.i) === COMMA) this.i++;
        else if (this.i === entry) this.i++;
      }
      this.i++;
    } else {
      this.i = this.scalarEnd(start);
      // A date and a time may be apart by one space: `1979-05-27 07:32:00Z`.
      if (
        this.i - start === 10 &&
        text.charCodeAt(this.i) === SPACE &&
        /^\d{4}-\d\d-\d\d \d\d:/.test(text.slice(start, this.i + 4))
      )
        this.i = this.scalarEnd(this.i + 1);
    }
  }

  /** After `"`: just past the closing quote (escapes skipped). */
  private basicEnd(from: number): number {
    const { text } = this;
    let i = from;
    while (i < text.length) {
      const c = text.charCodeAt(i);
      if (c === BACKSLASH) i += 2;
      else if (c === QUOTE || c === LF) return i + 1;
      else i++;
    }
    return i;
  }

  /** After `'`: just past the closing quote. */
  private literalEnd(from: number): number {
    const { text } = this;
    let i = from;
    while (i < text.length) {
      const c = text.charCodeAt(i++);
      if (c === APOSTROPHE || c === LF) break;
    }
    return i;
  }

  /**
   * After `"""` or `'''`: just past the closing delimiter, the last three of a run of quotes (up to
   * two more belong to the string).
   */
  private multiLineEnd(from: number, quote: '"' | "'"): number {
    const { text } = this;
    const code = quote.charCodeAt(0);
    let i = from;
    while (i < text.length) {
      const c = text.charCodeAt(i);
      if (c === BACKSLASH && code === QUOTE) i += 2;
      else if (c === code) {
        let run = i;
        while (text.charCodeAt(run) === code) run++;
        if (run - i >= 3) return run;
        i = run;
      } else i++;
    }
    return i;
  }

  /** A number, boolean or date: up to the next blank, separator or comment. */
  private scalarEnd(from: number): number {
    const { text } = this;
    let i = from;
    while (i < text.length && !endsScalar(text.charCodeAt(i))) i++;
    return i;
  }

  /** Spaces and tabs; with `lines`, new lines and comments too. */
  private skipBlank(lines: boolean): void {
    const { text } = this;
    while (this.i < text.length) {
      const c = text.charCodeAt(this.i);
      if (c === SPACE || c === TAB) this.i++;
      else if (lines && (c === LF || c === CR)) this.i++;
      else if (lines && c === HASH) this.skipComment();
      else return;
    }
  }

  /** The rest of a line after a key/value or header: blanks, a comment, the line break. */
  private skipLineEnd(start: number): void {
    this.skipBlank(false);
    if (this.text.charCodeAt(this.i) === HASH) this.skipComment();
    // Text this pass does not expect (smol-toml accepted it, so a bug here): never loop on it.
    if (this.i === start) this.i++;
  }

  private skipComment(): void {
    const end = this.text.indexOf("\n", this.i);
    this.i = end < 0 ? this.text.length : end;
  }
}

/** The table under `node` named `step`, made if new. */
function child(node: HeaderNode, step: string | number): HeaderNode {
  let next = node.children.get(step);
  if (next === undefined) {
    next = { children: new Map() };
    node.children.set(step, next);
  }
  return next;
}

/** Records `key` and `value` under `parent`'s `step`, unless an earlier key or header did. */
function record(
  parent: PositionNode,
  step: string | number,
  key: number,
  value: number,
): PositionNode {
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
}

const isBareKeyChar = (c: number) =>
  (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c === 45;

const endsScalar = (c: number) =>
  c === SPACE ||
  c === TAB ||
  c === LF ||
  c === CR ||
  c === COMMA ||
  c === CLOSE_BRACKET ||
  c === CLOSE_BRACE ||
  c === HASH;

const ESCAPES: Readonly<Record<string, string>> = {
  b: "\b",
  t: "\t",
  n: "\n",
  f: "\f",
  r: "\r",
  e: "\u001b",
  '"': '"',
  "\\": "\\",
};

/** A basic string's content with its escapes replaced (as in a quoted key). */
function unescapeBasic(content: string): string {
  if (!content.includes("\\")) return content;
  return content.replace(
    /\\(x[0-9A-Fa-f]{2}|u[0-9A-Fa-f]{4}|U[0-9A-Fa-f]{8}|.)/g,
    (_, e: string) =>
      e.length > 1 ? String.fromCodePoint(Number.parseInt(e.slice(1), 16)) : (ESCAPES[e] ?? e),
  );
}
