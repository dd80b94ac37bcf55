/** `pthbs show [NAME]`: what the constraint files say about a package or virtual, or list them all. */

import type { Command } from "commander";
import {
  describe,
  formatLocation,
  loadConstraints,
  type PackageReport,
  type SourceReport,
  type VirtualReport,
} from "../index.js";
import { bold, dim, EXIT, type GlobalOptions, type Io, printJson } from "./io.js";
import { loadOptions } from "./request-args.js";

export function registerShow(program: Command, io: Io, done: (code: number) => void): void {
  program
    .command("show")
    .argument("[name]", "a package or virtual package; without it, list every package")
    .description(
      "show a package's versions, options, dependencies and conflicts, with the file:line of each",
    )
    .action(async (name: string | undefined, _opts, cmd: Command) => {
      const g = cmd.optsWithGlobals<GlobalOptions>();
      const result = await loadConstraints(g.constraints, loadOptions(g));
      const errors = result.diagnostics.filter((d) => d.severity === "error").length;
      if (errors > 0) {
        io.stderr(
          `pthbs: warning: the constraint files have ${errors} error(s); showing what is valid (run pthbs lint)\n`,
        );
      }
      const u = result.universe;
      if (name === undefined) {
        const list = [...u.packages.values()].map((p) => ({
          name: p.name,
          newest: p.versions[0]?.version.text ?? null,
          versions: p.versions.length,
          summary: p.summary ?? "",
          provides: p.provides.map((v) => v.virtual),
        }));
        if (g.json) {
          printJson(io, {
            packages: list,
            virtuals: Object.fromEntries(
              [...u.virtuals].map(([v, ps]) => [v, ps.map((p) => p.package)]),
            ),
          });
        } else {
          const width = Math.max(0, ...list.map((p) => p.name.length));
          for (const p of list) {
            io.stdout(
              `${p.name.padEnd(width)}  ${(p.newest ?? "-").padEnd(10)} ${dim(io, `(${p.versions} versions)`)}  ${p.summary}\n`,
            );
          }
          for (const [v, ps] of u.virtuals)
            io.stdout(
              `${dim(io, "virtual")} ${v}: provided by ${ps.map((p) => p.package).join(", ")}\n`,
            );
        }
        done(EXIT.ok);
        return;
      }
      const report = describe(u, name);
      if (g.json) printJson(io, report);
      else
        io.stdout(
          report.kind === "package" ? formatPackage(io, report) : formatVirtual(io, report),
        );
      done(EXIT.ok);
    });
}

const at = (io: Io, loc: PackageReport["location"]) => dim(io, `(${formatLocation(loc)})`);
const whenText = (when: string | undefined) => (when === undefined ? "" : `  when ${when}`);

function formatSource(s: SourceReport): string {
  return s.kind === "url"
    ? `${s.url}  sha256:${s.sha256.slice(0, 12)}…`
    : `${s.git}  commit:${s.commit.slice(0, 12)}…`;
}

function formatPackage(io: Io, r: PackageReport): string {
  const lines: string[] = [];
  lines.push(`${bold(io, r.name)}${r.summary ? ` — ${r.summary}` : ""}  ${at(io, r.location)}`);
  if (r.homepage) lines.push(`  homepage: ${r.homepage}`);
  lines.push(`  recipe:   ${r.recipe}`);
  if (r.provides.length)
    lines.push(
      `  provides: ${r.provides.map((p) => `${p.virtual}${whenText(p.when)}`).join(", ")}`,
    );
  lines.push("", bold(io, "versions") + dim(io, " (newest first)"));
  const vw = Math.max(0, ...r.versions.map((v) => v.version.length));
  for (const v of r.versions) {
    const extra = v.resources.length ? ` +${v.resources.length} resource(s)` : "";
    lines.push(
      `  ${v.version.padEnd(vw)}  ${v.deprecated ? "deprecated  " : ""}${formatSource(v.source)}${extra}  ${at(io, v.location)}`,
    );
  }
  lines.push("", bold(io, "options"));
  if (r.options.length === 0) lines.push("  (none)");
  for (const o of r.options) {
    const kind = o.type === "bool" ? "" : ` [${o.values.join("|")}]`;
    const def = o.type === "bool" ? `${o.default ? "+" : "~"}${o.name}` : `${o.name}=${o.default}`;
    lines.push(
      `  ${def}${kind}${whenText(o.when)}${o.summary ? `  ${o.summary}` : ""}  ${at(io, o.location)}`,
    );
  }
  lines.push("", bold(io, "depends"));
  if (r.depends.length === 0) lines.push("  (none)");
  for (const d of r.depends)
    lines.push(`  ${d.spec}${whenText(d.when)}  [${d.type.join(",")}]  ${at(io, d.location)}`);
  lines.push("", bold(io, "conflicts"));
  if (r.conflicts.length === 0) lines.push("  (none)");
  for (const c of r.conflicts)
    lines.push(`  ${c.spec}${whenText(c.when)}${c.msg ? `: ${c.msg}` : ""}  ${at(io, c.location)}`);
  lines.push("", bold(io, "required by"));
  if (r.requiredBy.length === 0) lines.push("  (nothing)");
  for (const q of r.requiredBy)
    lines.push(`  ${q.package} needs ${q.spec}${whenText(q.when)}  ${at(io, q.location)}`);
  return `${lines.join("\n")}\n`;
}

function formatVirtual(io: Io, r: VirtualReport): string {
  const lines = [`${bold(io, r.name)} — virtual package`, "", bold(io, "provided by")];
  for (const p of r.providers)
    lines.push(`  ${p.package}${whenText(p.when)}  ${at(io, p.location)}`);
  lines.push("", bold(io, "required by"));
  if (r.requiredBy.length === 0) lines.push("  (nothing)");
  for (const q of r.requiredBy)
    lines.push(`  ${q.package}${whenText(q.when)}  ${at(io, q.location)}`);
  return `${lines.join("\n")}\n`;
}
