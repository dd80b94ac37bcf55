/**
 * A binary cache in an OCI registry (`oci://HOST[:PORT]/REPO`), through the OCI distribution HTTP
 * API over fetch. Each store path is one artifact tagged with its id's hash: an image manifest
 * whose config blob is the record and whose one layer is the archive — so any registry (the CNCF
 * distribution registry, Harbor, Zot, ghcr.io, Quay…) holds it, as Spack's build caches and ORAS
 * artifacts are held. Our own client rather than an npm one: the npm registry clients we found
 * are pull-only or unmaintained, and pushing and pulling one artifact is five requests (HEAD blob,
 * POST + PUT upload, PUT manifest; GET manifest, GET blob) plus the Bearer token dance.
 * Credentials: `PTHBS_OCI_USERNAME` and `PTHBS_OCI_PASSWORD` (a token) when the registry asks.
 */
import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { parseStoreId, type StoreId } from "../../generator/store.js";
import { CacheError } from "../errors.js";
import { saveBody } from "./download.js";
import { parseRecordText } from "./record.js";
import type { ArchiveRef, BinaryCache } from "./target.js";

/** The artifact type of a pthbs store path, and its blobs' media types. */
export const OCI_MEDIA_TYPES = {
  manifest: "application/vnd.oci.image.manifest.v1+json",
  artifact: "application/vnd.pthbs.store-path.v1",
  record: "application/vnd.pthbs.record.v1+json",
  gzip: "application/vnd.pthbs.archive.v1.tar+gzip",
  brotli: "application/vnd.pthbs.archive.v1.tar+br",
} as const;

/** Registry credentials, when it asks for them. */
export interface OciCredentials {
  readonly username?: string;
  readonly password?: string;
}

/** Parses `oci://HOST[:PORT]/REPO` (or `oci+http://…`, plain http forced). */
export function parseOciReference(ref: string): { base: string; repository: string } {
  const m = /^oci(\+http)?:\/\/([^/]+)\/([a-z0-9]+(?:[._/-][a-z0-9]+)*)\/?$/.exec(ref);
  if (!m)
    throw new CacheError(
      ref,
      "not an OCI reference: oci://HOST[:PORT]/REPO (lower-case repository name)",
    );
  const host = m[2]!;
  // Registries on this machine are usually plain http (as `docker` treats localhost as insecure).
  const local = /^(localhost|127\.[0-9.]+|\[::1\])(:\d+)?$/.test(host);
  return { base: `${m[1] || local ? "http" : "https"}://${host}`, repository: m[3]! };
}

/** `key="value"` pairs of a WWW-Authenticate challenge. */
function challengeParams(header: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of header.matchAll(/(\w+)="([^"]*)"/g)) out[m[1]!] = m[2]!;
  return out;
}

/** A repository of an OCI registry. */
export class OciCache implements BinaryCache {
  readonly writable = true;
  private readonly base: string;
  private readonly repository: string;
  private authorization: string | undefined;

  constructor(
    readonly location: string,
    private readonly credentials: OciCredentials = {},
  ) {
    ({ base: this.base, repository: this.repository } = parseOciReference(location));
  }

  /** One request to the registry, answering one authentication challenge if there is one. */
  private async request(method: string, path: string, init: RequestInit = {}): Promise<Response> {
    const url = path.startsWith("http") ? path : `${this.base}/v2/${this.repository}/${path}`;
    const send = () => {
      const headers = new Headers(init.headers);
      if (this.authorization) headers.set("authorization", this.authorization);
      return fetch(url, { ...init, method, headers, redirect: "follow" });
    };
    let res: Response;
    try {
      res = await send();
      if (res.status === 401 && (await this.authenticate(res))) res = await send();
    } catch (e) {
      if (e instanceof CacheError) throw e;
      throw new CacheError(this.location, `${method} ${url}: ${(e as Error).message}`);
    }
    return res;
  }

