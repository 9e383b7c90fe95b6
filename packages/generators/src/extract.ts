import { CodermError, contentId, type Problem, type Source, type UnitTest } from "@coderm/core";
import { resolvePython, runPython } from "@coderm/core/node";
import { extractCodetSolution, extractCodetTests } from "./codet-extraction.js";
import { type ExtractionRule, problemStopTokens } from "./templates.js";

/** Which rule {@link extractCode} applied. */
export type CodeExtractionRule = "python-block" | "first-block" | "raw";

/** Code read from a model's answer, and the rule that found it. */
export interface ExtractedCode {
  code: string;
  rule: CodeExtractionRule;
}

/** A fenced block of a markdown text: its language tag (lower case) and its code. */
export interface FencedBlock {
  language: string;
  code: string;
}

/** The language tags of a Python block. */
export const pythonLanguages: ReadonlySet<string> = new Set(["python", "python3", "py"]);
const openingFence = /^[ \t]*```[ \t]*([^`\s]*)[^`]*$/;
const closingFence = /^[ \t]*```[ \t]*$/;

/**
 * The fenced blocks of a markdown text, in order. A block's code is the text between its fence
 * lines; an opening fence that is never closed runs to the end of the text.
 */
export function fencedBlocks(text: string): FencedBlock[] {
  const blocks: FencedBlock[] = [];
  const lines = text.split("\n");
  let index = 0;
  while (index < lines.length) {
    const opening = openingFence.exec(lines[index]!.replace(/\r$/, ""));
    index++;
    if (opening === null) continue;
    const body: string[] = [];
    let closed = false;
    while (index < lines.length) {
      const line = lines[index]!;
      index++;
      if (closingFence.test(line.replace(/\r$/, ""))) {
        closed = true;
        break;
      }
      body.push(line);
    }
    const code = closed && body.length > 0 ? `${body.join("\n")}\n` : body.join("\n");
    blocks.push({ language: opening[1]!.toLowerCase(), code });
  }
  return blocks;
}

/**
 * The code of a model's answer: the first ```python block's, else the first fenced block's, else
 * the whole text. An opening fence without a closing one holds the rest of the text.
 */
export function extractCode(text: string): ExtractedCode {
  const blocks = fencedBlocks(text);
  const python = blocks.find((block) => pythonLanguages.has(block.language));
  if (python !== undefined) return { code: python.code, rule: "python-block" };
  if (blocks.length > 0) return { code: blocks[0]!.code, rule: "first-block" };
  return { code: text, rule: "raw" };
}

/**
 * LiveCodeBench's extraction: the lines between the last two lines that hold a ``` fence, or
 * nothing when there are fewer than two (an answer without a closed block scores zero there).
 */
export function extractLiveCodeBenchCode(text: string): string {
  const lines = text.split("\n");
  const fences = lines.flatMap((line, index) => (line.includes("```") ? [index] : []));
  if (fences.length < 2) return "";
  return lines.slice(fences.at(-2)! + 1, fences.at(-1)!).join("\n");
}

/** The candidate program of a solution answer, and the rule that found it. */
export interface ExtractedSolution {
  code: string;
  /** `codet-solution`, `livecodebench-code`, or {@link extractCode}'s rule. */
  extraction: string;
}

/**
 * The candidate program of a solution answer for a template's extraction rule: `markdown-python`
 * (and any rule of a test template) takes {@link extractCode}'s code; `codet-solution` is the problem's prompt plus the completion
 * cut at CodeT's first stop token, as CodeT builds its candidates; `prompt-completion` is the
 * prompt plus the completion cut at the problem's first stop sequence (a server may not have cut
 * it); `livecodebench-code` is {@link extractLiveCodeBenchCode}'s.
 */
export function extractSolution(
  problem: Problem,
  output: string,
  rule: ExtractionRule,
): ExtractedSolution {
  switch (rule) {
    case "codet-solution":
      return { code: problem.prompt + extractCodetSolution(output), extraction: rule };
    case "livecodebench-code":
      return { code: extractLiveCodeBenchCode(output), extraction: rule };
    case "prompt-completion":
      return {
        code: problem.prompt + cutAtStop(output, problemStopTokens(problem)),
        extraction: rule,
      };
    default: {
      const { code, rule: found } = extractCode(output);
      return { code, extraction: found };
    }
  }
}

/** A model's answer that should hold `unittest.TestCase` classes. */
export interface UnittestOutput {
  /** The model's text: markdown with python blocks, or raw code. */
  text: string;
  problemId: string;
  /**
   * The function under test. An import of this name (`from solution import f`) is dropped, as is
   * a re-stated definition: the tests run where the candidate defines it.
   */
  entryPoint?: string;
  source?: Source;
}

/** One unit test made from one generated `unittest.TestCase` class. */
export interface ExtractedUnittest {
  test: Extract<UnitTest, { kind: "unittest" }>;
  /** The TestCase class's name. */
  className: string;
  /** Its test methods (`test*`), in order. */
  methods: string[];
}

/**
 * What one answer yielded: its unit tests, or why it yielded none (with the raw answer, so a
 * caller can count and inspect it). `skipped` names TestCase classes without test methods.
 */
export type UnittestExtraction =
  | { ok: true; tests: ExtractedUnittest[]; rule: CodeExtractionRule; skipped: string[] }
  | { ok: false; reason: string; raw: string; rule: CodeExtractionRule };

/** Options of {@link extractUnittestTests}. */
export interface ExtractUnittestTestsOptions {
  /** The Python interpreter that parses the code (default: `CODERM_PYTHON` or `python3`'s). */
  python?: string;
}

// Reads [{source, entryPoint}] and writes, for each, either {error} or {classes, skipped}.
// A class's unit is the module's imports (less those of the entry point), the top-level
// definitions and assignments it needs (transitively; never the entry point's definition),
// and the class, in source order. `if __name__ == "__main__":` blocks, other statements and
// unneeded definitions (re-stated solutions) are dropped.
const unittestScript = `
import ast, json, sys

def is_test_base(base):
    if isinstance(base, ast.Name):
        return base.id.endswith("TestCase")
    if isinstance(base, ast.Attribute):
        return base.attr.endswith("TestCase")
    return False

def defined_names(node):
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return {node.name}
    names = set()
    targets = []
    if isinstance(node, ast.Assign):
        targets = node.targets
    elif isinstance(node, (ast.AnnAssign, ast.AugAssign)):
        targets = [node.target]
    for target in targets:
        for sub in ast.walk(target):
            if isinstance(sub, ast.Name):
                names.add(sub.id)
    return names

def used_names(node):
    return {sub.id for sub in ast.walk(node) if isinstance(sub, ast.Name)}

def import_names(node):
    return {(alias.asname or alias.name).split(".")[0] for alias in node.names}

def segment(lines, source, node):
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        start = min([node.lineno] + [d.lineno for d in node.decorator_list])
        return "\\n".join(lines[start - 1:node.end_lineno])
    return ast.get_source_segment(source, node)

def extract(source, entry_point):
    try:
        module = ast.parse(source)
    except SyntaxError as error:
        return {"error": "SyntaxError: %s (line %s)" % (error.msg, error.lineno)}
    except Exception as error:
        return {"error": "%s: %s" % (type(error).__name__, error)}
    lines = source.split("\\n")
    imports = []
    definitions = []
    test_classes = []
    for index, node in enumerate(module.body):
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            if isinstance(node, ast.ImportFrom) and entry_point is not None:
                kept = [a for a in node.names if (a.asname or a.name) != entry_point]
                if not kept:
                    continue
                if len(kept) != len(node.names):
                    imports.append((index, ast.unparse(ast.ImportFrom(node.module, kept, node.level)), import_names(node)))
                    continue
            imports.append((index, segment(lines, source, node), import_names(node)))
        elif isinstance(node, ast.ClassDef) and any(is_test_base(b) for b in node.bases):
            test_classes.append((index, node))
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Assign, ast.AnnAssign)):
            names = defined_names(node)
            if entry_point is not None and entry_point in names:
                continue
            definitions.append((index, node, names))
    classes = []
    skipped = []
    for index, node in test_classes:
        methods = [
            item.name for item in node.body
            if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)) and item.name.startswith("test")
        ]
        if not methods:
            skipped.append(node.name)
            continue
        needed = used_names(node)
        chosen = {}
        changed = True
        while changed:
            changed = False
            for d_index, d_node, names in definitions:
                if d_index not in chosen and names & needed:
                    chosen[d_index] = segment(lines, source, d_node)
                    needed |= used_names(d_node)
                    changed = True
        parts = [(i, text) for i, text, _ in imports] + list(chosen.items())
        parts.sort()
        bound = set().union(*[names for _, _, names in imports]) if imports else set()
        texts = [text for _, text in parts]
        if "unittest" in needed and "unittest" not in bound:
            texts.insert(0, "import unittest")
        body = "\\n".join(texts)
        code = (body + "\\n\\n\\n" if body else "") + segment(lines, source, node) + "\\n"
        classes.append({"className": node.name, "methods": methods, "code": code})
    return {"classes": classes, "skipped": skipped}

items = json.load(sys.stdin.buffer)
json.dump([extract(item["source"], item.get("entryPoint")) for item in items], sys.stdout)
`;

interface ScriptResult {
  error?: string;
  classes?: { className: string; methods: string[]; code: string }[];
  skipped?: string[];
}

/**
 * Splits models' answers into unit tests, one per generated `unittest.TestCase` class (as
 * CodeRM-8B's evaluation counts them), parsing every answer with Python's `ast` in one process.
 * An answer's code is its ```python blocks (each parsed alone), else its first fenced block, else
 * its raw text. Each test keeps the module's imports and the top-level definitions the class
 * uses; re-stated solutions, other statements and `if __name__ == "__main__":` blocks are
 * dropped, and `import unittest` is added when missing. An answer that does not parse, or has no
 * TestCase class with test methods, is returned with `ok: false` rather than dropped.
 */
export async function extractUnittestTests(
  outputs: readonly UnittestOutput[],
  options: ExtractUnittestTestsOptions = {},
): Promise<UnittestExtraction[]> {
  const plans = outputs.map((output) => {
    const blocks = fencedBlocks(output.text);
    const python = blocks.filter((block) => pythonLanguages.has(block.language));
    if (python.length > 0) {
      return { rule: "python-block" as const, sources: python.map((block) => block.code) };
    }
    if (blocks.length > 0) return { rule: "first-block" as const, sources: [blocks[0]!.code] };
    return { rule: "raw" as const, sources: [output.text] };
  });
  const items = plans.flatMap((plan, index) =>
    plan.sources.map((source) => ({ source, entryPoint: outputs[index]!.entryPoint ?? null })),
  );
  let results: ScriptResult[] = [];
  if (items.length > 0) {
    const { executable } = await resolvePython(options.python);
    results = JSON.parse(
      await runPython(executable, unittestScript, JSON.stringify(items)),
    ) as ScriptResult[];
    if (results.length !== items.length) {
      throw new CodermError("internal", "the Python unittest splitter answered a wrong count");
    }
  }
  let next = 0;
  return plans.map((plan, index): UnittestExtraction => {
    const output = outputs[index]!;
    const parsed = results.slice(next, next + plan.sources.length);
    next += plan.sources.length;
    const tests: ExtractedUnittest[] = [];
    const skipped: string[] = [];
    const errors: string[] = [];
    for (const result of parsed) {
      if (result.error !== undefined) errors.push(result.error);
      skipped.push(...(result.skipped ?? []));
      for (const found of result.classes ?? []) {
        tests.push({
          className: found.className,
          methods: found.methods,
          test: {
            kind: "unittest",
            id: contentId(found.code),
            problemId: output.problemId,
            code: found.code,
            ...(output.source === undefined ? {} : { source: output.source }),
          },
        });
      }
    }
    if (tests.length > 0) return { ok: true, tests, rule: plan.rule, skipped };
    const reason =
      errors[0] ??
      (skipped.length > 0
        ? `no test methods in TestCase class ${skipped.join(", ")}`
        : "no unittest.TestCase class");
    return { ok: false, reason, raw: output.text, rule: plan.rule };
  });
}

/** A completion of the `codet` template, for one problem. */
export interface CodetTestOutput {
  /** The text the model wrote after the prompt's final `assert `. */
  completion: string;
  problemId: string;
  entryPoint: string;
  source?: Source;
}

/** Options of {@link extractCodetAssertTests}. */
export interface ExtractCodetAssertTestsOptions {
  /** The Python interpreter that checks syntax (default: `CODERM_PYTHON` or `python3`'s). */
  python?: string;
  /** Keep only the first this many tests of each completion (CodeT's evaluation keeps 5). */
  testsPerSample?: number;
}

/**
 * The `assert` tests of `codet` completions, split exactly as CodeT's `test_case_extract` does
 * (`extractCodetTests`, one Python process for all), one list per output.
 */
export async function extractCodetAssertTests(
  outputs: readonly CodetTestOutput[],
  options: ExtractCodetAssertTestsOptions = {},
): Promise<Extract<UnitTest, { kind: "assert" }>[][]> {
  const extracted = await extractCodetTests(
    outputs.map(({ completion, entryPoint }) => ({ completion, entryPoint })),
    options.python === undefined ? {} : { python: options.python },
  );
  return outputs.map((output, index) =>
    extracted[index]!.slice(0, options.testsPerSample).map((code) => ({
      kind: "assert" as const,
      id: contentId(code),
      problemId: output.problemId,
      code,
      ...(output.source === undefined ? {} : { source: output.source }),
    })),
  );
}

/** The text before the first of the stop sequences (all of it without any). */
function cutAtStop(text: string, stops: readonly string[] | undefined): string {
  let end = text.length;
  for (const stop of stops ?? []) {
    const index = text.indexOf(stop);
    if (index >= 0 && index < end) end = index;
  }
  return text.slice(0, end);
}
