import { CodermError } from "@coderm/core";
import { buildSandboxImage, defaultEndpoint, resolveEndpoint } from "@coderm/executor-docker";
import { type Command, Option } from "commander";
import type { CommandContext } from "../context.js";
import { printJson, printTable } from "../output.js";

/** Options of `coderm sandbox build`. */
interface BuildFlags {
  offline?: boolean;
  online?: boolean;
  tag?: string;
  dockerHost?: string;
  json?: boolean;
}

/** Registers `coderm sandbox build`. */
export function registerSandboxCommand(program: Command, context: CommandContext): void {
  const { output } = context;
  const command = program
    .command("sandbox")
    .description("Manage the Docker image the docker executor runs candidates in.");

  command
    .command("build")
    .description(
      "Build the sandbox image on a Docker daemon: Python 3.11 and coderm's harness, labelled with the harness's sha256 so the executor can tell a stale image.",
    )
    .addOption(
      new Option(
        "--offline",
        "build without a registry (default): debootstrap a Debian root filesystem (as root, once; it is cached) and import it",
      ).conflicts("online"),
    )
    .addOption(
      new Option(
        "--online",
        "build a Dockerfile on the official Python image, pinned by digest (the daemon pulls it)",
      ).conflicts("offline"),
    )
    .option(
      "--tag <name>",
      "image name (default: coderm-sandbox:<first 12 hex digits of the harness sha256>, the name the executor looks for)",
    )
    .option(
      "--docker-host <host>",
      "the daemon: a socket path, unix:///path, tcp://host:port or ssh://user@host (default: DOCKER_HOST, else /var/run/docker.sock)",
    )
    .option("--json", "print JSON")
    .action(async (flags: BuildFlags) => {
      const host = flags.dockerHost ?? defaultEndpoint();
      let endpoint: ReturnType<typeof resolveEndpoint>;
      try {
        endpoint = resolveEndpoint(host);
      } catch (error) {
        throw new CodermError(
          "invalid-input",
          `--docker-host: not a Docker host: ${host} (use a socket path, unix:///path, tcp://host:port or ssh://user@host)`,
          { cause: error },
        );
      }
      const mode = flags.online ? "online" : "offline";
      const started = performance.now();
      const image = await buildSandboxImage(endpoint.docker, {
        mode,
        ...(flags.tag === undefined ? {} : { tag: flags.tag }),
        onProgress: (line) => output.stderr.write(`${line}\n`),
      });
      const result = {
        image: image.tag,
        harnessDigest: image.digest,
        mode,
        dockerHost: endpoint.label,
        seconds: Math.round((performance.now() - started) / 100) / 10,
      };
      if (flags.json) printJson(output, result);
      else printTable(output, ["field", "value"], Object.entries(result));
    });
}
