/**
 * Reading a previous solution to stay close to (`--reuse`): a lockfile (`pthbs.lock.json`,
 * `packages` keyed by name) or the output of `pthbs solve --json` (`packages` as a list).
 */
import { readFile } from "node:fs/promises";
import type { Diagnostic } from "../common/errors.js";
import { NotFoundError, RequestError } from "./errors.js";
import type { ReuseChoice } from "./request.js";
import type { OptionValue } from "./spec.js";
import type { Universe } from "./universe.js";

interface RawChoice {
  name?: unknown;
  version?: unknown;
  options?: unknown;
  external?: unknown;
}

/** Reads the choices of a lockfile or solve output; throws `RequestError` when it does not fit the universe. */
export async function readReuse(
  path: string,
  universe: Universe,
): Promise<Map<string, ReuseChoice>> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (e) {
    throw new NotFoundError(
      `cannot read ${path} (${(e as NodeJS.ErrnoException).code ?? String(e)})`,
      "give --reuse a lockfile or the output of pthbs solve --json",
    );
  }
  return parseReuse(text, path, universe);
}

/** Parses reuse choices from JSON text. */
export function parseReuse(
  text: string,
  file: string,
  universe: Universe,
): Map<string, ReuseChoice> {
  const diagnostic = (message: string, hint?: string): Diagnostic => ({
    severity: "error",
    code: "bad-lockfile",
    file,
    line: 1,
    column: 1,
    message,
    ...(hint !== undefined && { hint }),
  });
  const fail = (message: string, hint?: string): never => {
    throw new RequestError([diagnostic(message, hint)]);
  };
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    return fail(
      `not JSON: ${(e as Error).message}`,
      "give a pthbs.lock.json or the output of pthbs solve --json",
    );
  }
  const packages = (doc as { packages?: unknown })?.packages;
  const version = (doc as { lockfileVersion?: unknown })?.lockfileVersion;
  if (version !== undefined && version !== 1)
    fail(
      `lockfile format version ${String(version)} is not supported (this pthbs reads version 1)`,
      "regenerate it with this version of pthbs",
    );
  let entries: [string, RawChoice][];
  if (Array.isArray(packages)) entries = packages.map((p: RawChoice) => [String(p?.name), p]);
  else if (packages && typeof packages === "object")
    entries = Object.entries(packages as Record<string, RawChoice>);
  else
    return fail(
      'no "packages" in it',
      "give a pthbs.lock.json or the output of pthbs solve --json",
    );
  const choices = new Map<string, ReuseChoice>();
  const problems: Diagnostic[] = [];
  const problem = (message: string, hint: string) => problems.push(diagnostic(message, hint));
  for (const [name, raw] of entries) {
    const pkg = universe.packages.get(name);
    const external =
      raw?.external === true || (typeof raw?.external === "object" && raw.external !== null);
    if (typeof raw?.version !== "string") {
      problem(
        `package "${name}" has no version`,
        "the file is not a pthbs lockfile, or was edited by hand",
      );
      continue;
    }
    if (!pkg && !external) {
      problem(
        `it names package "${name}", which the constraints do not have`,
        "was it made from another constraints directory? pass the matching -C DIR",
      );
      continue;
    }
    if (pkg && !external && !pkg.versions.some((v) => v.version.text === raw.version)) {
      problem(
        `it pins ${name} ${raw.version}, which ${pkg.location.file} does not declare`,
        "was it made from another constraints directory? pass the matching -C DIR",
      );
      continue;
    }
    const options = new Map<string, OptionValue>();
    for (const [k, v] of Object.entries((raw.options ?? {}) as Record<string, unknown>)) {
      if (typeof v !== "boolean" && typeof v !== "string") {
        problem(
          `option ${k} of ${name} has a value that is neither a boolean nor a string`,
          "the file was edited by hand",
        );
      } else if (pkg && !external && !pkg.options.some((o) => o.name === k)) {
        problem(
          `it sets option ${k} of ${name}, which ${pkg.location.file} does not declare`,
          "was it made from another constraints directory?",
        );
      } else options.set(k, v);
    }
    choices.set(name, { version: raw.version, options, external });
  }
  if (problems.length > 0) throw new RequestError(problems);
  return choices;
}
