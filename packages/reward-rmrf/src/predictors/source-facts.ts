import { lineOf, type SourceLanguage, type SyntaxNodes } from "./syntax.js";

/** A function or method of a source text, as the features see it. */
export interface FunctionFacts {
  name: string;
  /** The class (Python, Java) or receiver type (Go) it belongs to, or "". */
  owner: string;
  lines: number;
  /** Branch points: if/elif, loops, try/catch, switch and match cases, ternaries, `and`/`or`. */
  branches: number;
  /** Every identifier text in its body. */
  references: Set<string>;
  /** A test function: `test*` (Python), `@Test` (Java), `Test*` (Go). */
  isTest: boolean;
  /** Its identifier and literal tokens (for overlap with other tests). */
  tokens: Set<string>;
}

/** An assertion of a test, as the features see it. */
interface AssertionFacts {
  /** `assert`, the assertion method's name (`assertEqual`, `Equal`), or `error-report` (Go). */
  kind: string;
  /** Compares against an expected value (`==`, `assertEqual`, `if got != want`). */
  equality: boolean;
  /** A Go `t.Error*`/`t.Fatal*` inside an `if`. */
  conditional: boolean;
  /** The assertion's text without whitespace (to find one the suite already has). */
  text: string;
}

/** What the features read of one source text (a focal file, an existing suite or a test). */
export interface SourceFacts {
  language: SourceLanguage;
  chars: number;
  lines: number;
  nodes: number;
  /** ERROR nodes and MISSING nodes. */
  syntaxErrors: number;
  /** Every identifier-like token text (identifiers, field, type and package identifiers). */
  identifiers: Set<string>;
  /** Identifier and literal token texts (for Jaccard overlap). */
  tokens: Set<string>;
  /** Names the text binds: definitions, assignments, parameters, loop variables, imports. */
  bound: Set<string>;
  /** Identifiers in free position (not a member name, not a declaration), by text. */
  free: Map<string, { called: boolean }>;
  /** Member names called on an object (`x.foo()`, `obj.method()`, `pkg.Func()`). */
  memberCalls: Set<string>;
  /** Names of every callee. */
  callees: Set<string>;
  calls: number;
  functions: FunctionFacts[];
  /** Class (or Go type) names defined. */
  classes: Set<string>;
  assertions: AssertionFacts[];
  exceptionExpectations: number;
  /** Import statements' texts without whitespace. */
  imports: Set<string>;
  literals: LiteralFacts;
  /** Literal token texts (numbers and strings). */
  literalTexts: Set<string>;
  loops: number;
  branches: number;
  mocks: number;
  fixtures: number;
  parametrized: number;
  environment: number;
  prints: number;
}

/** Literal counts of a text. */
interface LiteralFacts {
  total: number;
  numbers: number;
  floats: number;
  strings: number;
  emptyStrings: number;
  collections: number;
  emptyCollections: number;
  negativeNumbers: number;
  largeNumbers: number;
  /** true/false/None/null/nil. */
  constants: number;
}

interface LanguageRules {
  functions: ReadonlySet<string>;
  classes: ReadonlySet<string>;
  calls: ReadonlySet<string>;
  branches: ReadonlySet<string>;
  loops: ReadonlySet<string>;
  numbers: ReadonlySet<string>;
  floats: ReadonlySet<string>;
  strings: ReadonlySet<string>;
  collections: ReadonlySet<string>;
  /** Node types whose emptiness (no named child) makes an empty collection. */
  emptyCollections: ReadonlySet<string>;
  constants: ReadonlySet<string>;
  imports: ReadonlySet<string>;
  unary: ReadonlySet<string>;
  builtins: ReadonlySet<string>;
}

const set = (...items: string[]): ReadonlySet<string> => new Set(items);

