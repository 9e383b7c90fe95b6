import { readFileSync } from "node:fs";
import { join } from "node:path";
import { CodermError } from "@coderm/core";
import Docker from "dockerode";

/**
 * A Docker daemon to run workers on: `unix:///var/run/docker.sock` (or a bare socket path),
 * `tcp://host:2376` (TLS with the certificates of `tlsDir`, or of `DOCKER_CERT_PATH` when
 * `DOCKER_TLS_VERIFY` is set), `ssh://user@host`; or dockerode's own connection options.
 */
export type DockerEndpoint =
  | string
  | { url: string; tlsDir?: string; workers?: number }
  | (Docker.DockerOptions & { workers?: number });

/** A connected endpoint. */
export interface ResolvedEndpoint {
  /** How errors and reports name it. */
  label: string;
  docker: Docker;
  /** Workers it was asked to run, if set; otherwise its CPU count. */
  workers?: number;
}

/** The default endpoint: `DOCKER_HOST`, else the local socket. */
export function defaultEndpoint(): string {
  return process.env.DOCKER_HOST ?? "unix:///var/run/docker.sock";
}

/** Connection options for an endpoint (no connection is made yet). */
export function resolveEndpoint(endpoint: DockerEndpoint): ResolvedEndpoint {
  if (typeof endpoint !== "string" && !("url" in endpoint)) {
    const { workers, ...options } = endpoint;
    const label =
      options.socketPath !== undefined
        ? `unix://${options.socketPath}`
        : `${options.protocol ?? "http"}://${options.host}:${options.port ?? ""}`;
    return { label, docker: new Docker(options), ...(workers === undefined ? {} : { workers }) };
  }
  const url = typeof endpoint === "string" ? endpoint : endpoint.url;
  const tlsDir = typeof endpoint === "string" ? undefined : endpoint.tlsDir;
  const workers = typeof endpoint === "string" ? undefined : endpoint.workers;
  const extra = workers === undefined ? {} : { workers };
  if (url.startsWith("/"))
    return { label: `unix://${url}`, docker: new Docker({ socketPath: url }), ...extra };
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new CodermError("invalid-input", `not a Docker endpoint: ${url}`, { field: "endpoints" });
  }
  switch (parsed.protocol) {
    case "unix:":
      return { label: url, docker: new Docker({ socketPath: parsed.pathname }), ...extra };
    case "tcp:":
    case "http:":
    case "https:": {
      const certs =
        tlsDir ?? (process.env.DOCKER_TLS_VERIFY ? process.env.DOCKER_CERT_PATH : undefined);
      const tls =
        certs === undefined
          ? {}
          : {
              ca: readFileSync(join(certs, "ca.pem")),
              cert: readFileSync(join(certs, "cert.pem")),
              key: readFileSync(join(certs, "key.pem")),
            };
      const protocol = certs !== undefined || parsed.protocol === "https:" ? "https" : "http";
      return {
        label: url,
        docker: new Docker({
          host: parsed.hostname,
          port: Number(parsed.port || (protocol === "https" ? 2376 : 2375)),
          protocol,
          ...tls,
        }),
        ...extra,
      };
    }
    case "ssh:":
      return {
        label: url,
        docker: new Docker({
          protocol: "ssh",
          host: parsed.hostname,
          port: Number(parsed.port || 22),
          ...(parsed.username ? { username: decodeURIComponent(parsed.username) } : {}),
        } as Docker.DockerOptions),
        ...extra,
      };
    default:
      throw new CodermError(
        "invalid-input",
        `unsupported Docker endpoint ${url} (use unix://, tcp:// or ssh://)`,
        { field: "endpoints" },
      );
  }
}

/** The endpoint's CPU count; a typed error naming it (and how to fix it) when it does not answer. */
export async function endpointCapacity(endpoint: ResolvedEndpoint): Promise<number> {
  try {
    const info = (await endpoint.docker.info()) as { NCPU?: number };
    return endpoint.workers ?? Math.max(1, info.NCPU ?? 1);
  } catch (error) {
    throw new CodermError(
      "unavailable",
      `cannot reach the Docker daemon at ${endpoint.label}: ${(error as Error).message}. Start dockerd there, or point DOCKER_HOST (or the executor's endpoints) at a running daemon`,
      { field: "endpoints", cause: error },
    );
  }
}
