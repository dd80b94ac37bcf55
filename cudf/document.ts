/**
 * Reader of CUDF 2.0 documents (Treinen & Zacchiroli, "Common Upgradeability Description Format
 * (CUDF) 2.0", Mancoosi D5.4): RFC 822-like stanzas separated by blank lines, `#` comments in the
 * first column, continuation lines starting with a space; an optional preamble declaring typed
 * extra properties with defaults, package stanzas, and one request stanza.
 *
 * Speed matters (Debian's universe is 24 MB, and apt-cudf starts a solver per request): the
 * document is read as bytes, and a package stanza of the usual shape (one line per property, the
 * core properties and declared relationship or string properties) is checked and indexed in one
 * pass over them, with no string made but its name's (interned: `names.ts`). Relationships are
 * parsed into objects only when a solver asks for them. Any other stanza — a preamble, the
 * request, continued values, comments inside, anything malformed — is read again by the general
 * reader below, so every error cites the line of the property it is in, in the same words.
 */
import { readFileSync } from "node:fs";
import { NotFoundError } from "../solver/errors.js";
import { CudfSyntaxError } from "./errors.js";
import { decode, KEEP_CODES, mix, NameIndex } from "./names.js";

/** A version comparison of CUDF (`=`, `!=`, `>=`, `>`, `<=`, `<`). */
export type RelOp = "=" | "!=" | ">=" | ">" | "<=" | "<";

/** A versioned package constraint: `name`, or `name op version`. */
export interface Vpkg {
  readonly name: string;
  readonly op?: RelOp;
  readonly version?: number;
}

/**
 * A `vpkgformula` in conjunctive normal form: a conjunction of disjunctions. `[]` is `true!`; a
 * conjunct `[]` is `false!`.
 */
export type Formula = readonly (readonly Vpkg[])[];

/** The type of a property, as the preamble declares it (§2.2.2 of the specification). */
export type PropertyType =
  | {
      readonly kind:
        | "int"
        | "posint"
        | "nat"
        | "bool"
        | "string"
        | "pkgname"
        | "ident"
        | "vpkg"
        | "vpkglist"
        | "vpkgformula"
        | "veqpkg"
        | "veqpkglist";
    }
  | { readonly kind: "enum"; readonly values: readonly string[] };

/** A typed property value. */
export type Value = number | boolean | string | Vpkg | readonly Vpkg[] | Formula;

/** An extra property declared by the preamble. */
export interface PropertyDecl {
  readonly name: string;
  readonly type: PropertyType;
  /** Absent when the property is required in every package stanza. */
  readonly default?: Value;
}

/** How an installed package must survive the request (the `keep` property). */
export type Keep = "version" | "package" | "feature" | "none";

/**
 * One package stanza. Its relationships are parsed on first use: a solver reads those of the
 * few thousand packages its request reaches, not of all 63,000 (the reader has already checked
 * their syntax, so that errors still cite their line). Extra properties are read on demand with
 * `CudfDocument.property`.
 */
export class CudfPackage {
  private parsedDepends?: Formula;
  private parsedConflicts?: readonly Vpkg[];
  private parsedProvides?: readonly Vpkg[];
  /** The id of its name in the document's name table. */
  readonly nameId: number;
  readonly version: number;
  readonly installed: boolean;
  readonly wasInstalled: boolean;
  readonly keep: Keep;
  /** Line of the `package:` property. */
  readonly line: number;
  /** Offsets of the stanza in the document's bytes (for reading its other properties). */
  readonly start: number;
  readonly end: number;

  constructor(
    private readonly context: PackageContext,
    /** Its index in the document's packages. */
    readonly id: number,
  ) {
    const t = context.index;
    this.nameId = t.packageName.data[id]!;
    this.version = t.version[id]!;
    const flags = t.flags.data[id]!;
    this.installed = (flags & 1) !== 0;
    this.wasInstalled = (flags & 2) !== 0;
    this.keep = KEEP_CODES[flags >> 2]!;
    this.line = t.line.data[id]!;
    this.start = t.start.data[id]!;
    this.end = t.end.data[id]!;
  }

  /** The package's name. */
  get name(): string {
    return this.context.index.names.name(this.nameId);
  }

  /** The `depends` formula (`true!` when absent). */
  get depends(): Formula {
    this.parsedDepends ??= this.relation(0, FORMULA) as Formula;
    return this.parsedDepends;
  }

  /** The `conflicts` list. */
  get conflicts(): readonly Vpkg[] {
    this.parsedConflicts ??= this.relation(2, LIST) as readonly Vpkg[];
    return this.parsedConflicts;
  }

  /** Features: `name` (every version) or `name = version`. */
  get provides(): readonly Vpkg[] {
    this.parsedProvides ??= this.relation(4, FEATURES) as readonly Vpkg[];
    return this.parsedProvides;
  }

  /** The relationship whose offsets are at `at` in the package's six. */
  private relation(at: number, kind: number): Formula | readonly Vpkg[] {
    const t = this.context.index;
    const r = t.relations.data;
    const from = r[6 * this.id + at]!;
    const to = r[6 * this.id + at + 1]!;
    if (to <= from) return [];
    return this.context.relations.read(t.packageBytes(this.id), from, to, kind, this.line);
  }
}

/** What packages share: the document's bytes, its tables and a parser for their values. */
interface PackageContext {
  readonly bytes: Uint8Array;
  readonly index: NameIndex;
  readonly relations: RelationReader;
}

/**
 * Reads relationships from bytes the reader has checked, into constraint objects shared by
 * name, operator and version (Debian repeats `libc6 >= 2.34` thousands of times). Anything
 * unusual (an empty item) is left to the general value parser, which says what is wrong.
 */
class RelationReader {
  /**
   * By name id: the bare name's constraint, and the others by version × 8 + operator code.
   * Maps: an array indexed by name id is a dictionary when written far past its end, and filling
   * one up front cost more than the look-ups.
   */
  private readonly bare = new Map<number, Vpkg>();
  private readonly shared = new Map<number, Map<number, Vpkg>>();
  /** Where the last `atom` ended. */
  private next = 0;

  constructor(
    private readonly index: NameIndex,
    private readonly values: ValueReader,
  ) {}

