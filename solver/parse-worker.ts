/**
 * A worker thread of the load cache (`load-cache.ts`): parses and checks the constraint files it
 * is sent (started before they are read, it loads its modules meanwhile) and sends back, for
 * each, its diagnostics and its package as cache text.
 */
import { parentPort } from "node:worker_threads";
import { parseForCache } from "./load-cache.js";

parentPort?.once("message", (files: readonly { name: string; path: string; text: string }[]) => {
  parentPort?.postMessage(files.map((f) => parseForCache(f.name, f.path, f.text)));
});
