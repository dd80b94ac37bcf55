/**
 * Explanations of unsatisfiable requests, PubGrub-style: a minimal set of the user's facts that
 * cannot hold together, told as a short derivation with a citation on every line, and concrete
 * suggestions of what to relax.
 *
 * Minimality comes from QuickXplain (Junker 2004) over facts guarded by selector variables: it
 * needs O(k·log(n/k)) satisfiability checks for a conflict of k facts among n, and returns the
 * conflict that prefers facts earlier in the order, which is why request items and the
 * dependencies nearest to them come first.
 */
import { type EncodedFact, type Encoding, encode, factId } from "./encode.js";
import { quickXplain } from "./quickxplain.js";
import { VersionRange } from "./range.js";
import type { Request, RequestItem } from "./request.js";
import type { Lit } from "./sat/circuit.js";
import type { EngineChoice, SatResult, SatStats } from "./sat/engine.js";
import { printSpec, type Spec } from "./spec.js";
import type { Package, Universe } from "./universe.js";
import type { Version } from "./version.js";

/** One cited fact of an explanation. */
export interface ExplanationFact {
  /** Stable identifier (`request#0`, `depends:s6#3`, `one-configuration:skalibs`, …). */
  readonly id: string;
  readonly kind: EncodedFact["fact"]["kind"];
  /** The fact in words. */
  readonly text: string;
  readonly file: string;
  /** 0 for the command line. */
  readonly line: number;
}

/** Why a request cannot be met, and what to try instead. */
export interface Explanation {
  /** The whole explanation as printed. */
  readonly text: string;
  /** The minimal set of facts, in the order of the derivation. */
  readonly facts: readonly ExplanationFact[];
  /** Relaxed request items that would be satisfiable, e.g. `s6-rc@:0.5.4.3`. */
  readonly suggestions: readonly string[];
}

/**
 * Explains an unsatisfiable request; throws if the request is in fact satisfiable. `encoded`
 * receives the SAT solver's counters (for benchmarks). `items` is an encoding of the same
 * request with only its request items behind selectors (as `solve` makes it), reused to check
 * the suggestions; without it one is made. `engine` is the SAT engine of the encodings made here.
 */
export function explain(
  universe: Universe,
  request: Request,
  encoded?: (stats: Readonly<SatStats>) => void,
  items?: Encoding,
  engine?: EngineChoice,
): Explanation {
  const encoding = encode(universe, request, {
    selectors: true,
    costs: false,
    ...(engine !== undefined && { engine }),
  });
  encoded?.(encoding.circuit.sat.stats);
  const checker = new Checker(encoding);
  const ordered = orderFacts(encoding, request);
  if (!checker.unsat(ordered)) throw new Error("explain() was called on a satisfiable request");
  // The solver's core of failed selectors is unsatisfiable but rarely minimal: QuickXplain then
  // minimises within it (much smaller than all the facts), keeping the preference order.
  const failed = new Set(encoding.circuit.sat.core);
  const core = quickXplain(
    (facts) => checker.unsat(facts),
    [],
    false,
    ordered.filter((f) => failed.has(f.selector!)),
  );
  const facts = derivation(universe, core);
  const suggestions = suggest(universe, request, core, items ?? engine);
  return { text: render(universe, facts, core, suggestions), facts, suggestions };
}

/** Satisfiability of fact subsets, by assuming their selectors. */
export class Checker {
  constructor(readonly encoding: Encoding) {}
  /** Whether these facts (plus the hard constraints and `extra`) admit no valid set. */
  unsat(facts: readonly EncodedFact[], extra?: Lit): boolean {
    return this.answer(facts, extra) === "unsat";
  }
  /** The solver's answer for these facts, giving up ("unknown") after `budget` conflicts. */
  answer(facts: readonly EncodedFact[], extra?: Lit, budget?: number): SatResult {
    const assumptions = [...facts.map((f) => f.selector!), ...(extra !== undefined ? [extra] : [])];
    // The other facts are assumed off (the same question: a fact left out only relaxes), so a
    // satisfiable answer does not decide thousands of free selectors one by one.
    const on = new Set(facts);
    for (const f of this.encoding.facts)
      if (f.selector !== undefined && !on.has(f)) assumptions.push(f.selector ^ 1);
    return this.encoding.circuit.sat.solve(assumptions, budget);
  }
}