  /** A formula (`FORMULA`) or a list (`LIST`, `FEATURES`) in `b[from, to)`. */
  read(b: Uint8Array, from: number, to: number, kind: number, line: number): Formula | Vpkg[] {
    const formula = kind === FORMULA;
    const out: Vpkg[][] = [];
    let items: Vpkg[] = [];
    let always = false;
    let i = from;
    for (;;) {
      while (i < to && b[i] === 32) i++;
      if (formula && b[i] === 116 /* t */ && i + 5 <= to && bytesAre(b, i, "true!")) {
        always = true;
        i += 5;
      } else if (formula && b[i] === 102 /* f */ && i + 6 <= to && bytesAre(b, i, "false!")) {
        i += 6;
      } else {
        const v = this.atom(b, i, to);
        if (v === undefined) {
          const text = decode(b, from, to);
          return formula
            ? this.values.formula(text, line)
            : this.values.vpkglist(text, line, kind === FEATURES);
        }
        items.push(v);
        i = this.next;
      }
      while (i < to && b[i] === 32) i++;
      if (!formula) {
        if (i >= to) return items;
        i++; // the comma
        continue;
      }
      if (i >= to || b[i] === 44 /* , */) {
        if (!always) out.push(items);
        if (i >= to) return out;
        items = [];
        always = false;
      }
      i++; // the comma or the bar
    }
  }

  /** The constraint at `b[i]`, or undefined when there is no name there. */
  private atom(b: Uint8Array, i: number, to: number): Vpkg | undefined {
    const start = i;
    while (i < to && isNameChar(b[i]!)) i++;
    if (i === start) return undefined;
    const name = this.index.name(b, start, i);
    while (i < to && b[i] === 32) i++;
    let code = 0;
    let version = 0;
    if (i < to) {
      const c = b[i]!;
      const long = i + 1 < to && b[i + 1] === 61;
      // = 1, != 2, >= 3, > 4, <= 5, < 6
      if (c === 61) code = 1;
      else if (c === 33) code = 2;
      else if (c === 62) code = long ? 3 : 4;
      else if (c === 60) code = long ? 5 : 6;
      if (code !== 0) {
        i += code === 2 || code === 3 || code === 5 ? 2 : 1;
        while (i < to && b[i] === 32) i++;
        for (let d = b[i]!; i < to && d >= 48 && d <= 57; d = b[++i]!)
          version = version * 10 + d - 48;
      }
    }
    this.next = i;
    if (code === 0) {
      // A bare name (most conflicts, many depends): one look-up.
      let v = this.bare.get(name);
      if (v === undefined) {
        v = { name: this.index.names.name(name) };
        this.bare.set(name, v);
      }
      return v;
    }
    let byKey = this.shared.get(name);
    if (byKey === undefined) {
      byKey = new Map();
      this.shared.set(name, byKey);
    }
    const key = version * 8 + code;
    let v = byKey.get(key);
    if (v === undefined) {
      const text = this.index.names.name(name);
      v = { name: text, op: OPS[code]!, version };
      byKey.set(key, v);
    }
    return v;
  }
}

/** Operators by their code in `RelationReader`. */
const OPS: readonly (RelOp | undefined)[] = [undefined, "=", "!=", ">=", ">", "<=", "<"];

/** The request stanza. */
export interface CudfRequest {
  /** The request's identifier (the value of `request:`). */
  readonly id: string;
  readonly install: readonly Vpkg[];
  readonly remove: readonly Vpkg[];
  readonly upgrade: readonly Vpkg[];
  /** Line of the `request:` property (0 when the document has no request stanza). */
  readonly line: number;
  readonly lines: ReadonlyMap<string, number>;
}

/**
 * A whole CUDF document. Package stanzas keep only what solving needs; other properties are
 * read again from the bytes when asked for (a distribution's stanzas carry a dozen properties
 * each, and keeping them all as objects made reading Debian's universe four times slower).
 */
export class CudfDocument {
  /** Package objects, made on first use. */
  private readonly made: (CudfPackage | undefined)[];
  private all?: readonly CudfPackage[];
  private readonly context: PackageContext;

  constructor(
    /** The path it was read from, for citations. */
    readonly file: string,
    private readonly bytes: Uint8Array,
    /** Extra properties declared by the preamble, by name, in declaration order. */
    readonly properties: ReadonlyMap<string, PropertyDecl>,
    /** Number of packages. */
    readonly size: number,
    readonly request: CudfRequest,
    /** Names interned to integers, the packages and features of each (for `CudfUniverse`). */
    readonly index: NameIndex,
    private readonly values: ValueReader,
  ) {
    this.context = { bytes, index, relations: new RelationReader(index, values) };
    this.made = new Array(size);
  }

  /** The package stanzas, in document order. */
  get packages(): readonly CudfPackage[] {
    if (this.all === undefined) {
      const all: CudfPackage[] = [];
      for (let id = 0; id < this.size; id++) all.push(this.package(id));
      this.all = all;
    }
    return this.all;
  }

  /** The package with this id (its index in `packages`). */
  package(id: number): CudfPackage {
    let p = this.made[id];
    if (p === undefined) {
      p = new CudfPackage(this.context, id);
      this.made[id] = p;
    }
    return p;
  }

  /** Whether package `id` is installed (without making its object). */
  installed(id: number): boolean {
    return (this.index.flags.data[id]! & 1) !== 0;
  }

  /** The value of a declared extra property of a package (its default when not given). */
  property(pkg: CudfPackage, name: string): Value | undefined {
    const decl = this.properties.get(name);
    if (!decl) return undefined;
    const found = this.raw(pkg, name);
    if (found === undefined) return decl.default;
    return this.values.value(decl.type, found.value, found.line, name);
  }

  /** The line a property of a package stanza is on (the stanza's first line when absent). */
  line(pkg: CudfPackage, name: string): number {
    return this.raw(pkg, name)?.line ?? pkg.line;
  }

  private raw(pkg: CudfPackage, name: string): { value: string; line: number } | undefined {
    let found: { value: string; line: number } | undefined;
    const text = decode(this.bytes, pkg.start, pkg.end);
    scanLines(text, 0, text.length, pkg.line, (key, value, line) => {
      if (key === name) found = { value, line };
      return found === undefined;
    });
    return found;
  }
}

