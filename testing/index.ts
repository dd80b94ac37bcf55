/**
 * `pthbs/testing`: a property-testing kit for resolution — fast-check arbitraries for versions,
 * ranges, specs, random universes and requests on a given universe; the brute-force oracle for
 * small universes; and invariants every universe should keep. These are the generators and the
 * oracle pthbs's own property tests use. See docs/testing.md.
 */

/** The fast-check the kit's arbitraries are built with: run them with this one. */
export { default as fc } from "fast-check";
export * from "./arbitraries.js";
export * from "./checked-engine.js";
export * from "./constraint-file.js";
export * from "./cross-check.js";
export * from "./fuzz.js";
export * from "./invariants.js";
export * from "./oracle.js";
export * from "./sh.js";
export * from "./universe.js";
