/**
 * What changed between two package sets (two generations, environments or lockfiles): packages
 * added, removed, and changed in version, options or only in their build (same version and
 * options, another id: something below them changed).
 */
import { type OptionValue, printOption } from "../common/options.js";
import type { EnvironmentMember } from "./environment.js";

/** One option whose value differs (absent when the option does not exist on that side). */
export interface OptionChange {
  readonly option: string;
  readonly from?: OptionValue;
  readonly to?: OptionValue;
}

/** A package present on both sides with another id. */
export interface ChangedMember {
  readonly name: string;
  readonly from: EnvironmentMember;
  readonly to: EnvironmentMember;
  /** Empty when only the build changed. */
  readonly options: readonly OptionChange[];
}

/** The difference from set A to set B; each list sorted by name. */
export interface SetDiff {
  readonly added: readonly EnvironmentMember[];
  readonly removed: readonly EnvironmentMember[];
  readonly changed: readonly ChangedMember[];
}

/** Compares two member lists by name. */
export function diffMembers(
  a: readonly EnvironmentMember[],
  b: readonly EnvironmentMember[],
): SetDiff {
  const before = new Map(a.map((m) => [m.name, m]));
  const after = new Map(b.map((m) => [m.name, m]));
  const byName = (x: { name: string }, y: { name: string }) => (x.name < y.name ? -1 : 1);
  const changed: ChangedMember[] = [];
  for (const [name, to] of after) {
    const from = before.get(name);
    if (!from || from.id === to.id) continue;
    const keys = [...new Set([...Object.keys(from.options), ...Object.keys(to.options)])].sort();
    const options = keys
      .filter((k) => from.options[k] !== to.options[k])
      .map((option) => ({ option, from: from.options[option], to: to.options[option] }));
    changed.push({ name, from, to, options });
  }
  return {
    added: [...after.values()].filter((m) => !before.has(m.name)).sort(byName),
    removed: [...before.values()].filter((m) => !after.has(m.name)).sort(byName),
    changed: changed.sort(byName),
  };
}

/** An option value as specs write it, or that the option does not exist on that side. */
function formatOption(option: string, value: OptionValue | undefined): string {
  return value === undefined ? `(no ${option})` : printOption(option, value);
}

/** The diff as lines for people: `+ name version`, `- name version`, `~ name a -> b (…)`. */
export function formatDiff(d: SetDiff): string[] {
  const lines: string[] = [];
  for (const m of d.added) lines.push(`+ ${m.name} ${m.version}`);
  for (const m of d.removed) lines.push(`- ${m.name} ${m.version}`);
  for (const c of d.changed) {
    const version =
      c.from.version === c.to.version ? c.to.version : `${c.from.version} -> ${c.to.version}`;
    const what =
      c.options.length > 0
        ? c.options
            .map((o) => `${formatOption(o.option, o.from)} -> ${formatOption(o.option, o.to)}`)
            .join(", ")
        : c.from.version === c.to.version
          ? "rebuilt: a dependency changed"
          : "";
    lines.push(`~ ${c.name} ${version}${what ? ` (${what})` : ""}`);
  }
  return lines;
}