const CORE_PACKAGE = new Set([
  "package",
  "version",
  "depends",
  "conflicts",
  "provides",
  "installed",
  "was-installed",
  "keep",
]);
const KEEP = new Set<string>(["version", "package", "feature", "none"]);
const RELOPS = new Set<string>(["=", "!=", ">=", ">", "<=", "<"]);
const KEY = /^[a-z][a-z0-9-]*$/;

interface Property {
  readonly key: string;
  readonly value: string;
  readonly line: number;
  /** Where a one-line value is in the document's text (-1 for a continued value). */
  readonly from: number;
  readonly to: number;
}

/** Parses a CUDF document (its text or its UTF-8 bytes); `file` is used in error messages. */
export function parseCudf(text: string | Uint8Array, file: string): CudfDocument {
  const bytes =
    typeof text === "string"
      ? Buffer.from(text, "utf8")
      : Buffer.isBuffer(text)
        ? text
        : Buffer.from(text.buffer, text.byteOffset, text.byteLength);
  return new Reader(bytes, file).read();
}

/**
 * Calls `property` for each logical line (continuations joined) of `text[from, to)`, whose first
 * line is number `firstLine`, until it returns false; `blank` at each blank line (a stanza's
 * end, with its offset) and at the end; `bad` for a line that is not a property.
 */
function scanLines(
  text: string,
  from: number,
  to: number,
  firstLine: number,
  property: (
    key: string,
    value: string,
    line: number,
    offset: number,
    valueFrom: number,
    valueTo: number,
  ) => boolean,
  blank: (offset: number) => void = () => {},
  bad: (line: number, reason: string) => never = (line, reason) => {
    throw new CudfSyntaxError("", line, reason);
  },
): void {
  let pos = from;
  let line = firstLine - 1;
  let key: string | undefined;
  let value = "";
  let keyLine = 0;
  let keyOffset = 0;
  let valueFrom = -1;
  let valueTo = -1;
  const flush = (): boolean => {
    if (key === undefined) return true;
    const k = key;
    key = undefined;
    return property(k, value, keyLine, keyOffset, valueFrom, valueTo);
  };
  while (pos < to) {
    let end = text.indexOf("\n", pos);
    if (end === -1 || end > to) end = to;
    line++;
    const lineStart = pos;
    pos = end + 1;
    let last = end;
    if (last > lineStart && text.charCodeAt(last - 1) === 13) last--; // CRLF
    const first = text.charCodeAt(lineStart);
    if (last === lineStart || isBlank(text, lineStart, last)) {
      if (!flush()) return;
      blank(lineStart);
      continue;
    }
    if (first === 35 /* # */) continue;
    if (first === 32 /* space */ || first === 9 /* tab */) {
      if (key === undefined) bad(line, "a continuation line outside a property");
      value += ` ${text.slice(lineStart, last).trim()}`;
      valueFrom = -1;
      continue;
    }
    if (!flush()) return;
    key = knownKey(text, lineStart);
    let colon: number;
    if (key !== undefined) {
      colon = lineStart + key.length;
    } else {
      colon = text.indexOf(":", lineStart);
      if (colon === -1 || colon >= last)
        bad(line, `expected "key: value", found "${text.slice(lineStart, last)}"`);
      key = text.slice(lineStart, colon);
      if (!KEY.test(key)) bad(line, `bad property name "${key}" (lowercase letters, digits and -)`);
    }
    let vStart = colon + 1;
    while (vStart < last && (text.charCodeAt(vStart) === 32 || text.charCodeAt(vStart) === 9))
      vStart++;
    let vEnd = last;
    while (vEnd > vStart && (text.charCodeAt(vEnd - 1) === 32 || text.charCodeAt(vEnd - 1) === 9))
      vEnd--;
    value = text.slice(vStart, vEnd);
    valueFrom = vStart;
    valueTo = vEnd;
    keyLine = line;
    keyOffset = lineStart;
  }
  if (flush()) blank(to);
}

/** The properties of nearly every stanza, matched in place: no string is made for their keys. */
const KNOWN_KEYS = ["package", "version", "depends", "conflicts", "provides", "installed", "keep"];

/** The known key the line at `at` starts with (followed by its colon), if any. */
function knownKey(text: string, at: number): string | undefined {
  for (const k of KNOWN_KEYS)
    if (text.charCodeAt(at + k.length) === 58 /* : */ && text.startsWith(k, at)) return k;
  return undefined;
}

function isBlank(text: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (c !== 32 && c !== 9) return false;
  }
  return true;
}

/** Parses values of the property types (the relationships of packages, on first use). */
class ValueReader {
  /** One object per distinct constraint text: Debian repeats `libc6 (>= 2.34)` thousands of times. */
  private readonly interned = new Map<string, Vpkg>();

  constructor(protected readonly file: string) {}

  protected fail(line: number, reason: string, hint?: string): never {
    throw new CudfSyntaxError(this.file, line, reason, hint);
  }

  value(type: PropertyType, text: string, line: number, what: string): Value {
    switch (type.kind) {
      case "int":
        return this.integer(text, line, what, -Infinity);
      case "nat":
        return this.integer(text, line, what, 0);
      case "posint":
        return this.integer(text, line, what, 1);
      case "bool":
        if (text === "true" || text === "false") return text === "true";
        return this.fail(line, `${what} must be true or false, not "${text}"`);
      case "string":
        return text;
      case "pkgname":
        this.pkgname(text, line);
        return text;
      case "ident":
        if (!/^[a-z][a-z0-9-]*$/.test(text)) this.fail(line, `${what}: bad identifier "${text}"`);
        return text;
      case "enum":
        if (!type.values.includes(text))
          this.fail(line, `${what} must be one of ${type.values.join(", ")}, not "${text}"`);
        return text;
      case "vpkg":
        return this.vpkg(text, line, false);
      case "veqpkg":
        return this.vpkg(text, line, true);
      case "vpkglist":
        return this.vpkglist(text, line, false);
      case "veqpkglist":
        return this.vpkglist(text, line, true);
      case "vpkgformula":
        return this.formula(text, line);
    }
  }

