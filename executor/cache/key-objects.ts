/**
 * node:crypto key objects of our keys. Apart from keys.ts so that the package's type declarations
 * (which re-export keys.ts) need no Node type definitions.
 */
import { createPrivateKey, createPublicKey, type KeyObject } from "node:crypto";
import type { PublicKey, SecretKey } from "./keys.js";

/** The node:crypto key of a secret key. */
export function privateKeyObject(k: SecretKey): KeyObject {
  return createPrivateKey({
    key: { kty: "OKP", crv: "Ed25519", d: k.seed, x: k.x },
    format: "jwk",
  });
}

/** The node:crypto key of a public key. */
export function publicKeyObject(k: PublicKey): KeyObject {
  return createPublicKey({ key: { kty: "OKP", crv: "Ed25519", x: k.x }, format: "jwk" });
}
