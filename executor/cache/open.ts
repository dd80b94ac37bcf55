/** Opening a binary cache by the way users name it: a path, `file://`, `http(s)://`, `oci://`. */
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { DirectoryCache } from "./directory.js";
import { HttpCache } from "./http.js";
import { OciCache, type OciCredentials } from "./oci.js";
import type { BinaryCache } from "./target.js";

/** The cache a location names (`credentials` for registries that ask). */
export function openCache(location: string, credentials: OciCredentials = {}): BinaryCache {
  if (/^oci(\+http)?:\/\//.test(location)) return new OciCache(location, credentials);
  if (/^https?:\/\//.test(location)) return new HttpCache(location, location.replace(/\/+$/, ""));
  if (location.startsWith("file:")) return new DirectoryCache(location, fileURLToPath(location));
  return new DirectoryCache(location, resolve(location));
}