  /** Answers a 401's challenge (Basic, or a Bearer token from the realm); false when it cannot. */
  private async authenticate(res: Response): Promise<boolean> {
    await res.body?.cancel();
    const challenge = res.headers.get("www-authenticate") ?? "";
    const { username, password } = this.credentials;
    const basic =
      username !== undefined
        ? `Basic ${Buffer.from(`${username}:${password ?? ""}`).toString("base64")}`
        : undefined;
    if (/^basic/i.test(challenge)) {
      if (!basic || this.authorization === basic) return false;
      this.authorization = basic;
      return true;
    }
    const p = challengeParams(challenge);
    if (!/^bearer/i.test(challenge) || !p.realm) return false;
    const q = new URLSearchParams();
    if (p.service) q.set("service", p.service);
    if (p.scope) q.set("scope", p.scope);
    const t = await fetch(`${p.realm}?${q}`, basic ? { headers: { authorization: basic } } : {});
    if (!t.ok) throw new CacheError(this.location, `token from ${p.realm}: HTTP ${t.status}`);
    const body = (await t.json()) as { token?: string; access_token?: string };
    const token = body.token ?? body.access_token;
    if (!token) return false;
    this.authorization = `Bearer ${token}`;
    return true;
  }

  private async fail(res: Response, what: string): Promise<never> {
    const text = (await res.text().catch(() => "")).slice(0, 300);
    throw new CacheError(this.location, `${what}: HTTP ${res.status} ${text}`.trim());
  }

  /** The manifest of a path, or undefined. */
  private async manifest(id: StoreId): Promise<{ config: { digest: string } } | undefined> {
    const res = await this.request("GET", `manifests/${parseStoreId(id)!.hash}`, {
      headers: { accept: OCI_MEDIA_TYPES.manifest },
    });
    if (res.status === 404) {
      await res.body?.cancel();
      return undefined;
    }
    if (!res.ok) return this.fail(res, `manifest of ${id}`);
    return (await res.json()) as { config: { digest: string } };
  }

  async getRecord(id: StoreId): Promise<unknown> {
    const m = await this.manifest(id);
    if (!m) return undefined;
    const res = await this.request("GET", `blobs/${m.config?.digest}`);
    if (!res.ok) return this.fail(res, `record of ${id}`);
    return parseRecordText(await res.text());
  }

  async getArchive(archive: ArchiveRef, file: string): Promise<void> {
    const res = await this.request("GET", `blobs/sha256:${archive.sha256}`);
    if (!res.ok) return this.fail(res, `archive blob sha256:${archive.sha256}`);
    await saveBody(res, file, archive.size, this.location);
  }

  async hasArchive(archive: ArchiveRef): Promise<boolean> {
    const res = await this.request("HEAD", `blobs/sha256:${archive.sha256}`);
    return res.ok;
  }

  /** Uploads one blob (monolithic: POST for a session, PUT with the digest). */
  private async putBlob(data: Buffer, digest: string): Promise<void> {
    const start = await this.request("POST", "blobs/uploads/");
    await start.body?.cancel();
    if (start.status !== 202) return this.fail(start, "starting a blob upload");
    const location = new URL(start.headers.get("location") ?? "", `${this.base}/`);
    location.searchParams.set("digest", digest);
    const res = await this.request("PUT", location.href, {
      headers: { "content-type": "application/octet-stream" },
      body: data,
    });
    await res.body?.cancel();
    if (res.status !== 201) return this.fail(res, `uploading ${digest}`);
  }

  async putArchive(archive: ArchiveRef, file: string): Promise<void> {
    await this.putBlob(await readFile(file), `sha256:${archive.sha256}`);
  }

  async putRecord(id: StoreId, record: unknown): Promise<void> {
    const r = record as { archive: ArchiveRef; name: string; version: string };
    const config = Buffer.from(`${JSON.stringify(record, null, 2)}\n`);
    const configDigest = `sha256:${createHash("sha256").update(config).digest("hex")}`;
    await this.putBlob(config, configDigest);
    const manifest = {
      schemaVersion: 2,
      mediaType: OCI_MEDIA_TYPES.manifest,
      artifactType: OCI_MEDIA_TYPES.artifact,
      config: { mediaType: OCI_MEDIA_TYPES.record, digest: configDigest, size: config.length },
      layers: [
        {
          mediaType: OCI_MEDIA_TYPES[r.archive.compression],
          digest: `sha256:${r.archive.sha256}`,
          size: r.archive.size,
        },
      ],
      annotations: {
        "org.opencontainers.image.title": id,
        "org.opencontainers.image.version": r.version,
      },
    };
    const res = await this.request("PUT", `manifests/${parseStoreId(id)!.hash}`, {
      headers: { "content-type": OCI_MEDIA_TYPES.manifest },
      body: JSON.stringify(manifest),
    });
    await res.body?.cancel();
    if (res.status !== 201) return this.fail(res, `manifest of ${id}`);
  }
}