const pythonBuiltins = set(
  ..."abs all any ascii bin bool breakpoint bytearray bytes callable chr classmethod compile complex delattr dict dir divmod enumerate eval exec filter float format frozenset getattr globals hasattr hash help hex id input int isinstance issubclass iter len list locals map max memoryview min next object oct open ord pow print property range repr reversed round set setattr slice sorted staticmethod str sum super tuple type vars zip __import__ __name__ __file__ __doc__ self cls NotImplemented Ellipsis".split(
    " ",
  ),
  ..."BaseException Exception ArithmeticError AssertionError AttributeError EOFError FileNotFoundError FloatingPointError ImportError IndexError KeyError KeyboardInterrupt LookupError MemoryError ModuleNotFoundError NameError NotImplementedError OSError OverflowError RecursionError RuntimeError StopIteration StopAsyncIteration SyntaxError SystemExit TimeoutError TypeError UnboundLocalError UnicodeDecodeError UnicodeEncodeError ValueError ZeroDivisionError PermissionError IOError Warning DeprecationWarning UserWarning RuntimeWarning".split(
    " ",
  ),
);
const javaBuiltins = set(
  ..."String Integer Long Double Float Boolean Character Byte Short Math StrictMath System Object Exception RuntimeException IllegalArgumentException IllegalStateException NullPointerException IndexOutOfBoundsException ArrayIndexOutOfBoundsException StringIndexOutOfBoundsException ArithmeticException UnsupportedOperationException NumberFormatException ClassCastException CloneNotSupportedException InterruptedException Throwable Error AssertionError Thread StringBuilder StringBuffer Iterable Comparable Runnable Class Void Number Enum Record Override Deprecated SuppressWarnings FunctionalInterface SafeVarargs CharSequence AutoCloseable Cloneable var length".split(
    " ",
  ),
);
const goBuiltins = set(
  ..."append cap clear close complex copy delete imag len make max min new panic print println real recover bool byte complex64 complex128 error float32 float64 int int8 int16 int32 int64 rune string uint uint8 uint16 uint32 uint64 uintptr any comparable _ iota t b m tb".split(
    " ",
  ),
);

const rules: Record<SourceLanguage, LanguageRules> = {
  python: {
    functions: set("function_definition"),
    classes: set("class_definition"),
    calls: set("call"),
    branches: set(
      "if_statement",
      "elif_clause",
      "for_statement",
      "while_statement",
      "try_statement",
      "except_clause",
      "conditional_expression",
      "boolean_operator",
      "match_statement",
      "case_clause",
      "for_in_clause",
      "if_clause",
    ),
    loops: set("for_statement", "while_statement", "for_in_clause"),
    numbers: set("integer", "float"),
    floats: set("float"),
    strings: set("string", "concatenated_string"),
    collections: set(
      "list",
      "tuple",
      "dictionary",
      "set",
      "list_comprehension",
      "dictionary_comprehension",
      "set_comprehension",
    ),
    emptyCollections: set("list", "tuple", "dictionary", "set"),
    constants: set("true", "false", "none"),
    imports: set("import_statement", "import_from_statement", "future_import_statement"),
    unary: set("unary_operator"),
    builtins: pythonBuiltins,
  },
  java: {
    functions: set("method_declaration", "constructor_declaration"),
    classes: set(
      "class_declaration",
      "interface_declaration",
      "enum_declaration",
      "record_declaration",
    ),
    calls: set("method_invocation", "object_creation_expression"),
    branches: set(
      "if_statement",
      "for_statement",
      "enhanced_for_statement",
      "while_statement",
      "do_statement",
      "catch_clause",
      "switch_block_statement_group",
      "switch_rule",
      "ternary_expression",
      "&&",
      "||",
    ),
    loops: set("for_statement", "enhanced_for_statement", "while_statement", "do_statement"),
    numbers: set(
      "decimal_integer_literal",
      "hex_integer_literal",
      "octal_integer_literal",
      "binary_integer_literal",
      "decimal_floating_point_literal",
      "hex_floating_point_literal",
    ),
    floats: set("decimal_floating_point_literal", "hex_floating_point_literal"),
    strings: set("string_literal", "character_literal"),
    collections: set("array_initializer"),
    emptyCollections: set("array_initializer"),
    constants: set("true", "false", "null_literal"),
    imports: set("import_declaration"),
    unary: set("unary_expression"),
    builtins: javaBuiltins,
  },
  go: {
    functions: set("function_declaration", "method_declaration"),
    classes: set("type_spec"),
    calls: set("call_expression"),
    branches: set(
      "if_statement",
      "for_statement",
      "expression_case",
      "type_case",
      "communication_case",
      "&&",
      "||",
    ),
    loops: set("for_statement"),
    numbers: set("int_literal", "float_literal", "imaginary_literal"),
    floats: set("float_literal"),
    strings: set("interpreted_string_literal", "raw_string_literal", "rune_literal"),
    collections: set("composite_literal"),
    emptyCollections: set("literal_value"),
    constants: set("true", "false", "nil"),
    imports: set("import_spec"),
    unary: set("unary_expression"),
    builtins: goBuiltins,
  },
};

