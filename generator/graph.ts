/**
 * The dependency graph of a package set as Graphviz DOT, for `pthbs graph | dot -Tsvg`.
 *
 * An edge goes from a package to each dependency; its style says how the dependency is used:
 * solid when it is linked in (`link`, whatever else), dotted when it is needed at run time only
 * (`run`, maybe with `build`), dashed when only to build (`build`). An edge met by a provider of
 * virtuals is labelled with them. Requested packages are bold; externals are dashed boxes naming
 * their host prefix.
 */
import type { DependencyType } from "../solver/universe.js";
import { compareText } from "./header.js";

/** What the graph needs of a package (a solved or a locked one). */
export interface GraphPackage {
  readonly name: string;
  readonly version: string;
  readonly external?: { readonly prefix: string };
  readonly depends: readonly {
    readonly name: string;
    readonly types: readonly DependencyType[];
    readonly virtuals: readonly string[];
  }[];
}

/** The line style of an edge with these dependency types. */
export function edgeStyle(types: readonly DependencyType[]): "solid" | "dotted" | "dashed" {
  return types.includes("link") ? "solid" : types.includes("run") ? "dotted" : "dashed";
}

/** A DOT double-quoted string: `"` and `\` escaped, newlines as `\n`. */
function quote(text: string): string {
  return `"${text.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\r?\n/g, "\\n")}"`;
}

/** The graph in DOT, nodes and edges sorted by name: the same set always gives the same text. */
export function graphDot(packages: readonly GraphPackage[], roots: readonly string[]): string {
  const rootSet = new Set(roots);
  const sorted = [...packages].sort((a, b) => compareText(a.name, b.name));
  const lines = [
    "digraph pthbs {",
    "  // edges: solid = link, dotted = run, dashed = build only; labels name the virtuals met",
    '  node [shape=box, fontname="sans-serif"];',
    '  edge [fontname="sans-serif", fontsize=10];',
  ];
  for (const p of sorted) {
    const label = [p.name, p.version, ...(p.external ? [`external ${p.external.prefix}`] : [])];
    const attrs = [`label=${quote(label.join("\n"))}`];
    if (p.external) attrs.push("style=dashed");
    else if (rootSet.has(p.name)) attrs.push("style=bold");
    lines.push(`  ${quote(p.name)} [${attrs.join(", ")}];`);
  }
  for (const p of sorted)
    for (const d of [...p.depends].sort((a, b) => compareText(a.name, b.name))) {
      const attrs = [`style=${edgeStyle(d.types)}`, `tooltip=${quote(d.types.join(", "))}`];
      if (d.virtuals.length > 0) attrs.push(`label=${quote(d.virtuals.join(", "))}`);
      lines.push(`  ${quote(p.name)} -> ${quote(d.name)} [${attrs.join(", ")}];`);
    }
  lines.push("}");
  return `${lines.join("\n")}\n`;
}
