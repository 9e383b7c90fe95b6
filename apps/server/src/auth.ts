import { timingSafeEqual } from "node:crypto";
import { isIP } from "node:net";
import { type ServiceToken, serverDefaults } from "./settings.js";

/** Why a request is turned away, as an HTTP answer. */
interface Refusal {
  statusCode: 401 | 403 | 429;
  code: string;
  message: string;
  retryAfterSeconds?: number;
}

/** A caller admitted: call `release` when its request ends. */
export interface Admission {
  caller: string;
  release(): void;
}

/** Decides who is served, and holds each caller's quotas. */
export interface Gate {
  /** Admits a request, or says why not. */
  admit(authorization: string | undefined, remoteAddress: string | undefined): Admission | Refusal;
}

/** Whether an address is this machine's (127.0.0.0/8, ::1, or either mapped). */
export function isLoopback(address: string | undefined): boolean {
  if (address === undefined) return false;
  const plain = address.startsWith("::ffff:") ? address.slice("::ffff:".length) : address;
  if (isIP(plain) === 4) return plain.startsWith("127.");
  return plain === "::1";
}

interface Quota {
  token: ServiceToken;
  inFlight: number;
  /** Token bucket: requests available now, and when it was filled last. */
  available: number;
  filledAt: number;
}

function sameSecret(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/**
 * The gate of a service: without tokens only loopback callers are served; with tokens a request
 * needs `Authorization: Bearer <token>` (none: 401, an unknown one: 403) and stays within its
 * token's concurrency and rate (else 429 with `Retry-After`).
 */
export function createGate(tokens: readonly ServiceToken[] | undefined): Gate {
  const quotas = (tokens ?? []).map(
    (token): Quota => ({
      token,
      inFlight: 0,
      available: token.ratePerSecond ?? Number.POSITIVE_INFINITY,
      filledAt: Date.now(),
    }),
  );
  return {
    admit(authorization, remoteAddress) {
      if (quotas.length === 0) {
        if (!isLoopback(remoteAddress))
          return {
            statusCode: 403,
            code: "forbidden",
            message: "this service has no tokens configured and serves loopback callers only",
          };
        return { caller: "loopback", release: () => {} };
      }
      const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? "");
      if (match === null)
        return {
          statusCode: 401,
          code: "unauthenticated",
          message: "a bearer token is required: Authorization: Bearer <token>",
        };
      const quota = quotas.find((candidate) => sameSecret(candidate.token.token, match[1]!));
      if (quota === undefined)
        return { statusCode: 403, code: "forbidden", message: "the token is not known here" };
      const rate = quota.token.ratePerSecond;
      if (rate !== undefined) {
        const now = Date.now();
        quota.available = Math.min(rate, quota.available + ((now - quota.filledAt) / 1000) * rate);
        quota.filledAt = now;
        if (quota.available < 1)
          return {
            statusCode: 429,
            code: "rate-limited",
            message: `${quota.token.name} is over its rate of ${rate} requests a second`,
            retryAfterSeconds: Math.max(1, Math.ceil((1 - quota.available) / rate)),
          };
      }
      const concurrency = quota.token.concurrency ?? serverDefaults.concurrency;
      if (quota.inFlight >= concurrency)
        return {
          statusCode: 429,
          code: "too-many-requests",
          message: `${quota.token.name} already has ${concurrency} requests in flight`,
          retryAfterSeconds: 1,
        };
      if (rate !== undefined) quota.available -= 1;
      quota.inFlight += 1;
      let released = false;
      return {
        caller: quota.token.name,
        release: () => {
          if (released) return;
          released = true;
          quota.inFlight -= 1;
        },
      };
    },
  };
}
