/**
 * Scripts: rendering the build script of every built package of a lockfile, in dependency order,
 * and naming each by the sha256 of its text.
 *
 * A script is `#!/bin/sh`, the header (header.ts), a blank line, then the rendered recipe. It
 * names every dependency's store path (or an external's prefix) and never its own: it installs
 * into `$out` (DESIGN.md "Executor and store").
 */
import { NAME_RE, OPTION_RE } from "../solver/spec.js";
import { DEPENDENCY_TYPES } from "../solver/universe.js";
import { GeneratorError } from "./errors.js";
import {
  compareText,
  formatScriptHeader,
  SCRIPT_FORMAT,
  type ScriptHeader,
  type ScriptSource,
} from "./header.js";
import type { LockedPackage } from "./lockfile.js";
import { dependencyOrder } from "./order.js";
import {
  type DependencyContext,
  dependencyContext,
  type RecipeContext,
  strictRecord,
} from "./recipe-context.js";
import type { RecipeSet } from "./recipes.js";
import { dependencyVariable, isPlainPath } from "./shell.js";
import { checkStoreRoot, type StoreId, storeId, storePath } from "./store.js";

/** One rendered build script. */
export interface Script {
  readonly name: string;
  readonly version: string;
  /** `<name>.<sha256 of text>`. */
  readonly id: StoreId;
  /** `<store>/<id>`: where the executor installs it (`$out`). */
  readonly path: string;
  /** The exact bytes (UTF-8) whose sha256 is the id. */
  readonly text: string;
  readonly header: ScriptHeader;
}

/** Scripts in dependency order, and the packages (sorted by name) with the ids of the built ones. */
export interface RenderedSet {
  readonly scripts: readonly Script[];
  readonly packages: readonly LockedPackage[];
}

/**
 * Renders every built package of `packages` (externals get no script). Throws `GeneratorError`
 * for a package set scripts cannot express and `RecipeError` for a recipe that fails.
 */
export function renderScripts(
  packages: readonly LockedPackage[],
  store: string,
  recipes: RecipeSet,
  providers: ReadonlyMap<string, readonly string[]> = new Map(),
): RenderedSet {
  checkStoreRoot(store);
  for (const p of packages) checkPackage(p);
  const located = new Map<string, LocatedPackage>();
  const ids = new Map<string, StoreId>();
  const scripts: Script[] = [];
  for (const p of dependencyOrder(packages)) {
    if (p.external) {
      located.set(p.name, { package: p, path: p.external.prefix });
      continue;
    }
    const script = renderScript(p, located, store, recipes, providers);
    located.set(p.name, { package: p, path: script.path });
    ids.set(p.name, script.id);
    scripts.push(script);
  }
  return {
    scripts,
    packages: packages.map((p) => {
      const id = ids.get(p.name);
      return id === undefined ? p : { ...p, id };
    }),
  };
}

/** A package whose place is known: its store path, or an external's prefix. */
export interface LocatedPackage {
  readonly package: LockedPackage;
  readonly path: string;
}

/**
 * Renders the script of one built package whose dependencies are already placed (`dependencies`
 * holds at least every package it depends on). `renderScripts` calls it in dependency order.
 */
export function renderScript(
  p: LockedPackage,
  dependencies: ReadonlyMap<string, LocatedPackage>,
  store: string,
  recipes: RecipeSet,
  providers: ReadonlyMap<string, readonly string[]> = new Map(),
): Script {
  checkStoreRoot(store);
  checkPackage(p);
  // Whatever order the caller holds them in, a script lists options and dependencies by name.
  const options = new Map([...p.options].sort(([a], [b]) => compareText(a, b)));
  const variables = new Map<string, string>();
  const depends = [...p.depends]
    .sort((a, b) => compareText(a.name, b.name))
    .map((d): DependencyContext => {
      const located = dependencies.get(d.name);
      if (!located || !isPlainPath(located.path))
        throw new GeneratorError(
          `${p.name}: its dependency ${d.name} has ${located ? `no plain path ("${located.path}")` : "no place"}`,
          undefined,
          p.name,
        );
      const target = located.package;
      const variable = dependencyVariable(d.name);
      const clash = variables.get(variable);
      if (clash !== undefined)
        throw new GeneratorError(
          `${p.name} depends on ${clash} and ${d.name}, which would both be $${variable} in its script`,
          "rename one of the packages",
          p.name,
        );
      variables.set(variable, d.name);
      return dependencyContext({
        name: d.name,
        version: target.version,
        recipe: target.recipe,
        var: variable,
        path: located.path,
        external: target.external !== undefined,
        types: DEPENDENCY_TYPES.filter((t) => d.types.includes(t)),
        virtuals: [...d.virtuals].sort(compareText),
        options: strictRecord(
          `options of ${d.name}`,
          [...target.options].sort(([a], [b]) => compareText(a, b)),
        ),
      });
    });
  const source = p.source!;
  const context: RecipeContext = {
    name: p.name,
    version: p.version,
    recipe: p.recipe,
    options: strictRecord(`options of ${p.name}`, options),
    source,
    resources: p.resources,
    depends,
    deps: strictRecord(
      `dependencies of ${p.name}`,
      depends.map((d) => [d.name, d]),
    ),
    virtuals: strictRecord(`virtuals ${p.name} depends on`, virtualProviders(depends, providers)),
  };
  const header: ScriptHeader = {
    format: SCRIPT_FORMAT,
    name: p.name,
    version: p.version,
    recipe: p.recipe,
    options,
    source,
    resources: p.resources,
    depends: depends.map((d) => ({
      name: d.name,
      types: d.types,
      path: d.path,
      ...(d.external && {
        external: { version: d.version, options: new Map(Object.entries(d.options)) },
      }),
      virtuals: d.virtuals,
    })),
  };
  const body = recipes.render(p.recipe, context, `${p.name}@${p.version}`);
  const text = `#!/bin/sh\n${formatScriptHeader(header)}\n${body.replace(/^\n+/, "").replace(/\n*$/, "\n")}`;
  const id = storeId(p.name, text);
  return { name: p.name, version: p.version, id, path: storePath(store, id), text, header };
}