  protected integer(text: string, line: number, what: string, min: number): number {
    let i = text.charCodeAt(0) === 43 || text.charCodeAt(0) === 45 ? 1 : 0; // + -
    if (i === text.length) this.fail(line, `${what} must be an integer, not "${text}"`);
    for (; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c < 48 || c > 57) this.fail(line, `${what} must be an integer, not "${text}"`);
    }
    const n = Number(text);
    if (n < min || !Number.isSafeInteger(n))
      this.fail(line, `${what} must be ${min === 1 ? "positive" : "≥ 0"}, not ${text}`);
    return n;
  }

  protected pkgname(text: string, line: number): void {
    if (text.length === 0) this.fail(line, "a package name is empty");
    for (let i = 0; i < text.length; i++)
      if (!isNameChar(text.charCodeAt(i)))
        this.fail(line, `"${text[i]}" is not allowed in the package name "${text}"`);
  }

  /** `name`, or `name op version` (only `=` when `eq`). */
  private vpkg(text: string, line: number, eq: boolean): Vpkg {
    let i = 0;
    const n = text.length;
    while (i < n && text.charCodeAt(i) === 32) i++;
    const start = i;
    while (i < n && isNameChar(text.charCodeAt(i))) i++;
    const name = text.slice(start, i);
    if (name.length === 0)
      this.fail(
        line,
        `expected a package name in "${text.trim()}"`,
        "names use A-Z a-z 0-9 -+./@()%_",
      );
    while (i < n && text.charCodeAt(i) === 32) i++;
    if (i === n) return { name };
    const opStart = i;
    while (i < n && "=!<>".includes(text[i]!)) i++;
    const op = text.slice(opStart, i);
    if (!RELOPS.has(op))
      this.fail(
        line,
        `bad constraint "${text.trim()}": expected one of = != >= > <= < after the name`,
      );
    if (eq && op !== "=")
      this.fail(line, `provides takes only "name" or "name = version", not "${text.trim()}"`);
    while (i < n && text.charCodeAt(i) === 32) i++;
    const vStart = i;
    while (i < n && text.charCodeAt(i) >= 48 && text.charCodeAt(i) <= 57) i++;
    const digits = text.slice(vStart, i);
    while (i < n && text.charCodeAt(i) === 32) i++;
    if (digits.length === 0 || i !== n)
      this.fail(line, `bad constraint "${text.trim()}": a version is a positive integer`);
    const version = Number(digits);
    if (version < 1) this.fail(line, `bad constraint "${text.trim()}": versions start at 1`);
    return { name, op: op as RelOp, version };
  }

  vpkglist(text: string, line: number, eq: boolean): Vpkg[] {
    if (text.trim().length === 0) return [];
    return text.split(",").map((v) => this.intern(v, line, eq));
  }

  private intern(text: string, line: number, eq: boolean): Vpkg {
    // Trimmed: "libc6 >= 2" is written with and without spaces around it in a list.
    const trimmed = text.trim();
    const key = eq ? `=${trimmed}` : trimmed;
    let v = this.interned.get(key);
    if (v === undefined) {
      v = this.vpkg(text, line, eq);
      this.interned.set(key, v);
    }
    return v;
  }

  formula(text: string, line: number): Formula {
    const t = text.trim();
    if (t === "true!" || t.length === 0) return [];
    if (t === "false!") return [[]];
    const out: Vpkg[][] = [];
    for (const conjunct of t.split(",")) {
      const disjunction: Vpkg[] = [];
      let always = false;
      for (const atom of conjunct.split("|")) {
        const a = atom.trim();
        if (a === "true!") always = true;
        else if (a !== "false!") disjunction.push(this.intern(a, line, false));
      }
      if (!always) out.push(disjunction);
    }
    return out;
  }
}

/** Keys of the core package properties, as bits of a stanza's "seen" mask. */
const PACKAGE = 1;
const VERSION = 2;
const DEPENDS = 4;
const CONFLICTS = 8;
const PROVIDES = 16;
const INSTALLED = 32;
const WAS_INSTALLED = 64;
const KEEP_BIT = 128;

/** Relationship kinds of the byte-level syntax check. */
const FORMULA = 0;
const LIST = 1;
const FEATURES = 2;
const RELATION_KINDS = { vpkgformula: FORMULA, vpkglist: LIST, veqpkglist: FEATURES } as const;

/** Reads a whole document: the fast pass over package stanzas, the general reader for the rest. */
class Reader extends ValueReader {
  private readonly properties = new Map<string, PropertyDecl>();
  /** Declared properties without a default: every package stanza must give them. */
  private readonly required: string[] = [];
  /** Number of packages so far. */
  private count = 0;
  private request: CudfRequest | undefined;
  private readonly index = new NameIndex();
  /** Where the pass is: offset and line number of the next line. */
  private pos = 0;
  private lineNo = 1;

  constructor(
    private readonly bytes: Buffer,
    file: string,
  ) {
    super(file);
    this.index.bytes = bytes;
  }

  read(): CudfDocument {
    const b = this.bytes;
    const n = b.length;
    while (this.pos < n) {
      const start = this.pos;
      const c = b[start];
      // The usual cases first, without looking for the line's end: an empty line, a package.
      if (c === 10) {
        this.pos = start + 1;
        this.lineNo++;
        continue;
      }
      if (c === 112 /* p */ && this.request === undefined && this.fastPackage(start)) continue;
      const eol = lineEnd(b, start, n);
      if (c === 35 /* # */ || isBlankBytes(b, start, eol)) {
        this.pos = eol + 1;
        this.lineNo++;
      } else {
        this.slowStanza(start);
      }
    }
    return new CudfDocument(
      this.file,
      this.bytes,
      this.properties,
      this.count,
      this.request ?? {
        id: "",
        install: [],
        remove: [],
        upgrade: [],
        line: 0,
        lines: new Map(),
      },
      this.index,
      this,
    );
  }

