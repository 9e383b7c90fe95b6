/** Elements HTML writes without a closing tag. */
const voidElements = new Set(["meta", "br", "hr", "img", "input", "link"]);

/** Whether every opened tag of SVG or HTML markup is closed in order, and nothing else is closed. */
export function tagsBalanced(markup: string): boolean {
  const open: string[] = [];
  for (const match of markup.matchAll(/<(\/?)([a-z][a-z0-9]*)[^<>]*?(\/?)>/g)) {
    const [, closing, name = "", selfClosing] = match;
    if (selfClosing || voidElements.has(name)) continue;
    if (!closing) open.push(name);
    else if (open.pop() !== name) return false;
  }
  return open.length === 0;
}

/** How often `pattern` (a global regular expression) matches `text`. */
export function count(text: string, pattern: RegExp): number {
  return text.match(pattern)?.length ?? 0;
}

/** The [x, y] pairs of every `<path class="...">` of a class, one list per path. */
export function pathPoints(svg: string, className: string): [number, number][][] {
  const paths = [...svg.matchAll(new RegExp(`<path class="${className}" d="([^"]*)"`, "g"))];
  return paths.map((match) =>
    [...(match[1] ?? "").matchAll(/[ML](-?[\d.]+),(-?[\d.]+)/g)].map(
      ([, x, y]) => [Number(x), Number(y)] as [number, number],
    ),
  );
}
