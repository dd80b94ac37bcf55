/**
 * A worker thread of the load cache (`load-cache.ts`): parses and checks the constraint files it
 * is sent (started before they are read, it loads its modules meanwhile) and sends back, for
 * each, its diagnostics and its package as cache text — in parts, so that the load reads the
 * first ones back while this thread parses the others — then "done".
 */
import { parentPort } from "node:worker_threads";
import { parseForCache } from "./load-cache.js";

/** Files per part: enough to keep messages few, few enough to read back early. */
const PART = 64;

parentPort?.once("message", (files: readonly { name: string; path: string; text: string }[]) => {
  for (let i = 0; i < files.length; i += PART)
    parentPort?.postMessage(
      files.slice(i, i + PART).map((f) => parseForCache(f.name, f.path, f.text)),
    );
  parentPort?.postMessage("done");
});