  /**
   * Reads the package stanza at `start` if it has the usual shape and no error; false (having
   * changed nothing) otherwise, for the general reader to read it again.
   */
  private fastPackage(start: number): boolean {
    const b = this.bytes;
    const n = b.length;
    if (!startsWithKey(b, start, "package")) return false;
    let p = start;
    let line = this.lineNo;
    let seen = 0;
    let requiredSeen = 0;
    let extraKeys: string[] | undefined;
    let nameFrom = 0;
    let nameTo = 0;
    let nameHash = 0;
    let version = 0;
    let installed = false;
    let wasInstalled = false;
    let keep = 0;
    let depends = -1;
    let dependsEnd = -1;
    let conflicts = -1;
    let conflictsEnd = -1;
    let provides = -1;
    let providesEnd = -1;
    // One pass per line: the key, then the value up to its newline (no search for the newline
    // first). A blank line ends the stanza; a line starting with anything but a lowercase
    // letter (a continuation, a comment, spaces, CR) sends the stanza to the general reader.
    while (p < n) {
      const c0 = b[p]!;
      if (c0 === 10 || (c0 === 13 && b[p + 1] === 10)) break;
      if (c0 < 97 || c0 > 122) return false;
      let k = p + 1;
      while (KEY_BYTES[b[k]!] === 1) k++;
      if (b[k] !== 58 /* : */) return false;
      let v = k + 1;
      while (b[v] === 32 || b[v] === 9) v++;
      const bit = coreKey(b, p, k);
      if (bit !== 0) {
        if ((seen & bit) !== 0) return false;
        seen |= bit;
      }
      // Where the value ends (trailing blanks excluded); -1: not of the usual shape.
      let e = -1;
      switch (bit) {
        case PACKAGE: {
          let hash = 0x811c9dc5; // `hashBytes`, as the name is checked
          let i = v;
          for (let c = b[i]!; NAME_CHARS[c] === 1; c = b[++i]!)
            hash = Math.imul(hash ^ c, 0x01000193);
          if (i === v) return false;
          nameHash = mix(hash);
          nameFrom = v;
          nameTo = e = i;
          break;
        }
        case VERSION: {
          let i = v;
          for (let d = b[i]!; d >= 48 && d <= 57; d = b[++i]!) version = version * 10 + d - 48;
          if (i === v || i - v > 15 || version < 1) return false;
          e = i;
          break;
        }
        case DEPENDS:
          depends = v;
          dependsEnd = e = relationsEnd(b, v, FORMULA);
          break;
        case CONFLICTS:
          conflicts = v;
          conflictsEnd = e = relationsEnd(b, v, LIST);
          break;
        case PROVIDES:
          provides = v;
          providesEnd = e = relationsEnd(b, v, FEATURES);
          break;
        case INSTALLED:
        case WAS_INSTALLED: {
          e = wordEnd(b, v);
          const value = boolBytes(b, v, e);
          if (value === undefined) return false;
          if (bit === INSTALLED) installed = value;
          else wasInstalled = value;
          break;
        }
        case KEEP_BIT:
          e = wordEnd(b, v);
          keep = keepBytes(b, v, e);
          if (keep === -1) return false;
          break;
        default: {
          const key = b.toString("latin1", p, k);
          const decl = this.properties.get(key);
          if (decl === undefined || extraKeys?.includes(key)) return false;
          extraKeys ??= [];
          extraKeys.push(key);
          if (decl.default === undefined) requiredSeen++;
          const kind = decl.type.kind;
          if (kind === "vpkgformula" || kind === "vpkglist" || kind === "veqpkglist")
            e = relationsEnd(b, v, RELATION_KINDS[kind]);
          else if (kind === "string") e = textEnd(b, v);
          else return false;
        }
      }
      // Blanks, an optional CR, then the newline (or the end of the document).
      if (e === -1) return false;
      let i = e;
      while (b[i] === 32 || b[i] === 9) i++;
      if (b[i] === 13) i++;
      if (i < n && b[i] !== 10) return false;
      p = i + 1;
      line++;
    }
    if (version === 0 || requiredSeen < this.required.length) return false;
    const name = this.index.name(b, nameFrom, nameTo, nameHash);
    const flags = (installed ? 1 : 0) | (wasInstalled ? 2 : 0) | (keep << 2);
    const index = this.index;
    index.addRelations(depends, dependsEnd, conflicts, conflictsEnd, provides, providesEnd);
    this.addPackage(name, nameFrom, nameTo, version, flags, this.lineNo, start, Math.min(p, n), 0);
    this.pos = Math.min(p, n);
    this.lineNo = line;
    return true;
  }

  /** Reads the stanza at `start` with the general reader (every error in its words). */
  private slowStanza(start: number): void {
    const b = this.bytes;
    const n = b.length;
    let p = start;
    let lines = 0;
    while (p < n) {
      const eol = lineEnd(b, p, n);
      let last = eol;
      if (last > p && b[last - 1] === 13) last--;
      if (isBlankBytes(b, p, last)) break;
      p = eol + 1;
      lines++;
    }
    const end = Math.min(p, n);
    const text = b.toString("utf8", start, end);
    const props: Property[] = [];
    scanLines(
      text,
      0,
      text.length,
      this.lineNo,
      (key, value, line, _offset, from, to) => {
        props.push({ key, value, line, from, to });
        return true;
      },
      () => {},
      (line, reason) => this.fail(line, reason),
    );
    if (props.length > 0) this.stanza(props, text, start, end);
    this.pos = end;
    this.lineNo += lines;
  }

  /**
   * Adds a package, its name and its features to the index; fails when its name and version are
   * taken. Its six relation offsets are pushed already, into the values `source` says, where
   * its name is `[nameFrom, nameTo)`.
   */
  private addPackage(
    name: number,
    nameFrom: number,
    nameTo: number,
    version: number,
    flags: number,
    line: number,
    start: number,
    end: number,
    source: number,
  ): void {
    const index = this.index;
    for (let q = index.lastOfName.data[name]!; q !== -1; q = index.previousOfName.data[q]!)
      if (index.version[q] === version)
        this.fail(line, `package ${index.names.name(name)} version ${version} is declared twice`);
    const id = this.count++;
    index.addPackage(id, name);
    index.version.push(version);
    index.addPackageFields(id, flags, line, start, end, source);
    this.addFeatures(id, nameFrom, nameTo, version);
  }