/**
 * Request items first, then rules package by package in breadth-first order from the request
 * (so short chains are preferred), the one-configuration and option rules last.
 */
function orderFacts(encoding: Encoding, request: Request): EncodedFact[] {
  const distance = new Map<string, number>();
  const queue: string[] = [];
  const visit = (name: string, d: number) => {
    if (!distance.has(name)) {
      distance.set(name, d);
      queue.push(name);
    }
  };
  for (const item of request.items) visit(item.spec.name!, 0);
  while (queue.length > 0) {
    const name = queue.shift()!;
    const d = distance.get(name)!;
    const p = encoding.packages.get(name);
    for (const dep of p?.pkg?.depends ?? []) visit(dep.spec.name!, d + 1);
    if (!p)
      for (const q of encoding.packages.keys())
        if (encoding.cone.virtuals.includes(name)) visit(q, d + 1);
  }
  const rank = (f: EncodedFact): number[] => {
    const k = f.fact;
    switch (k.kind) {
      case "request":
        return [0, k.index];
      case "depends":
      case "conflicts":
        return [1, distance.get(k.package) ?? 1e6, k.kind === "depends" ? 0 : 1, k.index];
      case "option-exists":
        return [2, distance.get(k.package) ?? 1e6];
      case "one-configuration":
        return [3, distance.get(k.package) ?? 1e6];
    }
  };
  const key = (f: EncodedFact) => rank(f);
  return [...encoding.facts].sort((a, b) => {
    const ka = key(a);
    const kb = key(b);
    for (let i = 0; i < Math.max(ka.length, kb.length); i++) {
      const d = (ka[i] ?? 0) - (kb[i] ?? 0);
      if (d !== 0) return d;
    }
    return 0;
  });
}

/** The core's facts in words, request items first, then the rules in the order found. */
function derivation(universe: Universe, core: readonly EncodedFact[]): ExplanationFact[] {
  return core.map((f) => ({
    id: factId(f.fact),
    kind: f.fact.kind,
    text: describeFact(universe, f),
    file: f.location.file,
    line: f.location.line,
  }));
}

function subject(name: string, when: Spec | undefined): string {
  return when ? `${name}${printSpec(when).startsWith("@") ? "" : " "}${printSpec(when)}` : name;
}

function describeFact(universe: Universe, f: EncodedFact): string {
  const k = f.fact;
  switch (k.kind) {
    case "request": {
      const missing = noVersionNote(universe, k.item.spec);
      return `${k.item.constraintOnly ? "suppose the set held" : "you asked for"} ${k.item.text}${missing}`;
    }
    case "depends": {
      const d = universe.packages.get(k.package)!.depends[k.index]!;
      return `${d.when ? "" : "every "}${subject(k.package, d.when)} needs ${printSpec(d.spec)}${noVersionNote(universe, d.spec)}`;
    }
    case "conflicts": {
      const c = universe.packages.get(k.package)!.conflicts[k.index]!;
      return `${subject(k.package, c.when)} conflicts with ${printSpec(c.spec)}${c.message ? `: ${c.message}` : ""}`;
    }
    case "one-configuration":
      return `a set holds one configuration of ${k.package}: one version, one value per option`;
    case "option-exists": {
      const o = universe.packages.get(k.package)!.options.find((x) => x.name === k.option)!;
      return `option ${k.option} of ${k.package} exists only for ${subject(k.package, o.when)}`;
    }
  }
}

