/**
 * Writing constraint files (the TOML of docs/constraints.md) from generated models: shared by the
 * kit's random universes and the solver benchmark's synthetic ones, so both write the same format.
 */

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
