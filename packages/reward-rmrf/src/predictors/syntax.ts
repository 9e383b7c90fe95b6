import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { CodermError } from "@coderm/core";
import { Language, Parser, type TreeCursor } from "web-tree-sitter";

/** A language the embedded predictor parses: the languages of RM-RF's samples. */
export type SourceLanguage = "python" | "java" | "go";

/** The languages the embedded predictor parses. */
export const sourceLanguages: readonly SourceLanguage[] = ["python", "java", "go"];

/**
 * A parsed source text as flat preorder arrays (node `i`'s descendants are `i + 1` up to
 * `subtreeEnd[i]`), so features read it without crossing into WebAssembly again. Offsets index
 * `text` (UTF-16 code units).
 */
export interface SyntaxNodes {
  text: string;
  count: number;
  /** The grammar's node type (`ERROR` for a syntax error; anonymous nodes are their token). */
  type: string[];
  /** The field a node fills in its parent (`name`, `function`, ...), or null. */
  field: (string | null)[];
  named: Uint8Array;
  /** 1 where the parser inserted a node the text lacks (a MISSING node). */
  missing: Uint8Array;
  parent: Int32Array;
  subtreeEnd: Int32Array;
  start: Int32Array;
  end: Int32Array;
  /** The offset each line starts at (see {@link lineOf}). */
  lineStarts: Int32Array;
}

/** Parses source text of the embedded predictor's languages (see {@link loadSyntaxParser}). */
export interface SyntaxParser {
  /** The text's syntax tree as flat arrays. */
  parse(language: SourceLanguage, text: string): SyntaxNodes;
}

// literal paths, so tools that trace dependencies see the package
const grammarFiles = (require: NodeJS.Require): Record<SourceLanguage, string> => ({
  python: require.resolve("@vscode/tree-sitter-wasm/wasm/tree-sitter-python.wasm"),
  java: require.resolve("@vscode/tree-sitter-wasm/wasm/tree-sitter-java.wasm"),
  go: require.resolve("@vscode/tree-sitter-wasm/wasm/tree-sitter-go.wasm"),
});

const opaqueTypes: Record<SourceLanguage, ReadonlySet<string>> = {
  python: new Set(["comment"]),
  java: new Set(["string_literal", "character_literal", "line_comment", "block_comment"]),
  go: new Set(["interpreted_string_literal", "raw_string_literal", "rune_literal", "comment"]),
};

let loading: Promise<SyntaxParser> | undefined;

/**
 * The tree-sitter parsers of Python, Java and Go (WebAssembly: `web-tree-sitter` with the grammar
 * builds of `@vscode/tree-sitter-wasm`), loaded once on first use; later calls share them.
 */
export function loadSyntaxParser(): Promise<SyntaxParser> {
  loading ??= createSyntaxParser().catch((cause: unknown) => {
    loading = undefined;
    throw new CodermError("unavailable", `cannot load the tree-sitter parsers: ${String(cause)}`, {
      cause,
    });
  });
  return loading;
}

async function createSyntaxParser(): Promise<SyntaxParser> {
  // Resolved from this module's own location, so the same lookup works from src/ and dist/.
  const require = createRequire(import.meta.url);
  const runtime = await readFile(require.resolve("web-tree-sitter/web-tree-sitter.wasm"));
  await Parser.init({ wasmBinary: runtime });
  const grammars = new Map<SourceLanguage, Grammar>();
  for (const [language, file] of Object.entries(grammarFiles(require)) as [
    SourceLanguage,
    string,
  ][]) {
    const grammar = await Language.load(await readFile(file));
    const types: string[] = [];
    const named = new Uint8Array(grammar.nodeTypeCount);
    for (let id = 0; id < grammar.nodeTypeCount; id++) {
      types.push(grammar.nodeTypeForId(id) ?? "");
      named[id] = grammar.nodeTypeIsNamed(id) ? 1 : 0;
    }
    grammars.set(language, {
      language: grammar,
      types,
      named,
      fields: grammar.fields,
      opaque: opaqueTypes[language],
    });
  }
  const parser = new Parser();
  return {
    parse(language, text) {
      const grammar = grammars.get(language);
      if (grammar === undefined)
        throw new CodermError("unsupported", `no parser for the language ${language}`);
      parser.setLanguage(grammar.language);
      const tree = parser.parse(text);
      if (tree === null) throw new CodermError("internal", `tree-sitter did not parse ${language}`);
      try {
        return flatten(tree.walk(), text, grammar);
      } finally {
        tree.delete();
      }
    },
  };
}