/** " (no version of X is in @R; it has …)" when a spec's range matches no declared version. */
function noVersionNote(universe: Universe, spec: Spec): string {
  const pkg = universe.packages.get(spec.name!);
  const range = spec.range;
  if (!pkg || !range || pkg.versions.some((v) => range.contains(v.version))) return "";
  const shown = pkg.versions.slice(0, 6).map((v) => v.version.text);
  return `, but no version of ${pkg.name} is in @${range.toString()} (it has ${shown.join(", ")}${pkg.versions.length > 6 ? ", …" : ""})`;
}

/** Conflicts allowed for checking one suggested variant of a request item. */
export const SUGGESTION_BUDGET = 200;

/** For each request item of the core, the nearest variants of it that would be satisfiable. */
function suggest(
  universe: Universe,
  request: Request,
  core: readonly EncodedFact[],
  items?: Encoding | EngineChoice,
): string[] {
  const out: string[] = [];
  const requests = core.filter(
    (f): f is EncodedFact & { fact: { kind: "request"; item: RequestItem } } =>
      f.fact.kind === "request",
  );
  if (requests.length === 0) return out;
  // Every rule holds here, only request items can be switched off: a variant of one item is then
  // an ordinary search, not one under thousands of selector assumptions.
  const encoding =
    typeof items === "object"
      ? items
      : encode(universe, request, {
          selectors: "request-items",
          costs: false,
          ...(items !== undefined && { engine: items }),
        });
  const checker = new Checker(encoding);
  const selected = encoding.facts.filter((f) => f.selector !== undefined);
  for (const r of requests) {
    const spec = r.fact.item.spec;
    const pkg = universe.packages.get(spec.name!);
    const others = selected.filter(
      (f) => f.fact.kind === "request" && f.fact.index !== r.fact.index,
    );
    // A variant whose answer takes more than SUGGESTION_BUDGET conflicts is not offered: a
    // suggestion is a hint and is always checked; the explanation must not wait on it.
    const ok = (s: Spec) =>
      checker.answer(others, encoding.matches(s), SUGGESTION_BUDGET) === "sat";
    if (!pkg) {
      out.push(`leave ${r.fact.item.text} out`);
      continue;
    }
    const good = pkg.versions
      .filter((v) => ok({ ...spec, range: VersionRange.exactly(v.version) }))
      .map((v) => v.version);
    if (good.length > 0) {
      const range = compactRange(pkg, good);
      const { range: _dropped, ...rest } = spec;
      out.push(printSpec(range.isAny() ? rest : { ...rest, range }));
      continue;
    }
    if (spec.options.length > 0) {
      const bare: Spec = {
        name: spec.name!,
        ...(spec.range && { range: spec.range }),
        options: [],
      };
      if (ok(bare)) {
        out.push(
          `${printSpec(bare)} (without ${spec.options.map((o) => (typeof o.value === "boolean" ? `${o.value ? "+" : "~"}${o.name}` : `${o.name}=${o.value}`)).join(" ")})`,
        );
        continue;
      }
    }
    out.push(`leave ${r.fact.item.text} out`);
  }
  return [...new Set(out)];
}

/**
 * The shortest range text that holds exactly `good` among the package's declared versions:
 * contiguous runs become `a:b`, `:b`, `a:`; single versions `=v`; checked against every version.
 */
