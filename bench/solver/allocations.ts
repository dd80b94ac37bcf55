/**
 * What one request's encoding (or with `--solve`, the whole of `solve()`) allocates on the JavaScript heap, by function (V8's sampling heap
 * profiler, counting objects the garbage collector has since freed), and the new memory pages it
 * touches: both are nearly the same from run to run where the times on a shared VM are not.
 *   node --expose-gc bench/dist/bench/solver/allocations.js [ROOT] [--seed N] [--top K] [--solve]
 */
import { Session } from "node:inspector/promises";
import { tuneV8 } from "../../cli/v8.js";
import { encode } from "../../solver/encode.js";
import { loadConstraintTexts } from "../../solver/load.js";
import { requestFromSpecs } from "../../solver/request.js";
import { solve } from "../../solver/solve.js";
import { DEFAULT_PARAMS, generateUniverse } from "./generate.js";

interface SamplingNode {
  readonly callFrame: {
    readonly functionName: string;
    readonly url: string;
    readonly lineNumber: number;
  };
  readonly selfSize: number;
  readonly children: readonly SamplingNode[];
}

tuneV8({ collector: false });
const args = process.argv.slice(2);
const option = (name: string, fallback: number) => {
  const at = args.indexOf(name);
  return at >= 0 ? Number(args[at + 1]) : fallback;
};
const seed = option("--seed", 1);
const top = option("--top", 25);
const whole = args.includes("--solve");
const specs = args.filter(
  (a, i) => !a.startsWith("--") && !(args[i - 1] === "--seed" || args[i - 1] === "--top"),
);
const { files } = generateUniverse({ ...DEFAULT_PARAMS, seed, packages: 7000 });
const { universe } = loadConstraintTexts(files);
const request = requestFromSpecs(specs.length > 0 ? specs : ["p02621"]);
(globalThis as { gc?: () => void }).gc?.();

const session = new Session();
session.connect();
await session.post("HeapProfiler.enable");
await session.post("HeapProfiler.startSampling", {
  samplingInterval: 512,
  includeObjectsCollectedByMajorGC: true,
  includeObjectsCollectedByMinorGC: true,
});
const pages = process.resourceUsage().minorPageFault;
const t0 = performance.now();
if (whole) solve(universe, request);
else encode(universe, request);
const ms = performance.now() - t0;
const touched = process.resourceUsage().minorPageFault - pages;
const { profile } = (await session.post("HeapProfiler.stopSampling")) as {
  profile: { head: SamplingNode };
};
const bytes = new Map<string, number>();
let total = 0;
// A built-in (`push`, `set`) is charged with its caller's name: "push in declarePackage".
const walk = (n: SamplingNode, caller = "") => {
  const f = n.callFrame;
  const where =
    f.url === ""
      ? `${f.functionName || "(anonymous)"} in ${caller}`
      : `${f.functionName || "(anonymous)"} ${f.url.split("/").slice(-2).join("/")}:${f.lineNumber + 1}`;
  bytes.set(where, (bytes.get(where) ?? 0) + n.selfSize);
  total += n.selfSize;
  for (const c of n.children) walk(c, f.url === "" ? caller : where);
};
walk(profile.head);
console.log(
  `${whole ? "solve()" : "encode"}: ${(total / 2 ** 20).toFixed(1)} MiB allocated, ${touched} new pages, ${ms.toFixed(0)} ms (under the sampling profiler)`,
);
for (const [where, b] of [...bytes].sort((a, b) => b[1] - a[1]).slice(0, top))
  console.log(`${(b / 2 ** 20).toFixed(2).padStart(7)} MiB  ${where}`);