interface Grammar {
  language: Language;
  /** Node type names and whether each is named, by type id (read once: a getter crosses into wasm). */
  types: string[];
  named: Uint8Array;
  fields: (string | null)[];
  /** Node types whose children are not walked. */
  opaque: ReadonlySet<string>;
}

// The symbol id tree-sitter gives an ERROR node.
const errorSymbol = 65535;

function flatten(cursor: TreeCursor, text: string, grammar: Grammar): SyntaxNodes {
  const type: string[] = [];
  const field: (string | null)[] = [];
  const named: number[] = [];
  const missing: number[] = [];
  const parent: number[] = [];
  const subtreeEnd: number[] = [];
  const start: number[] = [];
  const end: number[] = [];
  const stack: number[] = [];
  try {
    for (;;) {
      const index = type.length;
      const typeId = cursor.nodeTypeId;
      const from = cursor.startIndex;
      const to = cursor.endIndex;
      const nodeType = typeId === errorSymbol ? "ERROR" : (grammar.types[typeId] ?? "ERROR");
      const isNamed = typeId === errorSymbol ? 1 : (grammar.named[typeId] ?? 1);
      type.push(nodeType);
      // the features read fields of named nodes only: spare anonymous tokens the call
      field.push(isNamed === 1 ? (grammar.fields[cursor.currentFieldId] ?? null) : null);
      named.push(isNamed);
      // Only a zero-width node can be one the parser made up; ask wasm only then.
      missing.push(from === to && cursor.nodeIsMissing ? 1 : 0);
      parent.push(stack.length === 0 ? -1 : stack[stack.length - 1]!);
      subtreeEnd.push(index + 1);
      start.push(from);
      end.push(to);
      // a string's pieces (quotes, content, escapes) say nothing a feature reads
      if (!grammar.opaque.has(nodeType) && cursor.gotoFirstChild()) {
        stack.push(index);
        continue;
      }
      let advanced = cursor.gotoNextSibling();
      while (!advanced && stack.length > 0) {
        const closed = stack.pop()!;
        subtreeEnd[closed] = type.length;
        cursor.gotoParent();
        advanced = stack.length > 0 && cursor.gotoNextSibling();
      }
      if (!advanced) break;
    }
  } finally {
    cursor.delete();
  }
  const lineStarts = [0];
  for (let offset = text.indexOf("\n"); offset !== -1; offset = text.indexOf("\n", offset + 1))
    lineStarts.push(offset + 1);
  return {
    text,
    count: type.length,
    type,
    field,
    named: Uint8Array.from(named),
    missing: Uint8Array.from(missing),
    parent: Int32Array.from(parent),
    subtreeEnd: Int32Array.from(subtreeEnd),
    start: Int32Array.from(start),
    end: Int32Array.from(end),
    lineStarts: Int32Array.from(lineStarts),
  };
}

/** The 0-based line of an offset of a parsed text. */
export function lineOf(nodes: SyntaxNodes, offset: number): number {
  const starts = nodes.lineStarts;
  let low = 0;
  let high = starts.length - 1;
  while (low < high) {
    const middle = (low + high + 1) >> 1;
    if (starts[middle]! <= offset) low = middle;
    else high = middle - 1;
  }
  return low;
}
