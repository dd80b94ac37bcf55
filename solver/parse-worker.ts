/**
 * A worker thread of the load cache (`load-cache.ts`, `parse-share.ts`): takes the next few
 * constraint files from the shared counter, reads (when not given their text), parses and checks
 * them, and sends back, for each, its diagnostics and its package as cache text; says so on its
 * parent port when none are left. A file it cannot read it leaves out: the load reads it again.
 */
import { parentPort } from "node:worker_threads";
import { parseFileForCache } from "./load-cache.js";
import type { ShareRequest } from "./parse-share.js";
import type { Spec } from "./spec.js";

parentPort?.once("message", (request: ShareRequest) => {
  const next = new Int32Array(request.next);
  const { files, chunk, port } = request;
  // A spec written in many files (a common condition) is parsed once.
  const specs = new Map<string, Spec>();
  for (let i = Atomics.add(next, 0, chunk); i < files.length; i = Atomics.add(next, 0, chunk))
    port.postMessage(files.slice(i, i + chunk).flatMap((f) => parseFileForCache(f, specs) ?? []));
  parentPort?.postMessage("done");
});
