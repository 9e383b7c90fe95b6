import type { ConnectionOptions as TlsOptions } from "node:tls";
import { CodermError } from "@coderm/core";
import { Redis } from "ioredis";

/**
 * Where the queue's Redis is and how to reach it. Credentials may sit in the URL or in
 * `password` (from an environment variable, say, so they stay out of command lines); they are
 * never part of a label, a message or an error.
 */
export interface RedisSettings {
  /**
   * `redis://[user[:password]@]host[:port][/db]`, or `rediss://...` for TLS (port 6379 and
   * database 0 by default).
   */
  url: string;
  /** The password, in place of one in the URL. */
  password?: string;
  /**
   * TLS: `true` (the system's certificate authorities), or Node's TLS options (`ca`, `cert`,
   * `key`, `servername`, `rejectUnauthorized`); `rediss://` URLs use TLS without it.
   */
  tls?: boolean | TlsOptions;
  /** How long connecting may take before it fails, in milliseconds (10 s by default). */
  connectTimeoutMs?: number;
}

/** Redis's address as parsed from {@link RedisSettings.url}, and the secrets apart from it. */
interface RedisAddress {
  host: string;
  port: number;
  db: number;
  username?: string;
  password?: string;
  tls?: TlsOptions;
  /** The address without credentials, for messages. */
  label: string;
}

/** Parses the settings' URL; a bad one is an `invalid-input` error on the `redis` field. */
function redisAddress(settings: RedisSettings): RedisAddress {
  const bad = (reason: string): never => {
    throw new CodermError(
      "invalid-input",
      `not a Redis URL (${reason}): expected redis://[user[:password]@]host[:port][/db] or rediss://...`,
      { field: "redis" },
    );
  };
  let url: URL;
  try {
    url = new URL(settings.url);
  } catch {
    return bad("it does not parse");
  }
  if (url.protocol !== "redis:" && url.protocol !== "rediss:")
    bad(`the scheme is ${url.protocol.slice(0, -1)}`);
  if (url.hostname === "") bad("no host");
  const port = url.port === "" ? 6379 : Number(url.port);
  const path = url.pathname.replace(/^\//, "");
  const db = path === "" ? 0 : Number(path);
  if (!Number.isInteger(db) || db < 0) bad("the database is not a whole number");
  const username = url.username === "" ? undefined : decodeURIComponent(url.username);
  const password =
    settings.password ?? (url.password === "" ? undefined : decodeURIComponent(url.password));
  const secure = url.protocol === "rediss:" || settings.tls !== undefined;
  const tls =
    settings.tls === false
      ? undefined
      : typeof settings.tls === "object"
        ? settings.tls
        : secure
          ? {}
          : undefined;
  const host = url.hostname.replace(/^\[(.*)\]$/, "$1");
  return {
    host,
    port,
    db,
    ...(username === undefined ? {} : { username }),
    ...(password === undefined ? {} : { password }),
    ...(tls === undefined ? {} : { tls }),
    label: `${tls === undefined ? "redis" : "rediss"}://${url.hostname}:${port}${db === 0 ? "" : `/${db}`}`,
  };
}

/** The Redis address of the settings without credentials (`redis://host:port`), for messages. */
export function redisLabel(settings: RedisSettings): string {
  return redisAddress(settings).label;
}

/**
 * Opens a connection to Redis and waits until it is ready. It reconnects by itself afterwards
 * (commands wait while it does), so a Redis restart costs time, not the run. A Redis that cannot
 * be reached or refuses the credentials is an `unavailable` error on the `redis` field that says
 * which address and why, without the credentials.
 */
export async function connectRedis(settings: RedisSettings, name: string): Promise<Redis> {
  const address = redisAddress(settings);
  const client = new Redis({
    host: address.host,
    port: address.port,
    db: address.db,
    ...(address.username === undefined ? {} : { username: address.username }),
    ...(address.password === undefined ? {} : { password: address.password }),
    ...(address.tls === undefined ? {} : { tls: address.tls }),
    connectionName: name,
    lazyConnect: true,
    connectTimeout: settings.connectTimeoutMs ?? 10_000,
    // BullMQ's blocking commands need requests that wait across reconnections
    maxRetriesPerRequest: null,
    retryStrategy: (attempt) => Math.min(attempt * 200, 2000),
  });
  let lastError: unknown;
  // without a listener, a connection error would be thrown at the process
  client.on("error", (error: unknown) => {
    lastError = error;
  });
  try {
    await client.connect();
    return client;
  } catch (error) {
    client.disconnect();
    const reason = describeError(lastError ?? error);
    throw new CodermError("unavailable", `cannot reach Redis at ${address.label}: ${reason}`, {
      field: "redis",
      cause: error,
    });
  }
}

/**
 * Waits for a Redis answer at most `ms` milliseconds: a connection that is down queues commands
 * until it is back, which a caller that reports (a status, a readiness check) must not wait for.
 * Past the deadline, an `unavailable` error on the `redis` field naming the address.
 */
export function redisDeadline<T>(answer: Promise<T>, ms: number, label: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new CodermError(
            "unavailable",
            `Redis at ${label} did not answer within ${Math.round(ms / 1000)} s`,
            { field: "redis" },
          ),
        ),
      ms,
    );
  });
  answer.catch(() => {});
  return Promise.race([answer, late]).finally(() => clearTimeout(timer));
}

/** Closes a connection: politely when it is up, at once otherwise. */
export async function disconnectRedis(client: Redis): Promise<void> {
  if (client.status === "ready") await client.quit().catch(() => client.disconnect());
  else client.disconnect();
}

function describeError(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  // ioredis sometimes reports only that the connection closed; say what that usually means
  return text === "Connection is closed." ? "the connection closed (wrong port or TLS?)" : text;
}
