/** `pthbs cache keygen|push|pull`: share store paths through a binary cache (docs/cache.md). */

import { basename } from "node:path";
import type { Command } from "commander";
import {
  type Compression,
  openCache,
  pushPaths,
  readSecretKey,
  STORE_ID_RE,
  type StoreId,
  substitute,
  writeKeyPair,
} from "../index.js";
import { ociCredentials, trustedKeys, withTrustedKeyOption } from "./cache-args.js";
import {
  openStore,
  readStoreLockfile,
  type StoreOptions,
  withStoreOption,
} from "./executor-args.js";
import { EXIT, type Io, printJson, UsageError } from "./io.js";

interface PushCommandOptions extends StoreOptions {
  readonly lock?: string;
  readonly key?: string;
  readonly closure: boolean;
  readonly compression: string;
}

interface PullCommandOptions extends StoreOptions {
  readonly trustedKey: string[];
}

/** Store ids from the command line: ids, or store paths ending in one. */
function storeIds(args: readonly string[]): StoreId[] {
  return args.map((a) => {
    const id = basename(a.replace(/\/+$/, ""));
    if (!STORE_ID_RE.test(id)) throw new UsageError(`not a store id or path: ${a}`);
    return id as StoreId;
  });
}

const CACHES = `
A cache is a directory (a path or file:///...; what a static web server or object store can
serve), a read-only http(s):// URL of such a directory, or oci://HOST[:PORT]/REPO: a repository of
an OCI registry, each store path one artifact tagged with its id's hash (plain http for localhost;
oci+http:// forces it; PTHBS_OCI_USERNAME and PTHBS_OCI_PASSWORD when the registry asks).`;

