/**
 * Binary-cache test fixtures: two "machines" whose roots are one directory at two moments (the
 * first root is renamed away before the second is made at the same path, so both have the same
 * store directory, as a cache requires, and the second cannot see the first's files); a signing
 * key; a docker-registry (the CNCF distribution registry) on 127.0.0.1 with scratch storage.
 */
import { execFileSync, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, rename, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  generateKeyPair,
  type PublicKey,
  parsePublicKey,
  parseSecretKey,
  type SecretKey,
} from "../executor/cache/keys.js";
import { Store } from "../executor/store.js";

/** A scratch directory with a root at `<dir>/machine`, and a way to replace it by a fresh one. */
export async function twoMachines(): Promise<{
  dir: string;
  root: string;
  a: Store;
  /**
   * Renames the current machine's root away (to `<dir>/machine-1`, `-2`…) and returns an empty
   * store at its path: the next machine.
   */
  machineB: () => Promise<Store>;
}> {
  const dir = await mkdtemp(join(tmpdir(), "pthbs-cache-"));
  const root = join(dir, "machine");
  const a = new Store(root);
  await a.init();
  let machines = 0;
  return {
    dir,
    root,
    a,
    machineB: async () => {
      await rename(root, join(dir, `machine-${++machines}`));
      const b = new Store(root);
      await b.init();
      return b;
    },
  };
}

/** A fresh key pair, parsed. */
export function testKeys(name = "test-1"): {
  secret: SecretKey;
  public: PublicKey;
  secretText: string;
  publicText: string;
} {
  const pair = generateKeyPair(name);
  return {
    secret: parseSecretKey(pair.secret, name),
    public: parsePublicKey(pair.public, name),
    secretText: pair.secret.trim(),
    publicText: pair.public.trim(),
  };
}

/** Writes a key pair into `dir` (`sk`, `pk`); returns the two file names. */
export async function keyFiles(dir: string): Promise<{ sk: string; pk: string }> {
  const pair = generateKeyPair("test-1");
  const sk = join(dir, "sk");
  const pk = join(dir, "pk");
  await writeFile(sk, pair.secret, { mode: 0o600 });
  await writeFile(pk, pair.public);
  return { sk, pk };
}

/** A running registry: its `oci://` base, storage directory, and a stop function. */
export interface Registry {
  readonly url: string;
  readonly storage: string;
  stop(): Promise<void>;
}

/** Why a registry cannot run here, or undefined when `docker-registry` is installed. */
export function registryMissing(): string | undefined {
  if (!existsSync("/usr/bin/docker-registry"))
    return "docker-registry is not installed (Debian package docker-registry; .ci/run installs it)";
  try {
    execFileSync("/usr/bin/docker-registry", ["--version"], { stdio: "ignore" });
  } catch (e) {
    return `docker-registry does not run: ${(e as Error).message}`;
  }
  return undefined;
}

/** Starts docker-registry on 127.0.0.1 (a free port it picks) with scratch storage. */
export async function startRegistry(): Promise<Registry> {
  const dir = await mkdtemp(join(tmpdir(), "pthbs-registry-"));
  const storage = join(dir, "data");
  await mkdir(storage);
  const config = join(dir, "config.yml");
  await writeFile(
    config,
    `version: 0.1
log:
  level: info
storage:
  filesystem:
    rootdirectory: ${storage}
  delete:
    enabled: true
http:
  addr: 127.0.0.1:0
`,
  );
  const child = spawn("/usr/bin/docker-registry", ["serve", config], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  let log = "";
  const port = await new Promise<string>((ok, fail) => {
    const timer = setTimeout(
      () => fail(new Error(`docker-registry did not start:\n${log}`)),
      15_000,
    );
    const take = (d: Buffer) => {
      log += d.toString();
      const m = /listening on 127\.0\.0\.1:(\d+)/.exec(log);
      if (m) {
        clearTimeout(timer);
        ok(m[1]!);
      }
    };
    child.stdout.on("data", take);
    child.stderr.on("data", take);
    child.on("exit", (code) => fail(new Error(`docker-registry exited (${code}):\n${log}`)));
  });
  return {
    url: `oci://127.0.0.1:${port}/pthbs`,
    storage,
    stop: () =>
      new Promise((ok) => {
        if (child.exitCode !== null) return ok();
        child.on("exit", () => ok());
        child.kill("SIGTERM");
      }),
  };
}
