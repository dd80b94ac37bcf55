/**
 * Store identity: a package's id is `<name>.<sha256 hex of its script>`, and its store path is
 * `<store>/<id>`. Because a script names its dependencies' store paths, an id changes whenever
 * anything below it changes (DESIGN.md "Generator").
 */
import { createHash } from "node:crypto";
import { GeneratorError } from "./errors.js";
import { isPlainPath } from "./shell.js";

/** `<name>.<64 hex>`: the name of a package's directory in the store. */
export type StoreId = string & { readonly __storeId: never };

/** The store root used when none is given (`--store`, `PTHBS_STORE`). */
export const DEFAULT_STORE = "/opt/pthbs/store";

/** What a store id looks like. */
export const STORE_ID_RE = /^[A-Za-z0-9][A-Za-z0-9_.-]*\.[0-9a-f]{64}$/;

/** The id of a package from its name and the exact text of its build script (UTF-8). */
export function storeId(name: string, script: string): StoreId {
  return `${name}.${createHash("sha256").update(script, "utf8").digest("hex")}` as StoreId;
}

/** Whether a string is a store id, and which package name it carries. */
export function parseStoreId(text: string): { name: string; hash: string } | undefined {
  if (!STORE_ID_RE.test(text)) return undefined;
  const dot = text.lastIndexOf(".");
  return { name: text.slice(0, dot), hash: text.slice(dot + 1) };
}

/** A package's directory in the store. */
export function storePath(store: string, id: StoreId): string {
  return `${store}/${id}`;
}

/**
 * Refuses a store root that scripts could not use as is: it must be absolute, normalised and made
 * of letters, digits and `. _ + -` (shell.ts `isPlainPath`), because builds paste it into compiler
 * flags, PATH and Makefiles.
 */
export function checkStoreRoot(store: string): void {
  if (!isPlainPath(store))
    throw new GeneratorError(
      `store root "${store}" is not a plain absolute path`,
      `use an absolute path of letters, digits and . _ + - (the default is ${DEFAULT_STORE})`,
    );
}
