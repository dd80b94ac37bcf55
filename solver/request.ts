/**
 * A Request: what the user asks the solver for — specs, preferences, externals and a lockfile
 * to stay close to. Built from the command line (`requestFromSpecs`) or an environment file
 * (`environment-file.ts`).
 */
import type { SourceLocation } from "../common/errors.js";
import type { VersionRange } from "./range.js";
import { type OptionValue, parseSpec, type Spec } from "./spec.js";
import type { Version } from "./version.js";

/** One thing asked for: a spec and where it was written. */
export interface RequestItem {
  readonly spec: Spec;
  /** The spec as the user wrote it. */
  readonly text: string;
  /** `command line` (line 0) or the environment file's line. */
  readonly location: SourceLocation;
  /** Must hold, but does not make its package a root (why-not's hypothetical). */
  readonly constraintOnly?: boolean;
}

/**
 * A package already present on the host (an overlay on a distribution): usable instead of a
 * build, at no cost. It has no dependencies of its own; its options are the ones declared.
 */
export interface External {
  readonly name: string;
  readonly version: Version;
  readonly prefix: string;
  readonly options: ReadonlyMap<string, OptionValue>;
  /** Virtuals it provides besides those its package's constraint file declares. */
  readonly provides: readonly string[];
  readonly location: SourceLocation;
}

/** A previous solution to stay close to (`--reuse`): each package's version and option values. */
export interface ReuseChoice {
  readonly version: string;
  readonly options: ReadonlyMap<string, OptionValue>;
  readonly external: boolean;
}

/** Everything the solver is asked. */
export interface Request {
  readonly items: readonly RequestItem[];
  readonly externals: readonly External[];
  /** For a virtual, its providers from most to least preferred. */
  readonly providerPreferences: ReadonlyMap<string, readonly string[]>;
  /** For a package, the versions to prefer over newer ones. */
  readonly versionPreferences: ReadonlyMap<string, VersionRange>;
  /** A lockfile's choices, by package name. */
  readonly reuse?: ReadonlyMap<string, ReuseChoice>;
}

/** Where command-line specs come from, for explanations. */
export const COMMAND_LINE: SourceLocation = { file: "command line", line: 0, column: 0 };

/** A request from specs typed on the command line; throws `SpecSyntaxError` for a malformed one. */
export function requestFromSpecs(specs: readonly string[]): Request {
  return {
    items: specs.map((text) => ({ spec: parseSpec(text, "named"), text, location: COMMAND_LINE })),
    externals: [],
    providerPreferences: new Map(),
    versionPreferences: new Map(),
  };
}
