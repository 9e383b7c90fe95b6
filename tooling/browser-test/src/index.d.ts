/**
 * Dev-only headless Chromium for tests: Debian's `chromium` driven by playwright-core (no
 * downloaded browser), a page's layout measured in the page, full-page screenshots. Tests only:
 * never import this package from shipped code.
 */
import type { Browser, Page } from "playwright-core";

/** Where Debian's Chromium lives; `CODERM_CHROMIUM` overrides it. */
export declare const defaultChromiumPath: string;

/** The command-line switches every launch passes to Chromium. */
export declare const chromiumArgs: readonly string[];

/** Options of {@link openBrowser}. */
export interface OpenBrowserOptions {
  /** The Chromium binary; `CODERM_CHROMIUM`, else `/usr/bin/chromium`. */
  executablePath?: string;
  /** Switches added after {@link chromiumArgs}. */
  args?: string[];
  /** Milliseconds to wait for Chromium to start (30 000). */
  timeoutMs?: number;
}

/**
 * Launches headless Chromium with {@link chromiumArgs} (no sandbox, GPU, QUIC, first-run,
 * background networking, component updates or sync). Every launch gets a fresh temporary
 * profile (user-data dir), deleted when the browser closes. Throws an error naming the path, and
 * saying to run scripts/setup.sh, when no Chromium is there. Close the browser when done.
 */
export declare function openBrowser(options?: OpenBrowserOptions): Promise<Browser>;

/** One top-level `<svg>` of a page. */
export interface SvgLayout {
  /** Its `id`, else its `data-chart`, else the nearest ancestor's `id` ("" when none). */
  id: string;
  /** Rendered size in CSS pixels. */
  width: number;
  height: number;
  /** Elements inside it, at any depth. */
  childCount: number;
  /** Whether it has a `<title>` child with text. */
  hasTitle: boolean;
  /** The text of its `.axis-label` elements, in document order. */
  axisLabels: string[];
  /** The text of its `.legend-item` elements, in document order. */
  legendItems: string[];
  /** The number of `<path>`, `<polyline>` and `<line>` elements in each `.series` group. */
  seriesPaths: number[];
}

/** One `<table>` of a page. */
export interface TableLayout {
  /** Its `<caption>` text, or null. */
  caption: string | null;
  /** Body rows (every row outside `<thead>` and `<tfoot>`). */
  rows: number;
  /** Columns of its widest row, counting `colspan`. */
  columns: number;
}

/** What {@link inspectLayout} measured. */
export interface PageLayout {
  svgs: SvgLayout[];
  tables: TableLayout[];
  /**
   * CSS selectors of the elements that stick out of the page sideways: wider than the viewport or
   * outside it, or whose content overflows their box, where no ancestor clips or scrolls them (a
   * scroll wrapper). Only the outermost of nested offenders is listed.
   */
  overflow: string[];
  /** `scrollWidth` of the document: more than `viewportWidth` means a horizontal scroll bar. */
  documentWidth: number;
  /** Width of the viewport without a scroll bar (`clientWidth` of the root element). */
  viewportWidth: number;
}

/** Measures the page's layout in the page (getBoundingClientRect, computed styles). */
export declare function inspectLayout(page: Page): Promise<PageLayout>;

/** Writes a full-page PNG screenshot of the page to `path`, creating its folder. */
export declare function screenshot(page: Page, path: string): Promise<void>;
