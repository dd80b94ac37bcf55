/**
 * Reader of CUDF 2.0 documents (Treinen & Zacchiroli, "Common Upgradeability Description Format
 * (CUDF) 2.0", Mancoosi D5.4): RFC 822-like stanzas separated by blank lines, `#` comments in the
 * first column, continuation lines starting with a space; an optional preamble declaring typed
 * extra properties with defaults, package stanzas, and one request stanza.
 *
 * Speed matters (Debian's universe is 39 MB): lines are scanned with `indexOf`, values are parsed
 * by hand-written scanners, and every error cites the line of the property it is in.
 */
import { readFileSync } from "node:fs";
import { CudfSyntaxError, NotFoundError } from "../solver/errors.js";

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

  constructor(
    readonly name: string,
    readonly version: number,
    readonly installed: boolean,
    readonly wasInstalled: boolean,
    readonly keep: Keep,
    /** Line of the `package:` property. */
    readonly line: number,
    /** Offsets of the stanza in the document's text (for reading its other properties). */
    readonly start: number,
    readonly end: number,
    private readonly texts: {
      readonly depends: string;
      readonly conflicts: string;
      readonly provides: string;
      /** Where a one-line `provides` value is in `document` (-1 otherwise). */
      readonly providesFrom: number;
      readonly providesTo: number;
      readonly document: string;
      readonly parser: ValueParser;
    },
  ) {}

  /** The `depends` formula (`true!` when absent). */
  get depends(): Formula {
    const t = this.texts;
    this.parsedDepends ??= t.depends ? t.parser.formula(t.depends, this.line) : [];
    return this.parsedDepends;
  }

  /** The `conflicts` list. */
  get conflicts(): readonly Vpkg[] {
    const t = this.texts;
    this.parsedConflicts ??= t.conflicts ? t.parser.vpkglist(t.conflicts, this.line, false) : [];
    return this.parsedConflicts;
  }

  /**
   * Calls `f` for each provided feature, from the text, without building constraint objects
   * (the feature index of a whole distribution is built this way). A package providing its own
   * name at its own version is skipped: it satisfies those constraints by name already (apt-cudf
   * and dose-ceve write one such feature per package).
   */
  eachFeature(f: (name: string, version: number | undefined) => void): void {
    const t = this.texts;
    if (!t.provides) return;
    // Scanned in the document itself when the value is one line there (see `checkRelations`).
    const text = t.providesFrom >= 0 ? t.document : t.provides;
    const end = t.providesFrom >= 0 ? t.providesTo : t.provides.length;
    let i = Math.max(t.providesFrom, 0);
    while (i < end) {
      while (i < end && text.charCodeAt(i) === 32) i++;
      const nameStart = i;
      while (i < end && isNameChar(text.charCodeAt(i))) i++;
      const nameEnd = i;
      while (i < end && text.charCodeAt(i) === 32) i++;
      let version: number | undefined;
      if (text.charCodeAt(i) === 61 /* = */) {
        i++;
        while (i < end && text.charCodeAt(i) === 32) i++;
        version = 0;
        for (let d = text.charCodeAt(i); i < end && d >= 48 && d <= 57; d = text.charCodeAt(++i))
          version = version * 10 + d - 48;
        while (i < end && text.charCodeAt(i) === 32) i++;
      }
      i++; // the comma
      const sameName =
        nameEnd - nameStart === this.name.length && text.startsWith(this.name, nameStart);
      if (!sameName || version !== this.version)
        f(sameName ? this.name : text.slice(nameStart, nameEnd), version);
    }
  }

  /** Features: `name` (every version) or `name = version`. */
  get provides(): readonly Vpkg[] {
    const t = this.texts;
    this.parsedProvides ??= t.provides ? t.parser.vpkglist(t.provides, this.line, true) : [];
    return this.parsedProvides;
  }
}

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
 * read again from the text when asked for (a distribution's stanzas carry a dozen properties
 * each, and keeping them all as objects made reading Debian's universe four times slower).
 */
export class CudfDocument {
  constructor(
    /** The path it was read from, for citations. */
    readonly file: string,
    private readonly text: string,
    /** Extra properties declared by the preamble, by name, in declaration order. */
    readonly properties: ReadonlyMap<string, PropertyDecl>,
    readonly packages: readonly CudfPackage[],
    readonly request: CudfRequest,
  ) {}

  /** The value of a declared extra property of a package (its default when not given). */
  property(pkg: CudfPackage, name: string): Value | undefined {
    const decl = this.properties.get(name);
    if (!decl) return undefined;
    const found = this.raw(pkg, name);
    if (found === undefined) return decl.default;
    return new Reader(this.text, this.file).value(decl.type, found.value, found.line, name);
  }

  /** The line a property of a package stanza is on (the stanza's first line when absent). */
  line(pkg: CudfPackage, name: string): number {
    return this.raw(pkg, name)?.line ?? pkg.line;
  }

  private raw(pkg: CudfPackage, name: string): { value: string; line: number } | undefined {
    let found: { value: string; line: number } | undefined;
    scanLines(this.text, pkg.start, pkg.end, pkg.line, (key, value, line) => {
      if (key === name) found = { value, line };
      return found === undefined;
    });
    return found;
  }
}

/** What a package needs to parse its relationships later. */
interface ValueParser {
  formula(text: string, line: number): Formula;
  vpkglist(text: string, line: number, eq: boolean): Vpkg[];
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

/** Parses a CUDF document; `file` is used in error messages. */
export function parseCudf(text: string, file: string): CudfDocument {
  return new Reader(text, file).read();
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

class Reader implements ValueParser {
  private readonly properties = new Map<string, PropertyDecl>();
  /** Declared properties without a default: every package stanza must give them. */
  private readonly required: string[] = [];
  /** One object per distinct constraint text: Debian repeats `libc6 (>= 2.34)` thousands of times. */
  private readonly interned = new Map<string, Vpkg>();
  private readonly packages: CudfPackage[] = [];
  private request: CudfRequest | undefined;
  /** Versions met so far, by package name (a name and version may be declared once). */
  private readonly seen = new Map<string, number[]>();

  constructor(
    private readonly text: string,
    private readonly file: string,
  ) {}

  read(): CudfDocument {
    let stanza: Property[] = [];
    let start = 0;
    scanLines(
      this.text,
      0,
      this.text.length,
      1,
      (key, value, line, offset, from, to) => {
        if (stanza.length === 0) start = offset;
        stanza.push({ key, value, line, from, to });
        return true;
      },
      (offset) => {
        if (stanza.length > 0) this.stanza(stanza, start, offset);
        stanza = [];
      },
      (line, reason) => this.fail(line, reason),
    );
    return new CudfDocument(
      this.file,
      this.text,
      this.properties,
      this.packages,
      this.request ?? {
        id: "",
        install: [],
        remove: [],
        upgrade: [],
        line: 0,
        lines: new Map(),
      },
    );
  }

  private fail(line: number, reason: string, hint?: string): never {
    throw new CudfSyntaxError(this.file, line, reason, hint);
  }

  private stanza(props: Property[], start: number, end: number): void {
    const head = props[0]!;
    for (let i = 1; i < props.length; i++)
      for (let j = 0; j < i; j++)
        if (props[i]!.key === props[j]!.key)
          this.fail(props[i]!.line, `property "${props[i]!.key}" given twice in one stanza`);
    if (this.request)
      this.fail(head.line, "nothing may follow the request stanza", "put the request last");
    switch (head.key) {
      case "preamble":
        if (this.packages.length > 0 || this.properties.size > 0)
          this.fail(head.line, "the preamble must be the first stanza");
        this.preamble(props);
        return;
      case "package":
        this.package(props, start, end);
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

  private integer(text: string, line: number, what: string, min: number): number {
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

  private pkgname(text: string, line: number): void {
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

  private package(props: Property[], start: number, end: number): void {
    const head = props[0]!;
    this.pkgname(head.value, head.line);
    let version = 0;
    let depends = "";
    let conflicts = "";
    let provides = "";
    let providesFrom = -1;
    let providesTo = -1;
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
          this.check(p, checkRelations(this.text, p, "formula"));
          depends = p.value;
          break;
        case "conflicts":
          this.check(p, checkRelations(this.text, p, "list"));
          conflicts = p.value;
          break;
        case "provides":
          this.check(p, checkRelations(this.text, p, "features"));
          provides = p.value;
          providesFrom = p.from;
          providesTo = p.to;
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
                this.text,
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
    const versions = this.seen.get(head.value);
    if (versions === undefined) this.seen.set(head.value, [version]);
    else if (versions.includes(version))
      this.fail(head.line, `package ${head.value} version ${version} is declared twice`);
    else versions.push(version);
    this.packages.push(
      new CudfPackage(head.value, version, installed, wasInstalled, keep, head.line, start, end, {
        depends,
        conflicts,
        provides,
        providesFrom,
        providesTo,
        document: this.text,
        parser: this,
      }),
    );
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
  const table = new Uint8Array(128);
  for (const c of "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-+./@()%_")
    table[c.charCodeAt(0)] = 1;
  return table;
})();

function isNameChar(c: number): boolean {
  return c < 128 && NAME_CHARS[c] === 1;
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
  let text: string;
  try {
    text = readFileSync(path === "-" ? 0 : path, "utf8");
  } catch (e) {
    throw new NotFoundError(
      `cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`,
      "give the path of a CUDF document",
    );
  }
  return parseCudf(text, path === "-" ? "stdin" : path);
}
