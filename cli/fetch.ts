/** `pthbs fetch`: fetch and verify every source of a set into the store's cache (for offline builds). */

import type { Command } from "commander";
import { fetchScripts } from "../index.js";
import {
  type InputOptions,
  loadScripts,
  openStore,
  sourceOptions,
  withInputOptions,
} from "./executor-args.js";
import { EXIT, type Io, printJson } from "./io.js";

export function registerFetch(
  program: Command,
  io: Io,
  done: (code: number) => void,
  env: NodeJS.ProcessEnv,
): void {
  withInputOptions(
    program
      .command("fetch")
      .description("fetch and verify the sources of a set into the store's cache"),
  )
    .addHelpText(
      "after",
      `
Sources are looked up in the cache, then each --mirror, then file: URLs, then http(s). Every file
is verified by sha256; a mismatch is an error naming both hashes.

Exit status: 0 all fetched, 1 a source missing or not matching its hash, 2 usage.`,
    )
    .action(async (specs: string[], _opts, cmd: Command) => {
      const opts = cmd.optsWithGlobals<InputOptions>();
      const store = openStore(opts, env);
      const scripts = await loadScripts(specs, opts, store, env, io, done);
      if (!scripts) return;
      const files = await fetchScripts(store, scripts, sourceOptions(opts));
      if (opts.json) printJson(io, { ok: true, root: store.root, sources: files });
      else for (const f of files) io.stdout(`${f.url}\n  ${f.file}\n`);
      done(EXIT.ok);
    });
}
