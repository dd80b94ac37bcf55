/** `pthbs store ls|verify|path`: look at the valid paths of a store. */

import type { Command } from "commander";
import { openStore, type StoreOptions, withStoreOption } from "./executor-args.js";
import { EXIT, type Io, printJson } from "./io.js";

export function registerStore(
  program: Command,
  io: Io,
  done: (code: number) => void,
  env: NodeJS.ProcessEnv,
): void {
  const store = program.command("store").description("list, verify and locate valid store paths");
  withStoreOption(
    store.command("ls").description("list the valid paths: name, version, path"),
  ).action(async (_opts, cmd: Command) => {
    const opts = cmd.optsWithGlobals<StoreOptions>();
    const s = openStore(opts, env);
    const records = await s.valid();
    if (opts.json)
      printJson(io, { root: s.root, paths: records.map((r) => ({ ...r, path: s.path(r.id) })) });
    else for (const r of records) io.stdout(`${r.name} ${r.version} ${s.path(r.id)}\n`);
    done(EXIT.ok);
  });
  withStoreOption(
    store
      .command("verify")
      .description("re-hash every valid path against its record")
      .addHelpText(
        "after",
        "\nExit status: 0 every path matches its record, 1 some path differs or is missing.",
      ),
  ).action(async (_opts, cmd: Command) => {
    const opts = cmd.optsWithGlobals<StoreOptions>();
    const s = openStore(opts, env);
    const results = [];
    for (const r of await s.valid()) {
      const v = await s.verify(r);
      results.push({ id: r.id, path: s.path(r.id), ok: v.ok, recorded: r.tree, actual: v.tree });
      if (!opts.json)
        io.stdout(
          v.ok
            ? `ok       ${s.path(r.id)}\n`
            : `MODIFIED ${s.path(r.id)} (recorded ${r.tree}, now ${v.tree})\n`,
        );
    }
    const ok = results.every((r) => r.ok);
    if (opts.json) printJson(io, { ok, root: s.root, paths: results });
    done(ok ? EXIT.ok : EXIT.failure);
  });
  withStoreOption(
    store
      .command("path")
      .argument("<name>", "a package name or store id")
      .description("print the store path of a valid package (every one, when several)")
      .addHelpText("after", "\nExit status: 0 found, 1 no valid path has that name or id."),
  ).action(async (name: string, _opts, cmd: Command) => {
    const opts = cmd.optsWithGlobals<StoreOptions>();
    const s = openStore(opts, env);
    const found = await s.find(name);
    if (opts.json) printJson(io, { ok: found.length > 0, paths: found.map((r) => s.path(r.id)) });
    else if (found.length === 0)
      io.stderr(`pthbs: error: no valid path for ${name} in ${s.storeDir}\n`);
    else for (const r of found) io.stdout(`${s.path(r.id)}\n`);
    done(found.length > 0 ? EXIT.ok : EXIT.failure);
  });
}
