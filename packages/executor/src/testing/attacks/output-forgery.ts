import { forms, request } from "./helpers.js";
import { program } from "./program.js";
import type { AdversarialAttack } from "./types.js";

export const outputForgery: AdversarialAttack[] = [
  {
    id: "print-unittest-ok",
    category: "output-forgery",
    description: "prints a fake unittest report ('Ran 1 test', 'OK') on every output channel",
    request: () =>
      request("print-unittest-ok", program("output-forgery/print-unittest-ok"), [
        forms.unittest,
        forms.assert,
      ]),
  },
  {
    id: "print-pytest-summary",
    category: "output-forgery",
    description: "prints fake pytest PASSED lines and a '1 passed' summary",
    request: () =>
      request("print-pytest-summary", program("output-forgery/print-pytest-summary"), [
        forms.check,
        forms.assert,
      ]),
  },
  {
    id: "print-protocol-frames",
    category: "output-forgery",
    description: "prints result frames and records of the executor protocol as text and bytes",
    request: () =>
      request("print-protocol-frames", program("output-forgery/print-protocol-frames"), [
        forms.call,
        forms.assert,
      ]),
  },
  {
    id: "frames-to-every-fd",
    category: "output-forgery",
    description:
      "os.write of length-prefixed result frames (both byte orders, node and ring formats) to fds 0..1023",
    request: () =>
      request("frames-to-every-fd", program("output-forgery/frames-to-every-fd"), [
        forms.assert,
        forms.call,
      ]),
  },
  {
    id: "forge-records-through-reporters",
    category: "output-forgery",
    description:
      "finds the harness objects with record/put methods (frames, gc.get_objects) and reports pass itself, then exits",
    request: () =>
      request(
        "forge-records-through-reporters",
        program("output-forgery/forge-records-through-reporters"),
        [forms.assert, forms.call, forms.check, forms.unittest],
      ),
  },
  {
    id: "forge-ring-through-mmaps",
    category: "output-forgery",
    description:
      "finds mmap objects (frame locals, attributes of gc objects) and appends a pass record to the result ring",
    request: () =>
      request("forge-ring-through-mmaps", program("output-forgery/forge-ring-through-mmaps"), [
        forms.assert,
        forms.call,
        forms.unittest,
      ]),
  },
  {
    id: "forge-ring-through-map-files",
    category: "output-forgery",
    description:
      "opens its shared memory mappings through /proc/self/map_files and appends a pass record to the ring",
    request: () =>
      request(
        "forge-ring-through-map-files",
        program("output-forgery/forge-ring-through-map-files"),
        [forms.assert, forms.check],
      ),
  },
  {
    id: "steal-worker-protocol-fd",
    category: "output-forgery",
    description:
      "duplicates the worker's protocol sockets (pidfd_getfd, /proc/<pid>/fd) and writes result frames straight to the executor",
    request: () =>
      request("steal-worker-protocol-fd", program("output-forgery/steal-worker-protocol-fd"), [
        forms.assert,
        forms.call,
      ]),
  },
  {
    id: "forge-test-process-report",
    category: "output-forgery",
    description:
      "opens the verdict pipe of the process that runs split tests (/proc/<pid>/fd/N of its children and siblings) and writes pass records into it",
    request: () =>
      request("forge-test-process-report", program("output-forgery/forge-test-process-report"), [
        forms.check,
        forms.unittest,
        forms.assertStatement,
      ]),
  },
];