  /**
   * Indexes the features package `id` provides (its name at `[nameFrom, nameTo)`). A function
   * of its own: V8 compiles a small loop sooner and for less.
   */
  private addFeatures(id: number, nameFrom: number, nameTo: number, version: number): void {
    const index = this.index;
    const bytes = index.packageBytes(id);
    // A package providing its own name at its own version is skipped (it satisfies those
    // constraints by name already; apt-cudf and dose-ceve write one such per package).
    const to = index.relations.data[6 * id + 5]!;
    let i = index.relations.data[6 * id + 4]!;
    while (i < to) {
      while (i < to && bytes[i] === 32) i++;
      const nameStart = i;
      // The name's hash (`hashBytes`) as it is scanned.
      let hash = 0x811c9dc5;
      for (let c = bytes[i]!; i < to && NAME_CHARS[c] === 1; c = bytes[++i]!)
        hash = Math.imul(hash ^ c, 0x01000193);
      const nameEnd = i;
      while (i < to && bytes[i] === 32) i++;
      let featureVersion = -1;
      if (i < to && bytes[i] === 61 /* = */) {
        i++;
        while (i < to && bytes[i] === 32) i++;
        featureVersion = 0;
        for (let d = bytes[i]!; i < to && d >= 48 && d <= 57; d = bytes[++i]!)
          featureVersion = featureVersion * 10 + d - 48;
        while (i < to && bytes[i] === 32) i++;
      }
      i++; // the comma
      if (nameEnd === nameStart) continue;
      if (featureVersion === version && nameEnd - nameStart === nameTo - nameFrom) {
        let same = true;
        for (let k = 0; k < nameTo - nameFrom; k++)
          if (bytes[nameStart + k] !== bytes[nameFrom + k]) {
            same = false;
            break;
          }
        if (same) continue;
      }
      index.addFeature(id, nameStart, nameEnd, mix(hash), featureVersion);
    }
  }

  private stanza(props: Property[], text: string, start: number, end: number): void {
    const head = props[0]!;
    for (let i = 1; i < props.length; i++)
      for (let j = 0; j < i; j++)
        if (props[i]!.key === props[j]!.key)
          this.fail(props[i]!.line, `property "${props[i]!.key}" given twice in one stanza`);
    if (this.request)
      this.fail(head.line, "nothing may follow the request stanza", "put the request last");
    switch (head.key) {
      case "preamble":
        if (this.count > 0 || this.properties.size > 0)
          this.fail(head.line, "the preamble must be the first stanza");
        this.preamble(props);
        return;
      case "package":
        this.package(props, text, start, end);
        return;
      case "request":
        this.requestStanza(props);
        return;
      default:
        this.fail(
          head.line,
          `a stanza must start with "preamble:", "package:" or "request:", not "${head.key}:"`,
        );
    }
  }

  private preamble(props: Property[]): void {
    for (const p of props.slice(1)) {
      if (p.key !== "property") continue; // univ-checksum, status-checksum, req-checksum
      for (const piece of splitTop(p.value)) {
        const m = /^([a-z][a-z0-9-]*)\s*:\s*(.+)$/s.exec(piece.trim());
        if (!m) this.fail(p.line, `bad property declaration "${piece.trim()}"`);
        const [, name, rest] = m as unknown as [string, string, string];
        if (CORE_PACKAGE.has(name) || this.properties.has(name))
          this.fail(p.line, `property "${name}" is declared twice or is a core property`);
        const { typeText, defaultText } = splitDeclaration(rest);
        const type = this.type(typeText.trim(), p.line);
        let value: Value | undefined;
        if (defaultText !== undefined) {
          const d = /^\[(.*)\]$/s.exec(defaultText.trim());
          if (!d) this.fail(p.line, `the default of "${name}" must be in brackets: [value]`);
          value = this.value(type, d[1]!.trim(), p.line, name);
        }
        this.properties.set(name, { name, type, ...(value !== undefined && { default: value }) });
        if (value === undefined) this.required.push(name);
      }
    }
  }

  private type(text: string, line: number): PropertyType {
    const e = /^enum\s*\[(.*)\]$/s.exec(text);
    if (e) {
      const values = e[1]!.split(",").map((v) => v.trim());
      if (values.some((v) => !/^[a-zA-Z][a-zA-Z0-9_-]*$/.test(v)))
        this.fail(line, `bad enum "${text}"`);
      return { kind: "enum", values };
    }
    switch (text) {
      case "int":
      case "posint":
      case "nat":
      case "bool":
      case "string":
      case "pkgname":
      case "ident":
      case "vpkg":
      case "vpkglist":
      case "vpkgformula":
      case "veqpkg":
      case "veqpkglist":
        return { kind: text };
      default:
        return this.fail(line, `unknown property type "${text}"`);
    }
  }

