import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";

/** A network namespace joined to this one by a veth pair (see {@link createNetworkNamespace}). */
export interface NetworkNamespace {
  /** The namespace's name (`ip netns exec NAME ...`). */
  name: string;
  /** This side's address on the link: what the namespace reaches this host at. */
  hostAddress: string;
  /** The namespace's address on the link. */
  namespaceAddress: string;
  /**
   * The command line that runs `argv` in the namespace's network (`nsenter --net`: unlike
   * `ip netns exec`, which mounts a fresh /sys, it leaves the mounts, cgroups included, as they
   * are, so the local executor's host limits apply there too).
   */
  command(argv: readonly string[]): string[];
  /** Deletes the link and the namespace. */
  remove(): void;
}

/**
 * Creates a network namespace with its own loopback and a veth pair to this namespace, each end
 * with an address of a private /30, as a second host on its own link would be: a process inside
 * reaches this host only over the link. Needs root and Debian's iproute2 (`ip`), and fails loudly
 * saying so where either is missing. The namespace is removed at exit if the test does not.
 */
export function createNetworkNamespace(): NetworkNamespace {
  if (process.getuid?.() !== 0)
    throw new Error(
      "a network namespace (ip netns add, a veth pair) needs root: run these tests as root",
    );
  const tag = randomBytes(3).toString("hex");
  const name = `coderm-${tag}`;
  const hostLink = `cqh${tag}`;
  const namespaceLink = `cqn${tag}`;
  const subnet = randomBytes(2);
  const base = `10.${200 + (subnet[0]! % 50)}.${subnet[1]}`;
  const offset = (randomBytes(1)[0]! % 64) * 4;
  const hostAddress = `${base}.${offset + 1}`;
  const namespaceAddress = `${base}.${offset + 2}`;
  const ip = (...args: string[]) => {
    try {
      execFileSync("ip", args, { stdio: "pipe" });
    } catch (error) {
      const stderr = (error as { stderr?: Buffer }).stderr?.toString().trim();
      const missing = (error as { code?: string }).code === "ENOENT";
      throw new Error(
        missing
          ? "ip (Debian's iproute2) is not installed: run scripts/setup.sh"
          : `ip ${args.join(" ")} failed: ${stderr}`,
      );
    }
  };
  let removed = false;
  const remove = () => {
    if (removed) return;
    removed = true;
    process.off("exit", remove);
    for (const args of [
      ["link", "del", hostLink],
      ["netns", "del", name],
    ])
      try {
        execFileSync("ip", args, { stdio: "ignore" });
      } catch {
        // already gone
      }
  };
  process.on("exit", remove);
  try {
    ip("netns", "add", name);
    ip("link", "add", hostLink, "type", "veth", "peer", "name", namespaceLink);
    ip("link", "set", namespaceLink, "netns", name);
    ip("addr", "add", `${hostAddress}/30`, "dev", hostLink);
    ip("link", "set", hostLink, "up");
    ip("netns", "exec", name, "ip", "addr", "add", `${namespaceAddress}/30`, "dev", namespaceLink);
    ip("netns", "exec", name, "ip", "link", "set", namespaceLink, "up");
    ip("netns", "exec", name, "ip", "link", "set", "lo", "up");
  } catch (error) {
    remove();
    throw error;
  }
  return {
    name,
    hostAddress,
    namespaceAddress,
    command: (argv) => ["nsenter", `--net=/run/netns/${name}`, "--", ...argv],
    remove,
  };
}
