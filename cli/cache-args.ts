/** What commands that take store paths from binary caches share: `--substituter` and `--trusted-key`. */

import type { Command } from "commander";
import { openCache, readTrustedKeys, type SubstituteOptions } from "../index.js";
import { UsageError } from "./io.js";

/** Options naming caches and keys. */
export interface SubstituterOptions {
  readonly substituter: string[];
  readonly trustedKey: string[];
}

const repeat = (v: string, prev: string[]) => [...prev, v];

/** Adds `--trusted-key` (repeatable) to a command. */
export function withTrustedKeyOption(command: Command): Command {
  return command.option(
    "--trusted-key <key>",
    "accept records signed by this key: NAME:BASE64, or a file of keys (repeatable; default $PTHBS_TRUSTED_KEYS)",
    repeat,
    [] as string[],
  );
}

/** Adds `--substituter` and `--trusted-key` (both repeatable) to a command. */
export function withSubstituterOptions(command: Command): Command {
  return withTrustedKeyOption(
    command.option(
      "--substituter <cache>",
      "take store paths from this binary cache instead of building them: DIR, file://, http(s)://, oci://HOST/REPO (repeatable; default $PTHBS_SUBSTITUTERS)",
      repeat,
      [] as string[],
    ),
  );
}

/** Space-separated words of an environment variable. */
const words = (v: string | undefined) => (v ?? "").split(/\s+/).filter((w) => w !== "");

/** Registry credentials from the environment. */
export function ociCredentials(env: NodeJS.ProcessEnv): { username?: string; password?: string } {
  return {
    ...(env.PTHBS_OCI_USERNAME !== undefined && { username: env.PTHBS_OCI_USERNAME }),
    ...(env.PTHBS_OCI_PASSWORD !== undefined && { password: env.PTHBS_OCI_PASSWORD }),
  };
}

/** The trusted keys of the options, else of `PTHBS_TRUSTED_KEYS`. */
export async function trustedKeys(
  opts: Pick<SubstituterOptions, "trustedKey">,
  env: NodeJS.ProcessEnv,
) {
  return readTrustedKeys(
    opts.trustedKey.length > 0 ? opts.trustedKey : words(env.PTHBS_TRUSTED_KEYS),
  );
}

/**
 * The caches and keys of the options (else of `PTHBS_SUBSTITUTERS` and `PTHBS_TRUSTED_KEYS`);
 * undefined when no cache is named. Caches without a trusted key are a usage error: no record
 * could be accepted.
 */
export async function substituteOptions(
  opts: SubstituterOptions,
  env: NodeJS.ProcessEnv,
): Promise<SubstituteOptions | undefined> {
  const locations = opts.substituter.length > 0 ? opts.substituter : words(env.PTHBS_SUBSTITUTERS);
  if (locations.length === 0) return undefined;
  const trusted = await trustedKeys(opts, env);
  if (trusted.length === 0)
    throw new UsageError(
      "substituters need a trusted key: --trusted-key NAME:BASE64 (or a key file), or PTHBS_TRUSTED_KEYS",
    );
  const credentials = ociCredentials(env);
  return { caches: locations.map((l) => openCache(l, credentials)), trusted };
}
