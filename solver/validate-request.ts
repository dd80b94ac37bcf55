/**
 * Checks a Request against a Universe before solving: unknown names, options and values are the
 * user's typos, to be reported as such (with a suggestion), never as an unsatisfiable request.
 */
import type { Diagnostic, SourceLocation } from "../common/errors.js";
import { specProblems } from "./constraint-file.js";
import { RequestError } from "./errors.js";
import type { Request } from "./request.js";
import { printSpec, type Spec } from "./spec.js";
import { didYouMean } from "./suggest.js";
import type { Universe } from "./universe.js";

/** Throws `RequestError` listing every problem of the request; returns quietly when it fits. */
export function validateRequest(universe: Universe, request: Request): void {
  const problems: Diagnostic[] = [];
  const report = (at: SourceLocation, code: Diagnostic["code"], message: string, hint?: string) =>
    problems.push({ severity: "error", code, ...at, message, ...(hint !== undefined && { hint }) });
  const externalNames = new Set(request.externals.map((e) => e.name));
  const externalVirtuals = new Set(request.externals.flatMap((e) => e.provides));
  const isVirtual = (n: string) => universe.virtuals.has(n) || externalVirtuals.has(n);
  const known = [
    ...universe.packages.keys(),
    ...universe.virtuals.keys(),
    ...externalNames,
    ...externalVirtuals,
  ];

  const checkSpec = (spec: Spec, at: SourceLocation, what: string) => {
    const name = spec.name!;
    const pkg = universe.packages.get(name);
    if (pkg) {
      for (const p of specProblems(pkg, spec))
        if (p.severity === "error")
          report(at, p.code, `${what} "${printSpec(spec)}": ${p.message}`, p.hint);
    } else if (isVirtual(name)) {
      if (spec.range || spec.options.length > 0) {
        report(
          at,
          "virtual-with-constraints",
          `${what} "${printSpec(spec)}": ${name} is a virtual package, without versions or options`,
          `ask for "${name}", or for one of its providers with a version`,
        );
      }
    } else if (!externalNames.has(name)) {
      report(
        at,
        "unknown-name",
        `${what} "${printSpec(spec)}": no package or virtual named "${name}"`,
        didYouMean(name, known) ?? "run pthbs show to list the packages",
      );
    } else if (spec.options.length > 0) {
      report(
        at,
        "unknown-option",
        `${what} "${printSpec(spec)}": ${name} is known only as an external, without options`,
      );
    }
  };

  for (const item of request.items) checkSpec(item.spec, item.location, "request");
  const seenExternals = new Set<string>();
  for (const e of request.externals) {
    if (seenExternals.has(e.name))
      report(
        e.location,
        "bad-request",
        `external "${e.name}" is declared twice`,
        "keep one declaration per package",
      );
    seenExternals.add(e.name);
    if (isVirtual(e.name) && !universe.packages.has(e.name)) {
      report(
        e.location,
        "bad-request",
        `external "${e.name}" has the name of a virtual package`,
        `name the host package and add provides = ["${e.name}"]`,
      );
    }
    const pkg = universe.packages.get(e.name);
    if (pkg) {
      const spec: Spec = {
        name: e.name,
        options: [...e.options].map(([name, value]) => ({ name, value })),
      };
      for (const p of specProblems(pkg, spec))
        if (p.severity === "error")
          report(e.location, p.code, `external "${e.name}": ${p.message}`, p.hint);
    } else if (e.options.size > 0) {
      report(
        e.location,
        "unknown-option",
        `external "${e.name}" has no constraint file, so it has no options`,
        "remove its options",
      );
    }
    for (const v of e.provides) {
      if (universe.packages.has(v))
        report(
          e.location,
          "name-clash",
          `external "${e.name}" provides "${v}", which is a package, not a virtual`,
        );
    }
  }
  for (const [virtual, providers] of request.providerPreferences) {
    const at = request.items[0]?.location ?? { file: "request", line: 0, column: 0 };
    if (!isVirtual(virtual)) {
      report(
        at,
        "unknown-name",
        `provider preference for "${virtual}", which is not a virtual package`,
        didYouMean(virtual, [...universe.virtuals.keys(), ...externalVirtuals]),
      );
      continue;
    }
    for (const q of providers) {
      const provides =
        (universe.virtuals.get(virtual) ?? []).some((p) => p.package === q) ||
        request.externals.some((e) => e.name === q && e.provides.includes(virtual));
      if (!provides)
        report(
          at,
          "unknown-name",
          `provider preference for "${virtual}" lists "${q}", which does not provide it`,
        );
    }
  }
  for (const name of request.versionPreferences.keys()) {
    if (!universe.packages.has(name)) {
      const at = request.items[0]?.location ?? { file: "request", line: 0, column: 0 };
      report(
        at,
        "unknown-name",
        `version preference for "${name}", which is not a package`,
        didYouMean(name, [...universe.packages.keys()]),
      );
    }
  }
  if (problems.length > 0) throw new RequestError(problems);
}
