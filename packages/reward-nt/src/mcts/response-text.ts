/**
 * How the tree search reads a model's answer: its fenced Python blocks, and its code with
 * comments and docstrings taken out (to tell segments apart and to line answers up with paths).
 */

const fencePattern = /```(.*)\n([\s\S]*?)\n```/g;

/** The contents of the answer's blocks fenced as ```python, each without trailing whitespace. */
export function pythonBlocks(text: string): string[] {
  const blocks: string[] = [];
  for (const match of text.replaceAll("\r\n", "\n").matchAll(fencePattern))
    if (match[1] === "python") blocks.push(match[2]!.trimEnd());
  return blocks;
}

/** The answer's Python code: its ```python blocks joined, stripped; undefined when it has none. */
export function pythonCode(text: string): string | undefined {
  const blocks = pythonBlocks(text);
  return blocks.length === 0 ? undefined : blocks.join("\n").trim();
}

/** Code in a ```python fence. */
export function fencedPython(code: string): string {
  return `\`\`\`python\n${code}\n\`\`\``;
}

const lineBreaks = /\r\n|[\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]/;

/**
 * The code without `#` comments (to the end of their line, wherever the `#` is), without
 * triple-quoted strings, and without blank lines, each line right-trimmed: two segments that
 * differ only there are the same segment.
 */
export function withoutComments(code: string): string {
  return code
    .replace(/#[^\n]*/g, "")
    .replace(/'''[\s\S]*?'''|"""[\s\S]*?"""/g, "")
    .split(lineBreaks)
    .filter((line) => line.trim() !== "")
    .map((line) => line.trimEnd())
    .join("\n");
}
