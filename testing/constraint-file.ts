/**
 * Writing constraint files (the TOML of docs/constraints.md) and environment files from generated
 * models. The constraint-file writer is shared by the kit's random universes and the solver
 * benchmark's synthetic ones, so both write one format.
 */
import type { Request } from "../solver/request.js";

/** An option value as written in a constraint file or a spec. */
export type OptionValueText = boolean | string;

/** An `[options]` entry to write: boolean (`default` only) or valued (`values` and `default`). */
export interface OptionDeclaration {
  readonly name: string;
  readonly kind: "bool" | "value";
  readonly values: readonly OptionValueText[];
  readonly default: OptionValueText;
  /** The anonymous spec under which the option exists, as written. */
  readonly when?: string | undefined;
}

/** A TOML basic string (JSON's escaping is a subset of TOML's). */
export const tomlString = (s: string): string => JSON.stringify(s);

/** The lines of an `[options]` table, a blank line first; none when there are no options. */
export function optionsTable(options: readonly OptionDeclaration[]): string[] {
  if (options.length === 0) return [];
  const lines = ["", "[options]"];
  for (const o of options) {
    const fields =
      o.kind === "bool"
        ? [`default = ${o.default}`]
        : [
            `values = [${o.values.map((v) => tomlString(String(v))).join(", ")}]`,
            `default = ${tomlString(String(o.default))}`,
          ];
    if (o.when !== undefined) fields.push(`when = ${tomlString(o.when)}`);
    lines.push(`${o.name} = { ${fields.join(", ")} }`);
  }
  return lines;
}

/** A key of a TOML table, bare when it can be. */
const tomlKey = (k: string): string => (/^[A-Za-z0-9_-]+$/.test(k) ? k : tomlString(k));

/** An inline table of option values: `{ static = true, libc = "musl" }`. */
const optionTable = (options: ReadonlyMap<string, OptionValueText>): string =>
  `{ ${[...options].map(([k, v]) => `${tomlKey(k)} = ${typeof v === "boolean" ? v : tomlString(v)}`).join(", ")} }`;

/**
 * A request written as an environment file (docs: `pthbs solve -f FILE`), so that a request drawn
 * at random can be replayed with the command line. A lockfile to reuse is not part of it.
 */
export function environmentFileText(request: Request): string {
  const lines = [`specs = [${request.items.map((i) => tomlString(i.text)).join(", ")}]`];
  const { providerPreferences: providers, versionPreferences: versions } = request;
  if (providers.size > 0 || versions.size > 0) {
    lines.push("", "[preferences]");
    if (providers.size > 0)
      lines.push(
        `providers = { ${[...providers].map(([v, ps]) => `${tomlKey(v)} = [${ps.map(tomlString).join(", ")}]`).join(", ")} }`,
      );
    if (versions.size > 0)
      lines.push(
        `versions = { ${[...versions].map(([n, r]) => `${tomlKey(n)} = ${tomlString(`@${r}`)}`).join(", ")} }`,
      );
  }
  for (const e of request.externals) {
    lines.push(
      "",
      `[externals.${tomlKey(e.name)}]`,
      `version = ${tomlString(e.version.text)}`,
      `prefix = ${tomlString(e.prefix)}`,
    );
    if (e.options.size > 0) lines.push(`options = ${optionTable(e.options)}`);
    if (e.provides.length > 0) lines.push(`provides = [${e.provides.map(tomlString).join(", ")}]`);
  }
  return `${lines.join("\n")}\n`;
}
