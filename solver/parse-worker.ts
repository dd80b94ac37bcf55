/**
 * A worker thread of the load cache (`load-cache.ts`): parses and checks the constraint files it
 * is sent (started before they are read, it loads its modules meanwhile; it reads those sent
 * without their text) and sends back, for each, its diagnostics and its package as cache text.
 * A file it cannot read it leaves out: the load reads it again, for the error.
 */
import { parentPort } from "node:worker_threads";
import { parseFileForCache, type WorkerFile } from "./load-cache.js";

parentPort?.once("message", (files: readonly WorkerFile[]) => {
  parentPort?.postMessage(files.flatMap((f) => parseFileForCache(f) ?? []));
});