  /** Parses a value of a declared type. */
  /** A package stanza of `text` (the stanza's text), by the general reader. */
  private package(props: Property[], text: string, start: number, end: number): void {
    const head = props[0]!;
    this.pkgname(head.value, head.line);
    let version = 0;
    let depends = "";
    let conflicts = "";
    let provides = "";
    let installed = false;
    let wasInstalled = false;
    let keep: Keep = "none";
    let extras = 0;
    for (let k = 1; k < props.length; k++) {
      const p = props[k]!;
      switch (p.key) {
        case "version":
          version = this.integer(p.value, p.line, "version", 1);
          break;
        case "depends":
          this.check(p, checkRelations(text, p, "formula"));
          depends = p.value;
          break;
        case "conflicts":
          this.check(p, checkRelations(text, p, "list"));
          conflicts = p.value;
          break;
        case "provides":
          this.check(p, checkRelations(text, p, "features"));
          provides = p.value;
          break;
        case "installed":
          installed = this.value({ kind: "bool" }, p.value, p.line, "installed") as boolean;
          break;
        case "was-installed":
          wasInstalled = this.value({ kind: "bool" }, p.value, p.line, "was-installed") as boolean;
          break;
        case "keep":
          if (!KEEP.has(p.value))
            this.fail(p.line, `keep must be version, package, feature or none, not "${p.value}"`);
          keep = p.value as Keep;
          break;
        default: {
          const decl = this.properties.get(p.key);
          if (!decl)
            this.fail(
              p.line,
              `property "${p.key}" is not declared`,
              `declare it in the preamble: property: ${p.key}: string`,
            );
          // Checked now so that errors cite their line; kept as text until asked for.
          const kind = decl.type.kind;
          if (kind === "vpkgformula" || kind === "vpkglist" || kind === "veqpkglist")
            this.check(
              p,
              checkRelations(
                text,
                p,
                kind === "vpkgformula" ? "formula" : kind === "vpkglist" ? "list" : "features",
              ),
            );
          else if (kind !== "string") this.value(decl.type, p.value, p.line, p.key);
          extras++;
        }
      }
    }
    if (version === 0) this.fail(head.line, `package ${head.value} has no version`);
    if (extras < this.required.length)
      for (const name of this.required)
        if (!props.some((p) => p.key === name))
          this.fail(head.line, `package ${head.value} lacks the required property "${name}"`);
    // The values, one after another in bytes of their own (a continued value is no slice of
    // the document's).
    const values = Buffer.from(`${head.value}\n${depends}\n${conflicts}\n${provides}`, "utf8");
    const index = this.index;
    let at = Buffer.byteLength(head.value) + 1;
    for (const value of [depends, conflicts, provides]) {
      index.relations.push(at);
      at += Buffer.byteLength(value);
      index.relations.push(at);
      at++;
    }
    index.values.push(values);
    const nameTo = Buffer.byteLength(head.value);
    const name = index.name(values, 0, nameTo);
    const flags = (installed ? 1 : 0) | (wasInstalled ? 2 : 0) | (KEEP_CODES.indexOf(keep) << 2);
    this.addPackage(name, 0, nameTo, version, flags, head.line, start, end, index.values.length);
  }

  /** Fails with the property's line when the syntax check found a problem. */
  private check(p: Property, problem: string | null): void {
    if (problem !== null) this.fail(p.line, `${p.key}: ${problem}`);
  }

  private requestStanza(props: Property[]): void {
    const lines = new Map<string, number>();
    const lists = { install: [] as Vpkg[], remove: [] as Vpkg[], upgrade: [] as Vpkg[] };
    for (const p of props.slice(1)) {
      lines.set(p.key, p.line);
      if (p.key === "install" || p.key === "remove" || p.key === "upgrade")
        lists[p.key] = this.vpkglist(p.value, p.line, false);
      // Other request properties (extensions, checksums) carry no meaning for solving.
    }
    const head = props[0]!;
    lines.set("request", head.line);
    this.request = { id: head.value, ...lists, line: head.line, lines };
  }
}

/** Characters of package names: A-Z a-z 0-9 - + . / @ ( ) % _ (a table: this is the hot loop). */
const NAME_CHARS = (() => {
  const table = new Uint8Array(256);
  for (const c of "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-+./@()%_")
    table[c.charCodeAt(0)] = 1;
  return table;
})();

function isNameChar(c: number): boolean {
  return NAME_CHARS[c] === 1;
}

/**
 * Splits on the commas outside brackets and parentheses (a preamble's declarations, a criteria
 * list); drops empty pieces.
 */
export function splitTop(text: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === "[" || c === "(") depth++;
    else if (c === "]" || c === ")") depth--;
    else if (c === "," && depth === 0) {
      out.push(text.slice(start, i));
      start = i + 1;
    }
  }
  out.push(text.slice(start));
  return out.filter((s) => s.trim().length > 0);
}

/** `type = [default]` → its two parts; the `=` is the first one outside the type's brackets. */
function splitDeclaration(text: string): { typeText: string; defaultText?: string } {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === "[") depth++;
    else if (c === "]") depth--;
    else if (c === "=" && depth === 0)
      return { typeText: text.slice(0, i), defaultText: text.slice(i + 1) };
  }
  return { typeText: text };
}

/**
 * Checks the syntax of a vpkgformula, vpkglist or veqpkglist without building anything; the
 * problem in words, or null. Grammar: atoms `name [op version]` separated by `,` (and `|` in a
 * formula); a formula may also be `true!` or `false!`.
 */
function checkRelations(
  doc: string,
  p: Property,
  kind: "formula" | "list" | "features",
): string | null {
  // In the document itself when the value is one line there: V8 reads the characters of the
  // whole text several times faster than those of a slice of it.
  const text = p.from >= 0 ? doc : p.value;
  const n = p.from >= 0 ? p.to : p.value.length;
  const formula = kind === "formula";
  let i = Math.max(p.from, 0);
  for (;;) {
    while (i < n && text.charCodeAt(i) === 32) i++;
    if (i === n) return null;
    const c0 = text.charCodeAt(i);
    if (formula && c0 === 116 /* t */ && text.startsWith("true!", i)) i += 5;
    else if (formula && c0 === 102 /* f */ && text.startsWith("false!", i)) i += 6;
    else {
      const nameStart = i;
      while (i < n && isNameChar(text.charCodeAt(i))) i++;
      if (i === nameStart)
        return `expected a package name at "${text.slice(i, Math.min(n, i + 20))}"`;
      while (i < n && text.charCodeAt(i) === 32) i++;
      const c = text.charCodeAt(i);
      if (c === 61 || c === 33 || c === 60 || c === 62) {
        // = != < <= > >=
        const next = text.charCodeAt(i + 1);
        const long = next === 61 && c !== 61;
        if (c === 33 && !long) return `bad operator at "${text.slice(i, Math.min(n, i + 20))}"`;
        if (kind === "features" && c !== 61)
          return `a feature takes only "= version", not "${text.slice(i, Math.min(n, i + 2))}"`;
        i += long ? 2 : 1;
        while (i < n && text.charCodeAt(i) === 32) i++;
        const vStart = i;
        let zero = true;
        for (let d = text.charCodeAt(i); i < n && d >= 48 && d <= 57; d = text.charCodeAt(++i))
          if (d !== 48) zero = false;
        if (i === vStart)
          return `expected a version at "${text.slice(vStart, Math.min(n, vStart + 20))}"`;
        if (zero) return "versions start at 1";
      }
    }
    while (i < n && text.charCodeAt(i) === 32) i++;
    if (i === n) return null;
    const sep = text.charCodeAt(i);
    if (sep === 44 || (sep === 124 && formula)) i++;
    else return `unexpected "${text[i]}" at "${text.slice(i, Math.min(n, i + 20))}"`;
  }
}

