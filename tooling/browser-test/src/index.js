// @ts-check
/**
 * Dev-only headless Chromium for tests: Debian's `chromium` (installed by scripts/setup.sh)
 * driven by playwright-core, so no browser is downloaded. Tests only: never import this from
 * shipped code. Types live in `index.d.ts`.
 */
import { existsSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import { dirname } from "node:path";
import { chromium } from "playwright-core";

/** @typedef {import("./index.d.ts").OpenBrowserOptions} OpenBrowserOptions */
/** @typedef {import("./index.d.ts").PageLayout} PageLayout */
/** @typedef {import("playwright-core").Browser} Browser */
/** @typedef {import("playwright-core").Page} Page */

export const defaultChromiumPath = "/usr/bin/chromium";

export const chromiumArgs = Object.freeze([
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
]);

/**
 * Launches headless Chromium. Playwright gives every `launch` a fresh temporary user-data dir
 * and deletes it on close (it refuses a `--user-data-dir` switch), so no state is shared.
 *
 * @param {OpenBrowserOptions} [options]
 * @returns {Promise<Browser>}
 */
export async function openBrowser(options = {}) {
  const executablePath =
    options.executablePath ?? (process.env.CODERM_CHROMIUM || defaultChromiumPath);
  if (!existsSync(executablePath))
    throw new Error(
      `No Chromium at ${executablePath}: run scripts/setup.sh (it installs Debian's chromium), or set CODERM_CHROMIUM to a Chromium binary.`,
    );
  return chromium.launch({
    executablePath,
    headless: true,
    args: [...chromiumArgs, ...(options.args ?? [])],
    timeout: options.timeoutMs ?? 30_000,
  });
}

/**
 * @param {Page} page
 * @returns {Promise<PageLayout>}
 */
export async function inspectLayout(page) {
  return page.evaluate(measureLayout);
}

/**
 * @param {Page} page
 * @param {string} path
 * @returns {Promise<void>}
 */
export async function screenshot(page, path) {
  await mkdir(dirname(path), { recursive: true });
  await page.screenshot({ path, fullPage: true, type: "png" });
}

/**
 * Runs in the page (serialized by Playwright, so it uses nothing from this module).
 *
 * @returns {PageLayout}
 */
function measureLayout() {
  const root = document.documentElement;
  const viewportWidth = root.clientWidth;
  /** @param {Element} element */
  const text = (element) => (element.textContent ?? "").replace(/\s+/g, " ").trim();
  /**
   * A short CSS selector: the tag, then its id or its classes and position, under the nearest
   * ancestor with an id.
   *
   * @param {Element} element
   */
  const selectorOf = (element) => {
    /** @type {string[]} */
    const parts = [];
    /** @type {Element | null} */
    let current = element;
    while (current !== null && current !== document.body && current !== root) {
      const tag = current.tagName.toLowerCase();
      if (current.id !== "") {
        parts.unshift(`${tag}#${CSS.escape(current.id)}`);
        break;
      }
      const classes = [...current.classList].map((name) => `.${CSS.escape(name)}`).join("");
      /** @type {Element | null} */
      const parent = current.parentElement;
      const tagName = current.tagName;
      const sameTag =
        parent === null ? [] : [...parent.children].filter((child) => child.tagName === tagName);
      const position = sameTag.length > 1 ? `:nth-of-type(${sameTag.indexOf(current) + 1})` : "";
      parts.unshift(`${tag}${classes}${position}`);
      current = parent;
    }
    return parts.join(" > ") || element.tagName.toLowerCase();
  };
  /**
   * Whether an ancestor below the body clips or scrolls its content sideways.
   *
   * @param {Element} element
   */
  const clipped = (element) => {
    /** @type {Element | null} */
    let parent = element.parentElement;
    while (parent !== null && parent !== document.body) {
      if (getComputedStyle(parent).overflowX !== "visible") return true;
      parent = parent.parentElement;
    }
    return false;
  };

  const svgs = [...document.querySelectorAll("svg")]
    .filter((svg) => svg.parentElement?.closest("svg") == null)
    .map((svg) => {
      const box = svg.getBoundingClientRect();
      const title = [...svg.children].find((child) => child.tagName.toLowerCase() === "title");
      return {
        id:
          svg.id || svg.getAttribute("data-chart") || svg.parentElement?.closest("[id]")?.id || "",
        width: box.width,
        height: box.height,
        childCount: svg.querySelectorAll("*").length,
        hasTitle: title !== undefined && text(title) !== "",
        axisLabels: [...svg.querySelectorAll(".axis-label")].map(text),
        legendItems: [...svg.querySelectorAll(".legend-item")].map(text),
        seriesPaths: [...svg.querySelectorAll(".series")].map(
          (group) => group.querySelectorAll("path, polyline, line").length,
        ),
      };
    });

  const tables = [...document.querySelectorAll("table")].map((table) => {
    const rows = [...table.rows];
    return {
      caption: table.caption === null ? null : text(table.caption),
      rows: rows.filter((row) => {
        const section = row.parentElement?.tagName.toLowerCase();
        return section !== "thead" && section !== "tfoot";
      }).length,
      columns: Math.max(
        0,
        ...rows.map((row) => [...row.cells].reduce((sum, cell) => sum + cell.colSpan, 0)),
      ),
    };
  });

  const candidates = [...document.body.querySelectorAll("*")].filter(
    (element) => !clipped(element),
  );
  // elements that reach past the viewport's sides, the outermost of them
  const outside = candidates.filter((element) => {
    const box = element.getBoundingClientRect();
    if (box.width === 0 && box.height === 0) return false;
    return box.right > viewportWidth + 0.5 || box.left < -0.5;
  });
  const outermost = outside.filter(
    (element) => !outside.some((other) => other !== element && other.contains(element)),
  );
  // boxes whose own content (text, say) spills sideways, the innermost of them, when no element
  // inside reaching past the viewport explains it
  const spilling = candidates.filter(
    (element) =>
      element instanceof HTMLElement &&
      element.clientWidth > 0 &&
      element.scrollWidth > element.clientWidth + 1 &&
      getComputedStyle(element).overflowX === "visible",
  );
  const innermost = spilling.filter(
    (element) =>
      !outside.some((other) => element.contains(other)) &&
      !spilling.some((other) => other !== element && element.contains(other)),
  );
  const offenders = [...outermost, ...innermost].sort((a, b) =>
    a.compareDocumentPosition(b) & Node.DOCUMENT_POSITION_FOLLOWING ? -1 : 1,
  );

  return {
    svgs,
    tables,
    overflow: offenders.map(selectorOf),
    documentWidth: root.scrollWidth,
    viewportWidth,
  };
}
