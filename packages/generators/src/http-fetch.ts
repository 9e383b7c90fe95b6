import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from "node:http";
import { Agent as HttpsAgent, request as httpsRequest } from "node:https";
import { Readable } from "node:stream";
import { getCACertificates } from "node:tls";

/** Options of {@link createHttpFetch}. */
export interface HttpFetchOptions {
  /** Connections kept open per server (unbounded by default: one per request in flight). */
  maxSockets?: number;
  /**
   * Certificate authorities (PEM) to trust for https beside Node's defaults (which include
   * `NODE_EXTRA_CA_CERTS`), e.g. a private CA in front of a self-hosted server.
   */
  ca?: string | readonly string[];
}

/**
 * A `fetch` for the `openai` SDK over `node:http(s)` with keep-alive agents. It does what the SDK
 * asks of fetch (method, headers, a string or byte body, an abort signal, a streamed or whole
 * response) at about half the CPU of the global fetch, which matters at thousands of requests a
 * second. Non-streaming responses are read whole before the `Response` is made.
 */
export function createHttpFetch(options: HttpFetchOptions = {}): typeof fetch {
  const agentOptions = { keepAlive: true, maxSockets: options.maxSockets ?? Infinity };
  const extra = options.ca === undefined ? [] : [options.ca].flat();
  const agents = {
    http: new HttpAgent(agentOptions),
    https: new HttpsAgent({
      ...agentOptions,
      ...(extra.length === 0 ? {} : { ca: [...getCACertificates("default"), ...extra] }),
    }),
  };
  const httpFetch = async (input: string | URL | Request, init: RequestInit = {}) => {
    const url = new URL(input instanceof Request ? input.url : input);
    const secure = url.protocol === "https:";
    if (!secure && url.protocol !== "http:")
      throw new TypeError(`fetch: unsupported protocol ${url.protocol}`);
    const headers: Record<string, string> = {};
    new Headers(init.headers).forEach((value, name) => {
      headers[name] = value;
    });
    const body = await requestBody(init.body);
    if (body !== undefined) headers["content-length"] = String(body.byteLength);
    const response = await new Promise<IncomingMessage>((resolve, reject) => {
      const request = (secure ? httpsRequest : httpRequest)(url, {
        method: init.method ?? "GET",
        headers,
        agent: secure ? agents.https : agents.http,
        ...(init.signal ? { signal: init.signal } : {}),
      });
      request.once("response", resolve);
      request.once("error", reject);
      request.end(body);
    });
    const responseHeaders = new Headers();
    for (const [name, value] of Object.entries(response.headers)) {
      if (value === undefined) continue;
      for (const item of Array.isArray(value) ? value : [value]) responseHeaders.append(name, item);
    }
    const status = response.statusCode ?? 0;
    const nullBody = status === 204 || status === 304 || init.method === "HEAD";
    const streamed = /^text\/event-stream/.test(response.headers["content-type"] ?? "");
    let content: ConstructorParameters<typeof Response>[0] = null;
    if (nullBody) response.resume();
    else if (streamed) content = Readable.toWeb(response) as ReadableStream<Uint8Array>;
    else {
      const chunks: Buffer[] = [];
      for await (const chunk of response) chunks.push(chunk as Buffer);
      content = Buffer.concat(chunks);
    }
    return new Response(content, {
      status,
      statusText: response.statusMessage ?? "",
      headers: responseHeaders,
    });
  };
  return httpFetch as typeof fetch;
}

async function requestBody(body: RequestInit["body"]): Promise<Uint8Array | undefined> {
  if (body === undefined || body === null) return undefined;
  if (typeof body === "string") return Buffer.from(body);
  if (body instanceof Uint8Array) return body;
  if (body instanceof ArrayBuffer) return new Uint8Array(body);
  return new Uint8Array(await new Response(body).arrayBuffer());
}