export function registerCache(
  program: Command,
  io: Io,
  done: (code: number) => void,
  env: NodeJS.ProcessEnv,
): void {
  const cache = program
    .command("cache")
    .description("share store paths through a binary cache: keygen, push, pull")
    .addHelpText(
      "after",
      "\nSee docs/cache.md. Exit status: as each subcommand says (0 success, 1 a problem, 2 usage).",
    );

  cache
    .command("keygen")
    .description("make an Ed25519 key pair to sign what you push")
    .argument("<name>", "the key's name, e.g. cache.example.org-1")
    .argument("<secret-file>", "where to write the secret key (mode 0600, never overwritten)")
    .argument("<public-file>", "where to write the public key, for pullers' --trusted-key")
    .addHelpText(
      "after",
      "\nBoth files hold NAME:BASE64, as Nix's binary-cache keys do.\n\nExit status: 0 written, 1 a file exists or cannot be written, 2 usage.",
    )
    .action(async (name: string, secretFile: string, publicFile: string, _o, cmd: Command) => {
      const opts = cmd.optsWithGlobals<StoreOptions>();
      const publicKey = await writeKeyPair(name, secretFile, publicFile);
      if (opts.json) printJson(io, { ok: true, name, publicKey, secretFile, publicFile });
      else io.stdout(`${publicKey}\n`);
      done(EXIT.ok);
    });

  withStoreOption(
    cache
      .command("push")
      .description("pack valid store paths and their run/link closure into a binary cache")
      .argument("<target>", "the cache: DIR, file://..., oci://HOST[:PORT]/REPO")
      .argument("[ids...]", "store ids or paths (or --lock)")
      .option("--lock <lockfile>", "every package of a lockfile (generated for this root's store)")
      .option("--key <file>", "sign with this secret key (pthbs cache keygen)")
      .option("--no-closure", "only the paths named, not what they use at run or link time")
      .option("--compression <kind>", "gzip or brotli", "gzip"),
  )
    .addHelpText(
      "after",
      `${CACHES}

Each path is packed as a deterministic tar (sorted, owner 0, fixed times, its permissions) and
stored with a JSON record: id, archive sha256 and size, tree hash, references, build script, and
the Ed25519 signature of --key. Paths the cache holds already, signed by the key, are skipped.

Exit status: 0 pushed, 1 a path is not valid or the cache failed, 2 usage.`,
    )
    .action(async (target: string, args: string[], _o, cmd: Command) => {
      const opts = cmd.optsWithGlobals<PushCommandOptions>();
      if (args.length > 0 === (opts.lock !== undefined))
        throw new UsageError("give store ids or --lock LOCK (one of them)");
      if (opts.compression !== "gzip" && opts.compression !== "brotli")
        throw new UsageError(`--compression takes gzip or brotli, not ${opts.compression}`);
      const store = openStore(opts, env);
      const ids =
        opts.lock !== undefined
          ? (await readStoreLockfile(opts.lock, store)).lockfile.packages.flatMap((p) =>
              p.id && !p.external ? [p.id] : [],
            )
          : storeIds(args);
      const key = opts.key !== undefined ? await readSecretKey(opts.key) : undefined;
      const c = openCache(target, ociCredentials(env));
      if (!c.writable)
        throw new UsageError(`${target} is read-only: push to a directory or oci://`);
      if (!key && !opts.json)
        io.stderr("pthbs: note: no --key: the records are unsigned, no puller will trust them\n");
      const t0 = Date.now();
      const result = await pushPaths(store, c, ids, {
        ...(key && { key }),
        compression: opts.compression as Compression,
        closure: opts.closure,
        onPath: (id, outcome) => {
          if (!opts.json) io.stdout(`${outcome === "pushed" ? "pushed " : "present"} ${id}\n`);
        },
      });
      if (opts.json) printJson(io, { ok: true, cache: target, ...result });
      else
        io.stdout(
          `${result.pushed.length} pushed, ${result.present.length} already there in ${((Date.now() - t0) / 1000).toFixed(1)} s (${target})\n`,
        );
      done(EXIT.ok);
    });

  withTrustedKeyOption(
    withStoreOption(
      cache
        .command("pull")
        .description("make store paths valid from a binary cache, their references first")
        .argument("<source>", "the cache: DIR, file://..., http(s)://..., oci://HOST[:PORT]/REPO")
        .argument("<ids...>", "store ids or paths"),
    ),
  )
    .addHelpText(
      "after",
      `${CACHES}

A path is accepted only when its record is signed by a trusted key, describes that id for this
store directory, its archive has the record's size and sha256, unpacks without escaping its tree
and hashes to the record's tree hash; it is unpacked aside and renamed into the store. Valid
paths are left alone (no network).

Exit status: 0 every path valid, 1 a path absent from the cache or refused (saying why), 2 usage.`,
    )
    .action(async (source: string, args: string[], _o, cmd: Command) => {
      const opts = cmd.optsWithGlobals<PullCommandOptions>();
      const ids = storeIds(args);
      const store = openStore(opts, env);
      await store.init();
      await store.removeStaleTemp();
      const trusted = await trustedKeys(opts, env);
      if (trusted.length === 0)
        throw new UsageError(
          "give a trusted key: --trusted-key NAME:BASE64 (or a key file), or PTHBS_TRUSTED_KEYS",
        );
      const pulled: string[] = [];
      const valid: string[] = [];
      const absent: string[] = [];
      const options = {
        caches: [openCache(source, ociCredentials(env))],
        trusted,
        onPulled: (id: StoreId) => {
          pulled.push(id);
          if (!opts.json) io.stdout(`pulled ${store.path(id)}\n`);
        },
      };
      for (const id of ids) {
        const r = await substitute(store, id, options);
        if (r === "valid") valid.push(id);
        if (r === "absent") {
          absent.push(id);
          if (!opts.json) io.stderr(`pthbs: error: ${id}: not in ${source}\n`);
        }
      }
      const ok = absent.length === 0;
      if (opts.json) printJson(io, { ok, cache: source, pulled, valid, absent });
      else
        io.stdout(
          `${pulled.length} pulled, ${valid.length} already valid, ${absent.length} not in the cache\n`,
        );
      done(ok ? EXIT.ok : EXIT.failure);
    });
}
