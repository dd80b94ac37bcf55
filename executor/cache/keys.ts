/**
 * Signing keys of binary caches: Ed25519 (node:crypto), written as Nix writes its binary-cache keys
 * — `NAME:BASE64` — so that a key reads the same in a config file, an environment variable or on a
 * command line. A secret key is the 32-byte seed followed by the 32-byte public key (Nix's
 * layout); a public key is its 32 bytes. The name says whose key it is and is part of what a
 * record's signature is checked against.
 */
import { generateKeyPairSync } from "node:crypto";
import { readFile, writeFile } from "node:fs/promises";
import { CacheError } from "../errors.js";
import { privateKeyObject, publicKeyObject } from "./key-objects.js";

/** A key name: what `NAME:` may hold (no colon, no white space). */
export const KEY_NAME_RE = /^[A-Za-z0-9][A-Za-z0-9._+-]*$/;

/**
 * A secret key, able to sign. (Its parts are base64url text, not node:crypto objects, so that the
 * package's type declarations need no Node type definitions.)
 */
export interface SecretKey {
  readonly name: string;
  /** The 32-byte seed, base64url. */
  readonly seed: string;
  /** The 32-byte public key, base64url. */
  readonly x: string;
  /** The matching public key as `NAME:BASE64`. */
  readonly publicText: string;
}

/** A public key, trusted to sign records. */
export interface PublicKey {
  readonly name: string;
  /** The 32 bytes, base64url. */
  readonly x: string;
  /** `NAME:BASE64`. */
  readonly text: string;
}

const b64url = (b: Buffer) => b.toString("base64url");

function publicFromRaw(name: string, raw: Buffer): PublicKey {
  const k = { name, x: b64url(raw), text: `${name}:${raw.toString("base64")}` };
  publicKeyObject(k); // refuses bytes that are no Ed25519 key
  return k;
}

/** A new key pair named `name`: the secret and public key texts. */
export function generateKeyPair(name: string): { secret: string; public: string } {
  if (!KEY_NAME_RE.test(name))
    throw new CacheError(
      name,
      "a key name is letters, digits and . _ + - (such as cache.example.org-1)",
    );
  const { privateKey, publicKey } = generateKeyPairSync("ed25519");
  const jwk = privateKey.export({ format: "jwk" });
  const seed = Buffer.from(jwk.d!, "base64url");
  const pub = Buffer.from((publicKey.export({ format: "jwk" }) as { x: string }).x, "base64url");
  return {
    secret: `${name}:${Buffer.concat([seed, pub]).toString("base64")}\n`,
    public: `${name}:${pub.toString("base64")}\n`,
  };
}

/**
 * Writes a new key pair: the secret key readable by its owner only, neither file overwritten.
 * Returns the public key's text.
 */
export async function writeKeyPair(
  name: string,
  secretFile: string,
  publicFile: string,
): Promise<string> {
  const pair = generateKeyPair(name);
  for (const [file, text, mode] of [
    [secretFile, pair.secret, 0o600],
    [publicFile, pair.public, 0o644],
  ] as const)
    try {
      await writeFile(file, text, { flag: "wx", mode });
    } catch (e) {
      throw new CacheError(file, `cannot write the key: ${(e as Error).message}`);
    }
  return pair.public.trim();
}

/** Splits `NAME:BASE64` into its name and bytes of the expected length; throws `CacheError`. */
function split(text: string, bytes: number[], where: string): [string, Buffer] {
  const t = text.trim();
  const colon = t.indexOf(":");
  const name = t.slice(0, colon);
  const data = Buffer.from(t.slice(colon + 1), "base64");
  if (colon < 1 || !KEY_NAME_RE.test(name) || !bytes.includes(data.length))
    throw new CacheError(where, `not a key: expected NAME:BASE64 (${bytes.join(" or ")} bytes)`);
  return [name, data];
}

/** Parses a secret key's text (`NAME:BASE64` of 64 bytes). */
export function parseSecretKey(text: string, where: string): SecretKey {
  const [name, data] = split(text, [64], where);
  const seed = data.subarray(0, 32);
  const pub = data.subarray(32);
  const k = { name, seed: b64url(seed), x: b64url(pub), publicText: publicFromRaw(name, pub).text };
  privateKeyObject(k); // refuses bytes that are no Ed25519 key
  return k;
}

/** Reads a secret key file. */
export async function readSecretKey(file: string): Promise<SecretKey> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (e) {
    throw new CacheError(file, `cannot read the secret key: ${(e as Error).message}`);
  }
  return parseSecretKey(text, file);
}

/** Parses one public key's text (`NAME:BASE64` of 32 bytes). */
export function parsePublicKey(text: string, where: string): PublicKey {
  const [name, data] = split(text, [32], where);
  return publicFromRaw(name, data);
}

/**
 * The trusted keys a list names: each item is a key (`NAME:BASE64`) or a file holding keys, one
 * per line (blank lines and `#` comments skipped).
 */
export async function readTrustedKeys(items: readonly string[]): Promise<PublicKey[]> {
  const out: PublicKey[] = [];
  for (const item of items) {
    if (/^[^/:]+:[A-Za-z0-9+/=]+$/.test(item.trim())) {
      out.push(parsePublicKey(item, item));
      continue;
    }
    let text: string;
    try {
      text = await readFile(item, "utf8");
    } catch (e) {
      throw new CacheError(
        item,
        `neither a key (NAME:BASE64) nor a readable key file: ${(e as Error).message}`,
      );
    }
    for (const line of text.split("\n"))
      if (line.trim() !== "" && !line.trim().startsWith("#")) out.push(parsePublicKey(line, item));
  }
  return out;
}
