import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** Options of {@link startTestRedis}. */
export interface TestRedisOptions {
  /** Makes Redis require this password. */
  password?: string;
  /** Addresses to listen on besides 127.0.0.1 (a veth address, say). */
  bind?: readonly string[];
  /** Serves TLS only (a throwaway certificate authority signs the server's certificate). */
  tls?: boolean;
}

/** A redis-server of a test, on a free port. */
export interface TestRedis {
  /** `redis://127.0.0.1:port` (`rediss://` with TLS), without the password. */
  url: string;
  port: number;
  /** With TLS: the certificate authority's PEM, for the clients' `tls.ca`. */
  ca?: string;
  /** Stops the server and removes its files. */
  stop(): Promise<void>;
}

/**
 * Starts a private redis-server on a free port (nothing saved to disk; its files in a temporary
 * directory). Fails with a clear message when redis-server is not installed (the project's setup
 * installs Debian's).
 */
export async function startTestRedis(options: TestRedisOptions = {}): Promise<TestRedis> {
  const binary = ["/usr/bin/redis-server", "/usr/local/bin/redis-server"].find(existsSync);
  if (binary === undefined)
    throw new Error(
      "redis-server is not installed: run scripts/setup.sh, which installs Debian's redis-server",
    );
  const dir = await mkdtemp(join(tmpdir(), "coderm-redis-"));
  let lastError: unknown;
  for (let attempt = 0; attempt < 5; attempt++) {
    const port = await freePort();
    const args = [
      "--bind",
      ["127.0.0.1", ...(options.bind ?? [])].join(" "),
      "--save",
      "",
      "--appendonly",
      "no",
      "--dir",
      dir,
      ...(options.password === undefined ? [] : ["--requirepass", options.password]),
      // without a password, protected mode answers only loopback clients; the other addresses
      // are private links of the test (a veth pair)
      ...(options.bind?.length ? ["--protected-mode", "no"] : []),
    ];
    let ca: string | undefined;
    if (options.tls) {
      ca = await makeCertificates(dir);
      args.push(
        "--port",
        "0",
        "--tls-port",
        String(port),
        "--tls-cert-file",
        join(dir, "server.crt"),
        "--tls-key-file",
        join(dir, "server.key"),
        "--tls-ca-cert-file",
        join(dir, "ca.crt"),
        "--tls-auth-clients",
        "no",
      );
    } else args.push("--port", String(port));
    const server = spawn(binary, args, { stdio: ["ignore", "pipe", "pipe"] });
    try {
      await ready(server);
      return {
        url: `${options.tls ? "rediss" : "redis"}://127.0.0.1:${port}`,
        port,
        ...(ca === undefined ? {} : { ca }),
        async stop() {
          if (server.exitCode === null && server.signalCode === null) {
            const exited = new Promise((resolve) => server.once("exit", resolve));
            server.kill("SIGKILL");
            await exited;
          }
          await rm(dir, { recursive: true, force: true });
        },
      };
    } catch (error) {
      lastError = error;
      server.kill("SIGKILL");
    }
  }
  await rm(dir, { recursive: true, force: true });
  throw lastError;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const address = probe.address();
      probe.close(() => resolve(typeof address === "object" && address ? address.port : 0));
    });
  });
}

function ready(server: ChildProcess): Promise<void> {
  return new Promise((resolve, reject) => {
    let output = "";
    const timer = setTimeout(
      () => reject(new Error(`redis-server did not start:\n${output}`)),
      10_000,
    );
    const read = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes("Ready to accept connections")) {
        clearTimeout(timer);
        resolve();
      }
    };
    server.stdout!.on("data", read);
    server.stderr!.on("data", read);
    server.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`redis-server exited (${code}):\n${output}`));
    });
  });
}

/** A throwaway certificate authority and a server certificate for 127.0.0.1; the CA's PEM. */
async function makeCertificates(dir: string): Promise<string> {
  const openssl = (command: string) =>
    execFileSync("openssl", command.split(" "), { cwd: dir, stdio: "pipe" });
  openssl(
    "req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=coderm-test-ca -keyout ca.key -out ca.crt",
  );
  openssl("req -newkey rsa:2048 -nodes -subj /CN=127.0.0.1 -keyout server.key -out server.csr");
  await writeFile(join(dir, "server.ext"), "subjectAltName=IP:127.0.0.1\n");
  openssl(
    "x509 -req -in server.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 1 -extfile server.ext -out server.crt",
  );
  return readFile(join(dir, "ca.crt"), "utf8");
}