const mockPattern =
  /^(mock|Mock|MagicMock|AsyncMock|patch|mocker|monkeypatch|Mockito|mock_open|spy|stub|fake|gomock|httptest|when|verify|doReturn|doThrow|any|eq)$|Mock[A-Z]|^mock[A-Z_]|^fake[A-Z_]|^stub[A-Z_]/;
const environmentNames = set(
  ..."open sleep socket requests urlopen subprocess environ getenv tmp_path tmpdir TemporaryDirectory NamedTemporaryFile File Files Paths FileReader FileWriter FileInputStream FileOutputStream Thread ExecutorService ioutil os http net exec TempDir Setenv Getenv ReadFile WriteFile Create Open".split(
    " ",
  ),
);
const fixtureNames = set(
  ..."fixture setUp tearDown setUpClass tearDownClass setup_method teardown_method Before BeforeEach BeforeAll BeforeClass After AfterEach AfterAll AfterClass Rule ClassRule Mock InjectMocks Spy ExtendWith Run Helper Cleanup TempDir TestMain".split(
    " ",
  ),
);
const parametrizeNames = set(
  ..."parametrize ParameterizedTest Parameterized Parameters ValueSource CsvSource MethodSource EnumSource ArgumentsSource RepeatedTest TestFactory subTest".split(
    " ",
  ),
);
const goReportNames = set("Error", "Errorf", "Fatal", "Fatalf", "Fail", "FailNow");
const exceptionNames = set(
  "raises",
  "assertRaises",
  "assertRaisesRegex",
  "assertRaisesRegexp",
  "assertWarns",
  "assertWarnsRegex",
  "assertThrows",
  "assertThrowsExactly",
  "assertDoesNotThrow",
  "expect",
  "expectMessage",
  "Panics",
  "PanicsWithValue",
  "PanicsWithError",
  "NotPanics",
  "recover",
);

/** Whether a name is a builtin of the language (or a name every test has: `self`, Go's `t`). */
export function isBuiltin(language: SourceLanguage, name: string): boolean {
  return rules[language].builtins.has(name);
}

function isLeaf(nodes: SyntaxNodes, index: number): boolean {
  return nodes.subtreeEnd[index] === index + 1;
}

function textOf(nodes: SyntaxNodes, index: number): string {
  return nodes.text.slice(nodes.start[index], nodes.end[index]);
}

function childByField(nodes: SyntaxNodes, index: number, field: string): number {
  for (let child = index + 1; child < nodes.subtreeEnd[index]!; child = nodes.subtreeEnd[child]!)
    if (nodes.field[child] === field) return child;
  return -1;
}

function namedChildren(nodes: SyntaxNodes, index: number): number {
  let count = 0;
  for (let child = index + 1; child < nodes.subtreeEnd[index]!; child = nodes.subtreeEnd[child]!)
    if (nodes.named[child] === 1 && nodes.type[child] !== "comment") count++;
  return count;
}

/** The name a callee or member expression ends with (`a.b.c` → `c`), or "". */
function lastName(nodes: SyntaxNodes, index: number): string {
  for (let node = nodes.subtreeEnd[index]! - 1; node >= index; node--)
    if (nodes.type[node]!.endsWith("identifier") && isLeaf(nodes, node)) return textOf(nodes, node);
  return "";
}

function isIdentifier(type: string): boolean {
  return (
    type === "identifier" ||
    type === "field_identifier" ||
    type === "type_identifier" ||
    type === "package_identifier" ||
    type === "property_identifier"
  );
}

// Python positions an identifier binds a name in.
const pythonBindingParents = set(
  "parameters",
  "lambda_parameters",
  "typed_parameter",
  "default_parameter",
  "typed_default_parameter",
  "list_splat_pattern",
  "dictionary_splat_pattern",
  "pattern_list",
  "tuple_pattern",
  "list_pattern",
  "as_pattern_target",
  "global_statement",
  "nonlocal_statement",
  "aliased_import",
  "dotted_name",
  "except_clause",
);

