/**
 * The Universe: every package the constraint files describe, as one immutable value.
 *
 * This is what the loader produces and what the solver consumes. Every fact carries the
 * `SourceLocation` it came from so that explanations and `pthbs show` can cite it.
 */
import type { SourceLocation } from "../common/errors.js";
import type { OptionValue, Spec } from "./spec.js";
import type { Version } from "./version.js";

/** Where a version's code comes from: a tarball with its sha256, or a git commit. */
export type Source =
  | {
      readonly kind: "url";
      readonly url: string;
      readonly sha256: string;
      /** File name to store it under; defaults to the URL's last path component. */
      readonly filename?: string;
      readonly location: SourceLocation;
    }
  | {
      readonly kind: "git";
      readonly url: string;
      readonly commit: string;
      readonly location: SourceLocation;
    };

/** One declared version of a package. */
export interface PackageVersion {
  readonly version: Version;
  /** The main source, unpacked as the build's `$src`. */
  readonly source: Source;
  /** Further files the build needs (e.g. musl-cross-make's component tarballs). */
  readonly resources: readonly Source[];
  readonly deprecated: boolean;
  readonly location: SourceLocation;
}

/** A build option: a boolean or one of a list of values; it may exist only for some versions. */
export interface PackageOption {
  readonly name: string;
  /** `[true, false]` for a boolean option, the declared values otherwise. */
  readonly values: readonly OptionValue[];
  readonly kind: "bool" | "value";
  readonly default: OptionValue;
  readonly summary?: string;
  /** The option exists only for configurations matching this condition. */
  readonly when?: Spec;
  readonly location: SourceLocation;
}

/** How a dependency is used: needed to build, linked into the result, or needed at run time. */
export type DependencyType = "build" | "link" | "run";
export const DEPENDENCY_TYPES: readonly DependencyType[] = ["build", "link", "run"];

/** A `[[depends]]` entry: while the package matches `when`, one package in the set matches `spec`. */
export interface Dependency {
  readonly spec: Spec;
  readonly when?: Spec;
  /** Non-empty, sorted, without repeats. */
  readonly types: readonly DependencyType[];
  readonly location: SourceLocation;
}

/** A `[[conflicts]]` entry: while the package matches `when`, no package in the set matches `spec`. */
export interface Conflict {
  readonly spec: Spec;
  readonly when?: Spec;
  readonly message?: string;
  readonly location: SourceLocation;
}

/** A virtual package this package can stand in for, possibly only in some configurations. */
export interface Provision {
  readonly virtual: string;
  readonly when?: Spec;
  readonly location: SourceLocation;
}

/** Everything one constraint file says about one package. */
export interface Package {
  readonly name: string;
  readonly summary?: string;
  readonly homepage?: string;
  /** The recipe template name (defaults to the package name). */
  readonly recipe: string;
  readonly provides: readonly Provision[];
  /** Sorted by name. */
  readonly options: readonly PackageOption[];
  /** Newest first. */
  readonly versions: readonly PackageVersion[];
  readonly depends: readonly Dependency[];
  readonly conflicts: readonly Conflict[];
  /** The constraint file, and the position of its `name` key. */
  readonly location: SourceLocation;
}

/** All packages, and the virtual packages they provide. */
export interface Universe {
  /** Sorted by name. */
  readonly packages: ReadonlyMap<string, Package>;
  /** Each virtual's providers, sorted by package name. */
  readonly virtuals: ReadonlyMap<string, readonly Provider[]>;
}

/** One package that can provide a virtual, under a condition. */
export interface Provider {
  readonly package: string;
  readonly provision: Provision;
}

/** Finds a declared option of a package. */
export function findOption(pkg: Package, name: string): PackageOption | undefined {
  return pkg.options.find((o) => o.name === name);
}

/** Finds a declared version of a package by its exact text. */
export function findVersion(pkg: Package, text: string): PackageVersion | undefined {
  return pkg.versions.find((v) => v.version.text === text);
}