/** Reads and parses a CUDF file (`-` reads standard input). */
export function readCudfFile(path: string): CudfDocument {
  let text: Buffer;
  try {
    text = readFileSync(path === "-" ? 0 : path);
  } catch (e) {
    throw new NotFoundError(
      `cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`,
      "give the path of a CUDF document",
    );
  }
  return parseCudf(text, path === "-" ? "stdin" : path);
}

/** The offset of the end of the line at `from` (its newline, or `n`). */
function lineEnd(b: Buffer, from: number, n: number): number {
  const eol = b.indexOf(10, from);
  return eol === -1 ? n : eol;
}

/** Whether the line `b[from, eol)` is blank (spaces and tabs, a CR before its newline). */
function isBlankBytes(b: Uint8Array, from: number, eol: number): boolean {
  let last = eol;
  if (last > from && b[last - 1] === 13) last--;
  for (let i = from; i < last; i++) {
    const c = b[i];
    if (c !== 32 && c !== 9) return false;
  }
  return true;
}

/** Whether `word` is at `at`. */
function bytesAre(b: Uint8Array, at: number, word: string): boolean {
  for (let i = 0; i < word.length; i++) if (b[at + i] !== word.charCodeAt(i)) return false;
  return true;
}

/** Whether the line at `at` starts with `key:`. */
function startsWithKey(b: Uint8Array, at: number, key: string): boolean {
  return b[at + key.length] === 58 && bytesAre(b, at, key);
}

/** Letters, digits and `-`: the characters of property names after the first. */
function isKeyByte(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 45;
}

/** The bit of the core package property named `b[from, to)`, 0 for any other. */
function coreKey(b: Uint8Array, from: number, to: number): number {
  switch (to - from) {
    case 7:
      if (bytesAre(b, from, "depends")) return DEPENDS;
      if (bytesAre(b, from, "version")) return VERSION;
      if (bytesAre(b, from, "package")) return PACKAGE;
      return 0;
    case 8:
      return bytesAre(b, from, "provides") ? PROVIDES : 0;
    case 9:
      if (bytesAre(b, from, "conflicts")) return CONFLICTS;
      return bytesAre(b, from, "installed") ? INSTALLED : 0;
    case 4:
      return bytesAre(b, from, "keep") ? KEEP_BIT : 0;
    case 13:
      return bytesAre(b, from, "was-installed") ? WAS_INSTALLED : 0;
    default:
      return 0;
  }
}

/** `true` or `false` in `b[from, to)`; undefined for anything else. */
function boolBytes(b: Uint8Array, from: number, to: number): boolean | undefined {
  if (to - from === 4 && bytesAre(b, from, "true")) return true;
  if (to - from === 5 && bytesAre(b, from, "false")) return false;
  return undefined;
}

/** The code (in `KEEP_CODES`) of the `keep` value in `b[from, to)`; -1 for anything else. */
function keepBytes(b: Uint8Array, from: number, to: number): number {
  for (let code = 0; code < KEEP_CODES.length; code++) {
    const k = KEEP_CODES[code]!;
    if (to - from === k.length && bytesAre(b, from, k)) return code;
  }
  return -1;
}

/** Letters, digits and `-` (the characters of property names after the first), as a table. */
const KEY_BYTES = (() => {
  const table = new Uint8Array(256);
  for (let c = 0; c < 256; c++) if (isKeyByte(c)) table[c] = 1;
  return table;
})();

/** The end of the lowercase word at `i` (a `bool` or `keep` value). */
function wordEnd(b: Uint8Array, i: number): number {
  for (let c = b[i]!; c >= 97 && c <= 122; c = b[++i]!);
  return i;
}

/** The end of the string value at `i`: its line's, without a CR and trailing blanks. */
function textEnd(b: Uint8Array, from: number): number {
  let i = b.indexOf(10, from);
  if (i === -1) i = b.length;
  if (i > from && b[i - 1] === 13) i--;
  while (i > from && (b[i - 1] === 32 || b[i - 1] === 9)) i--;
  return i;
}

/**
 * `checkRelations` over bytes, up to the end of the line: where the vpkgformula (`FORMULA`), vpkglist (`LIST`)
 * or veqpkglist (`FEATURES`) at `b[i]` ends (after its last non-blank byte), or -1 when it is
 * not well formed up to there (the caller checks that only blanks and the newline follow).
 */
function relationsEnd(b: Uint8Array, i: number, kind: number): number {
  const formula = kind === FORMULA;
  let end = i;
  for (;;) {
    while (b[i] === 32) i++;
    const c0 = b[i]!;
    if (formula && c0 === 116 /* t */ && bytesAre(b, i, "true!")) end = i += 5;
    else if (formula && c0 === 102 /* f */ && bytesAre(b, i, "false!")) end = i += 6;
    else if (NAME_CHARS[c0] === 1) {
      for (let c = b[++i]!; NAME_CHARS[c] === 1; c = b[++i]!);
      end = i;
      while (b[i] === 32) i++;
      const c = b[i]!;
      if (c === 61 || c === 33 || c === 60 || c === 62) {
        // = != < <= > >=
        const long = b[i + 1] === 61 && c !== 61;
        if (c === 33 && !long) return -1;
        if (kind === FEATURES && c !== 61) return -1;
        i += long ? 2 : 1;
        while (b[i] === 32) i++;
        const vStart = i;
        let zero = true;
        for (let d = b[i]!; d >= 48 && d <= 57; d = b[++i]!) if (d !== 48) zero = false;
        if (i === vStart || zero) return -1;
        end = i;
      }
    }
    // Nothing more on the line (an empty value, or a separator at its end, as `checkRelations`).
    else return c0 === 10 || c0 === 13 || c0 === 9 || i >= b.length ? end : -1;
    while (b[i] === 32) i++;
    const sep = b[i];
    if (sep === 44 || (sep === 124 && formula)) end = ++i;
    else return end;
  }
}