/** Reads the features' facts of a parsed source text. */
export function sourceFacts(language: SourceLanguage, nodes: SyntaxNodes): SourceFacts {
  const rule = rules[language];
  const facts: SourceFacts = {
    language,
    chars: nodes.text.length,
    lines: nodes.text.split("\n").filter((line) => line.trim() !== "").length,
    nodes: 0,
    syntaxErrors: 0,
    identifiers: new Set(),
    tokens: new Set(),
    bound: new Set(),
    free: new Map(),
    memberCalls: new Set(),
    callees: new Set(),
    calls: 0,
    functions: [],
    classes: new Set(),
    assertions: [],
    exceptionExpectations: 0,
    imports: new Set(),
    literals: {
      total: 0,
      numbers: 0,
      floats: 0,
      strings: 0,
      emptyStrings: 0,
      collections: 0,
      emptyCollections: 0,
      negativeNumbers: 0,
      largeNumbers: 0,
      constants: 0,
    },
    literalTexts: new Set(),
    loops: 0,
    branches: 0,
    mocks: 0,
    fixtures: 0,
    parametrized: 0,
    environment: 0,
    prints: 0,
  };
  const literals = facts.literals;
  const functionStack: { end: number; facts: FunctionFacts }[] = [];
  for (let index = 0; index < nodes.count; index++) {
    while (functionStack.length > 0 && index >= functionStack[functionStack.length - 1]!.end)
      functionStack.pop();
    const type = nodes.type[index]!;
    if (nodes.named[index] === 1) facts.nodes++;
    if (type === "ERROR" || nodes.missing[index] === 1) facts.syntaxErrors++;
    if (rule.branches.has(type)) {
      facts.branches++;
      for (const open of functionStack) open.facts.branches++;
    }
    if (rule.loops.has(type)) facts.loops++;
    if (isIdentifier(type) && isLeaf(nodes, index)) {
      const text = textOf(nodes, index);
      facts.identifiers.add(text);
      facts.tokens.add(text);
      for (const open of functionStack) {
        open.facts.references.add(text);
        open.facts.tokens.add(text);
      }
      if (mockPattern.test(text)) facts.mocks++;
      if (environmentNames.has(text)) facts.environment++;
      if (fixtureNames.has(text)) facts.fixtures++;
      if (parametrizeNames.has(text)) facts.parametrized++;
      if (text === "print" || text === "println" || text === "Println" || text === "Printf")
        facts.prints++;
      readIdentifier(language, nodes, index, text, facts);
      continue;
    }
    if (rule.numbers.has(type) || rule.strings.has(type) || rule.constants.has(type)) {
      const text = textOf(nodes, index);
      literals.total++;
      facts.tokens.add(text);
      for (const open of functionStack) open.facts.tokens.add(text);
      if (rule.constants.has(type)) {
        literals.constants++;
      } else if (rule.strings.has(type)) {
        literals.strings++;
        facts.literalTexts.add(text);
        if (/^[a-zA-Z]*(""|''|``)$/.test(text)) literals.emptyStrings++;
      } else {
        literals.numbers++;
        if (rule.floats.has(type)) literals.floats++;
        const parent = nodes.parent[index]!;
        const negative =
          parent >= 0 &&
          rule.unary.has(nodes.type[parent]!) &&
          nodes.text[nodes.start[parent]!] === "-";
        if (negative) literals.negativeNumbers++;
        facts.literalTexts.add(negative ? `-${text}` : text);
        const value = Number(text.replace(/[_lLjJfFdD]+$/g, "").replaceAll("_", ""));
        if (Math.abs(value) >= 1e6) literals.largeNumbers++;
      }
      continue;
    }
    if (rule.collections.has(type)) {
      literals.total++;
      literals.collections++;
    }
    if (rule.emptyCollections.has(type) && namedChildren(nodes, index) === 0)
      literals.emptyCollections++;
    if (rule.imports.has(type)) {
      facts.imports.add(textOf(nodes, index).replace(/\s+/g, ""));
      if (language === "go") {
        // an import without a name binds its path's last element
        const path = childByField(nodes, index, "path");
        if (path >= 0 && childByField(nodes, index, "name") < 0)
          facts.bound.add(textOf(nodes, path).replace(/["`]/g, "").split("/").pop()!);
      }
    }
    if (rule.functions.has(type)) {
      const function_ = functionFacts(language, nodes, index);
      facts.functions.push(function_);
      if (function_.name !== "") facts.bound.add(function_.name);
      functionStack.push({ end: nodes.subtreeEnd[index]!, facts: function_ });
    } else if (rule.classes.has(type)) {
      const name = childByField(nodes, index, "name");
      if (name >= 0) {
        facts.classes.add(textOf(nodes, name));
        facts.bound.add(textOf(nodes, name));
      }
    }
    if (rule.calls.has(type)) readCall(language, nodes, index, facts);
    else if (type === "assert_statement") {
      const text = textOf(nodes, index);
      facts.assertions.push({
        kind: "assert",
        equality: /[^!=<>]==[^=]/.test(text) || /\bis\s/.test(text),
        conditional: false,
        text: text.replace(/\s+/g, ""),
      });
    } else if (type === "element_value_pair" && language === "java") {
      const key = childByField(nodes, index, "key");
      if (key >= 0 && textOf(nodes, key) === "expected") facts.exceptionExpectations++;
    } else if (type === "composite_literal" && language === "go") {
      // a table of cases: []struct{...}{...}
      const literalType = childByField(nodes, index, "type");
      if (literalType >= 0 && nodes.type[literalType] === "slice_type") {
        const element = childByField(nodes, literalType, "element");
        if (element >= 0 && nodes.type[element] === "struct_type") facts.parametrized++;
      }
    }
  }
  return facts;
}

function readIdentifier(
  language: SourceLanguage,
  nodes: SyntaxNodes,
  index: number,
  text: string,
  facts: SourceFacts,
): void {
  const type = nodes.type[index]!;
  const field = nodes.field[index];
  const parent = nodes.parent[index]!;
  const parentType = parent >= 0 ? nodes.type[parent]! : "";
  if (language === "python") {
    if (type !== "identifier") return;
    if (field === "attribute" || (parentType === "keyword_argument" && field === "name")) return;
    if (
      field === "left" ||
      field === "name" ||
      field === "alias" ||
      pythonBindingParents.has(parentType) ||
      (parentType === "for_in_clause" && field === "left")
    ) {
      facts.bound.add(text);
      return;
    }
  } else if (language === "java") {
    if (
      field === "name" &&
      (parentType === "variable_declarator" ||
        parentType === "formal_parameter" ||
        parentType === "catch_formal_parameter" ||
        parentType === "enhanced_for_statement" ||
        parentType === "method_declaration" ||
        parentType === "constructor_declaration" ||
        parentType.endsWith("_declaration"))
    ) {
      facts.bound.add(text);
      return;
    }
    if (parentType === "inferred_parameters" || parentType === "lambda_expression") {
      facts.bound.add(text);
      return;
    }
    if (parentType === "scoped_identifier" || parentType === "import_declaration") {
      if (nodes.field[index] === "name" || parentType === "import_declaration")
        facts.bound.add(text);
      return;
    }
    if (field === "field" || field === "key") return;
    if (parentType === "method_invocation" && field === "name") {
      if (childByField(nodes, parent, "object") >= 0) return;
    }
    if (parentType === "marker_annotation" || parentType === "annotation") return;
    if (type !== "identifier" && type !== "type_identifier") return;
  } else {
    if (type === "field_identifier") {
      if (parentType === "method_declaration" || parentType === "field_declaration")
        facts.bound.add(text);
      return;
    }
    if (type === "package_identifier") {
      if (parentType === "import_spec") facts.bound.add(text);
      return;
    }
    if (
      (field === "name" && parentType !== "call_expression") ||
      (parentType === "expression_list" && nodes.field[parent] === "left") ||
      parentType === "identifier_list" ||
      (parentType === "range_clause" && field === "left") ||
      parentType === "parameter_declaration" ||
      parentType === "variadic_parameter_declaration"
    ) {
      facts.bound.add(text);
      return;
    }
    if (parentType === "package_clause") return;
  }
  const called = isCalleeName(language, nodes, index);
  const entry = facts.free.get(text);
  if (entry === undefined) facts.free.set(text, { called });
  else entry.called ||= called;
}

function isCalleeName(language: SourceLanguage, nodes: SyntaxNodes, index: number): boolean {
  const parent = nodes.parent[index]!;
  if (parent < 0) return false;
  const field = nodes.field[index];
  if (language === "java") return nodes.type[parent] === "method_invocation" && field === "name";
  return (
    field === "function" && nodes.type[parent] === (language === "go" ? "call_expression" : "call")
  );
}

function readCall(
  language: SourceLanguage,
  nodes: SyntaxNodes,
  index: number,
  facts: SourceFacts,
): void {
  facts.calls++;
  let name: string;
  let receiver = "";
  if (language === "java") {
    if (nodes.type[index] === "object_creation_expression") {
      const created = childByField(nodes, index, "type");
      if (created >= 0) facts.callees.add(lastName(nodes, created));
      return;
    }
    const nameNode = childByField(nodes, index, "name");
    name = nameNode >= 0 ? textOf(nodes, nameNode) : "";
    const object = childByField(nodes, index, "object");
    if (object >= 0) {
      receiver = lastName(nodes, object);
      facts.memberCalls.add(name);
    }
  } else {
    const callee = childByField(nodes, index, "function");
    if (callee < 0) return;
    name = lastName(nodes, callee);
    const calleeType = nodes.type[callee];
    if (calleeType === "attribute" || calleeType === "selector_expression") {
      facts.memberCalls.add(name);
      const object = childByField(nodes, callee, calleeType === "attribute" ? "object" : "operand");
      if (object >= 0) receiver = lastName(nodes, object);
    }
  }
  if (name === "") return;
  facts.callees.add(name);
  if (exceptionNames.has(name) && (name !== "expect" || receiver !== ""))
    facts.exceptionExpectations++;
  const text = () => textOf(nodes, index).replace(/\s+/g, "");
  if (language === "go") {
    if (goReportNames.has(name) && receiver !== "assert" && receiver !== "require") {
      const condition = enclosingIfCondition(nodes, index);
      facts.assertions.push({
        kind: "error-report",
        equality: condition !== "" && /!=|DeepEqual|Equal/.test(condition),
        conditional: condition !== "",
        text: condition === "" ? text() : condition.replace(/\s+/g, ""),
      });
      return;
    }
    if (receiver === "assert" || receiver === "require") {
      facts.assertions.push({
        kind: name,
        equality: /Equal/.test(name),
        conditional: false,
        text: text(),
      });
    }
    return;
  }
  if (/^assert/i.test(name) || name === "fail" || (language === "java" && name === "verify")) {
    facts.assertions.push({
      kind: name,
      equality: /Equal|equal|Same|That/.test(name),
      conditional: false,
      text: text(),
    });
  }
}

function enclosingIfCondition(nodes: SyntaxNodes, index: number): string {
  for (let node = nodes.parent[index]!; node >= 0; node = nodes.parent[node]!) {
    const type = nodes.type[node]!;
    if (type === "if_statement") {
      const condition = childByField(nodes, node, "condition");
      return condition >= 0 ? textOf(nodes, condition) : "if";
    }
    if (type === "function_declaration" || type === "func_literal" || type === "method_declaration")
      return "";
  }
  return "";
}

const testAnnotations = set(
  "Test",
  "ParameterizedTest",
  "RepeatedTest",
  "TestFactory",
  "TestTemplate",
);

function functionFacts(language: SourceLanguage, nodes: SyntaxNodes, index: number): FunctionFacts {
  const nameNode = childByField(nodes, index, "name");
  const name = nameNode >= 0 ? textOf(nodes, nameNode) : "";
  let owner = "";
  let isTest = false;
  if (language === "go") {
    const receiver = childByField(nodes, index, "receiver");
    if (receiver >= 0) owner = lastName(nodes, receiver);
    isTest = /^(Test|Benchmark|Fuzz|Example)/.test(name);
  } else {
    for (let node = nodes.parent[index]!; node >= 0; node = nodes.parent[node]!) {
      if (rules[language].classes.has(nodes.type[node]!)) {
        const className = childByField(nodes, node, "name");
        if (className >= 0) owner = textOf(nodes, className);
        break;
      }
    }
    if (language === "python") isTest = name.startsWith("test");
    else {
      for (
        let child = index + 1;
        child < nodes.subtreeEnd[index]!;
        child = nodes.subtreeEnd[child]!
      ) {
        if (nodes.type[child] !== "modifiers") continue;
        for (let node = child + 1; node < nodes.subtreeEnd[child]!; node++) {
          const type = nodes.type[node];
          if (type !== "marker_annotation" && type !== "annotation") continue;
          const annotation = childByField(nodes, node, "name");
          if (annotation >= 0 && testAnnotations.has(textOf(nodes, annotation))) isTest = true;
        }
      }
    }
  }
  return {
    name,
    owner,
    lines: lineOf(nodes, nodes.end[index]!) - lineOf(nodes, nodes.start[index]!) + 1,
    branches: 0,
    references: new Set(),
    isTest,
    tokens: new Set(),
  };
}