export function compactRange(pkg: Package, good: readonly Version[]): VersionRange {
  const ascending = [...pkg.versions].map((v) => v.version).sort((a, b) => a.compare(b));
  const inGood = (v: Version) => good.some((g) => g.equals(v));
  const parts: string[] = [];
  let i = 0;
  while (i < ascending.length) {
    if (!inGood(ascending[i]!)) {
      i++;
      continue;
    }
    let j = i;
    while (j + 1 < ascending.length && inGood(ascending[j + 1]!)) j++;
    const low = i === 0 ? "" : ascending[i]!.text;
    const high = j === ascending.length - 1 ? "" : ascending[j]!.text;
    parts.push(i === j && low && high ? `=${low}` : `${low}:${high}`);
    i = j + 1;
  }
  const exact = () => VersionRange.parse(good.map((v) => `=${v.text}`).join(","));
  const holdsExactly = (text: string) => {
    try {
      const range = VersionRange.parse(text);
      return ascending.every((v) => range.contains(v) === inGood(v)) ? range : undefined;
    } catch {
      return undefined;
    }
  };
  // Shorten each upper end to its shortest prefix that keeps the set (2.14.5.1 → 2.14).
  for (let k = 0; k < parts.length; k++) {
    const [low, high] = parts[k]!.split(":");
    if (high === undefined || high === "") continue;
    const pieces = high.split(".");
    for (let n = 1; n < pieces.length; n++) {
      const candidate = [
        ...parts.slice(0, k),
        `${low}:${pieces.slice(0, n).join(".")}`,
        ...parts.slice(k + 1),
      ];
      if (holdsExactly(candidate.join(","))) {
        parts[k] = candidate[k]!;
        break;
      }
    }
  }
  return holdsExactly(parts.join(",")) ?? exact();
}

function render(
  universe: Universe,
  facts: readonly ExplanationFact[],
  core: readonly EncodedFact[],
  suggestions: readonly string[],
): string {
  const lines: [string, string][] = [];
  const cite = (loc: { file: string; line: number }) =>
    loc.line > 0 ? `${loc.file}:${loc.line}` : loc.file;
  const requests = facts.filter((f) => f.kind === "request");
  const fromCommandLine = requests.filter((f) => f.file === "command line");
  if (fromCommandLine.length > 0) {
    const items = fromCommandLine.map((f) => f.text.replace(/^you asked for /, ""));
    lines.push([`you asked for ${joinAnd(items)}`, "command line"]);
  }
  for (const f of requests) if (f.file !== "command line") lines.push([f.text, cite(f)]);
  // Several entries of one package on one dependency (one per release, as upstream states them)
  // read better under a heading: "s6 needs skalibs, depending on its version:".
  const rules = core.filter((f) => f.fact.kind !== "request");
  const target = (f: EncodedFact) =>
    f.fact.kind === "depends"
      ? `${f.fact.package} needs ${universe.packages.get(f.fact.package)!.depends[f.fact.index]!.spec.name}`
      : undefined;
  for (let i = 0; i < rules.length; i++) {
    const key = target(rules[i]!);
    let j = i;
    while (key !== undefined && j + 1 < rules.length && target(rules[j + 1]!) === key) j++;
    const group = rules.slice(i, j + 1).map((f) => facts[core.indexOf(f)]!);
    if (group.length >= 3) {
      lines.push([`${key}, depending on its version:`, ""]);
      for (const f of group) lines.push([`  ${f.text}`, cite(f)]);
    } else {
      for (const f of group) lines.push([f.text, cite(f)]);
    }
    i = j;
  }
  const width = Math.min(72, Math.max(...lines.map(([t]) => t.length)));
  const body = lines.map(([t, c]) => (c ? `  ${t.padEnd(width)}  (${c})` : `  ${t}`));
  const asked = core.flatMap((f) => (f.fact.kind === "request" ? [f.fact.item.text] : []));
  const conclusion =
    asked.length >= 2
      ? `  so ${asked[0]} cannot be used with ${joinAnd(asked.slice(1))}.`
      : `  so ${asked[0] ?? "the request"} cannot be satisfied.`;
  const tail = suggestions.length > 0 ? [`  try: ${suggestions.join(" or ")}`] : [];
  return ["error: no package set satisfies the request", ...body, conclusion, ...tail].join("\n");
}

function joinAnd(items: readonly string[]): string {
  return items.length <= 1
    ? (items[0] ?? "")
    : `${items.slice(0, -1).join(", ")} and ${items.at(-1)}`;
}
