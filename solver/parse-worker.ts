/**
 * A worker thread of the load cache (`load-cache.ts`, `parse-share.ts`): takes the next few
 * constraint files from the shared counter, parses and checks them, and sends back, for each, its
 * diagnostics and its package as cache text; says so on its parent port when none are left.
 */
import { parentPort } from "node:worker_threads";
import { parseForCache } from "./load-cache.js";
import type { ShareRequest } from "./parse-share.js";

parentPort?.once("message", (request: ShareRequest) => {
  const next = new Int32Array(request.next);
  const { files, chunk, port } = request;
  for (let i = Atomics.add(next, 0, chunk); i < files.length; i = Atomics.add(next, 0, chunk))
    port.postMessage(files.slice(i, i + chunk).map((f) => parseForCache(f.name, f.path, f.text)));
  parentPort?.postMessage("done");
});