const SHA256_RE = /^[0-9a-f]{64}$/;
const COMMIT_RE = /^[0-9a-f]{40}$/;

/**
 * Refuses what a script cannot hold safely or meaningfully: names that are not names, hashes that
 * are not hashes, file names with a `/`, prefixes that are not plain paths, a built package with
 * no source. Values (versions, option values, URLs) may hold anything: they are quoted.
 */
export function checkPackage(p: LockedPackage): void {
  const fail = (what: string, hint?: string): never => {
    throw new GeneratorError(`${p.name}: ${what}`, hint, p.name);
  };
  const names = [
    p.name,
    p.recipe,
    ...p.provides,
    ...p.depends.flatMap((d) => [d.name, ...d.virtuals]),
  ];
  const badName = names.find((n) => !NAME_RE.test(n));
  if (badName !== undefined)
    fail(`"${badName}" is not a valid name`, "names are letters, digits and _ . -");
  const badOption = [...p.options.keys()].find((o) => !OPTION_RE.test(o));
  if (badOption !== undefined) fail(`"${badOption}" is not a valid option name`);
  const seen = new Set<string>();
  for (const d of p.depends) {
    if (d.types.length === 0) fail(`its dependency ${d.name} has no type`);
    if (seen.has(d.name)) fail(`it depends on ${d.name} twice`);
    seen.add(d.name);
  }
  if (p.external) {
    if (!isPlainPath(p.external.prefix))
      fail(
        `external prefix "${p.external.prefix}" is not a plain absolute path`,
        "use an absolute path of letters, digits and . _ + -",
      );
    return;
  }
  if (!p.source) fail("a built package needs a source");
  for (const s of [p.source!, ...p.resources]) checkSource(s, fail);
  const values = [
    p.version,
    ...[...p.options.values()].filter((v) => typeof v === "string"),
    ...[p.source!, ...p.resources].map((s) => s.url),
  ];
  if (values.some((v) => v.includes("\0")))
    fail("a value holds a NUL character, which no script or argument can carry");
}

function checkSource(s: ScriptSource, fail: (what: string, hint?: string) => never): void {
  if (s.kind === "git") {
    if (!COMMIT_RE.test(s.commit)) fail(`"${s.commit}" is not a full git commit (40 hex digits)`);
    return;
  }
  if (!SHA256_RE.test(s.sha256)) fail(`"${s.sha256}" is not a sha256 (64 hex digits)`);
  if (s.filename === "" || s.filename === "." || s.filename === ".." || /[/\0]/.test(s.filename))
    fail(`"${s.filename}" is not a plain file name`, "a file name has no / and is not . or ..");
}

/**
 * For each virtual a package depends on, the one dependency a recipe sees as its provider. When
 * several providers are in the set (both asked for), the request's preferred one, else the first
 * by name: every provider stays in `depends`, but `virtuals.X` must name one, predictably.
 */
function virtualProviders(
  depends: readonly DependencyContext[],
  providers: ReadonlyMap<string, readonly string[]>,
): [string, DependencyContext][] {
  const rank = (v: string, name: string) => {
    const i = providers.get(v)?.indexOf(name) ?? -1;
    return i < 0 ? Number.POSITIVE_INFINITY : i;
  };
  const chosen = new Map<string, DependencyContext>();
  for (const d of depends)
    for (const v of d.virtuals) {
      const held = chosen.get(v);
      if (
        !held ||
        rank(v, d.name) < rank(v, held.name) ||
        (rank(v, d.name) === rank(v, held.name) && compareText(d.name, held.name) < 0)
      )
        chosen.set(v, d);
    }
  return [...chosen].sort(([a], [b]) => compareText(a, b));
}
