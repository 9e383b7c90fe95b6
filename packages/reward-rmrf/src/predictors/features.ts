import { type FunctionFacts, isBuiltin, type SourceFacts, sourceFacts } from "./source-facts.js";
import { loadSyntaxParser, type SourceLanguage, type SyntaxParser } from "./syntax.js";

/**
 * The embedded predictor's features, in vector order, each with what it measures. "Focal
 * functions" are the functions and methods the focal file defines; a test "reaches" one it names
 * (or whose class it names, for constructors); the "closure" adds the focal functions those call,
 * transitively: a static stand-in for the code a test covers.
 */
export const featureDefinitions = [
  ["language_python", "1 for Python"],
  ["language_java", "1 for Java"],
  ["language_go", "1 for Go"],
  ["test_syntax_errors", "ERROR and MISSING nodes in the test"],
  ["test_syntax_valid", "1 when the test has no ERROR or MISSING node"],
  ["all_syntax_errors", "ERROR and MISSING nodes in the test and the focal file"],
  ["test_chars", "characters of the test"],
  ["test_lines", "non-blank lines of the test"],
  ["test_nodes", "named syntax nodes of the test"],
  ["test_functions", "test functions in the test (Python test*, Java @Test, Go Test*)"],
  ["assertions", "assertions of every kind in the test"],
  ["assert_statements", "Python assert statements"],
  ["assertion_calls", "assertion calls: assert*/fail/verify (unittest, JUnit, Mockito), testify"],
  ["error_reports", "Go t.Error/Errorf/Fatal/Fatalf/Fail calls"],
  ["conditional_error_reports", "Go error reports inside an if (if got != want { t.Errorf })"],
  ["equality_assertions", "assertions against an expected value (==, assertEqual, Equal, !=)"],
  ["assertion_kinds", "distinct assertion kinds"],
  ["assertions_per_test_function", "assertions over max(1, test functions)"],
  ["exception_expectations", "pytest.raises, assertRaises, assertThrows, expected=, Panics"],
  ["literals", "literals: numbers, strings, constants and collection literals"],
  ["numeric_literals", "number literals"],
  ["float_literals", "floating-point literals"],
  ["string_literals", "string and character literals"],
  ["empty_strings", "empty string literals"],
  ["collection_literals", "list/tuple/dict/set, array initializer, composite literals"],
  ["empty_collections", "empty collection literals"],
  ["negative_numbers", "negated number literals"],
  ["large_numbers", "number literals of magnitude at least 1e6"],
  ["constant_literals", "true/false/None/null/nil"],
  ["calls", "calls in the test"],
  ["distinct_callees", "distinct names the test calls"],
  ["loops", "loops in the test"],
  ["branches", "branch points in the test"],
  ["focal_functions", "functions and methods the focal file defines"],
  ["focal_lines", "non-blank lines of the focal file"],
  ["focal_branches", "branch points of the focal file"],
  ["reached_functions", "focal functions the test reaches directly"],
  ["reached_fraction", "reached functions over focal functions"],
  ["reached_lines", "lines of the reached functions"],
  ["reached_branches", "branch points of the reached functions"],
  ["reached_max_branches", "branch points of the most branching reached function"],
  ["closure_functions", "focal functions in the test's closure"],
  ["closure_line_fraction", "closure lines over all focal function lines"],
  ["closure_branch_fraction", "closure branch points over all focal branch points"],
  ["new_reached_functions", "reached functions the existing suite does not reach"],
  ["new_closure_lines", "closure lines outside the existing suite's closure"],
  ["new_closure_line_fraction", "new closure lines over all focal function lines"],
  ["already_reached_fraction", "reached functions the existing suite also reaches, over reached"],
  [
    "existing_closure_line_fraction",
    "the existing suite's closure lines over focal function lines",
  ],
  ["unresolved_identifiers", "free identifiers of the test defined nowhere (NameError proxy)"],
  ["unresolved_calls", "unresolved identifiers the test calls"],
  ["unresolved_fraction", "unresolved over distinct free identifiers"],
  ["unresolved_member_calls", "member names called that focal, suite and test never mention"],
  ["test_imports", "imports in the test"],
  ["new_imports", "imports of the test the existing suite lacks"],
  ["existing_jaccard", "token Jaccard similarity of the test and the existing suite"],
  ["max_existing_function_jaccard", "highest token Jaccard with one existing test function"],
  ["duplicate_assertions", "test assertions the existing suite has verbatim"],
  ["duplicate_assertion_fraction", "duplicate assertions over assertions"],
  ["new_literals", "literal values of the test absent from the existing suite"],
  ["existing_test_functions", "test functions of the existing suite"],
  ["existing_assertions", "assertions of the existing suite"],
  ["existing_lines", "non-blank lines of the existing suite"],
  ["existing_syntax_errors", "ERROR and MISSING nodes of the existing suite"],
  ["mocks", "mock/patch/stub/spy names in the test"],
  ["fixtures", "fixture and setup names (fixture, setUp, @Before, t.Run, t.Cleanup, ...)"],
  ["parametrized", "parametrization (parametrize, @ParameterizedTest, Go case tables)"],
  ["environment", "file, process, network, clock and environment names (open, os, sleep, ...)"],
  ["prints", "print/println/Printf calls"],
  ["test_name_matches_focal", "1 when a test function's name contains a reached function's name"],
] as const satisfies readonly (readonly [string, string])[];

/** A feature's name. */
export type FeatureName = (typeof featureDefinitions)[number][0];

/** The feature names in vector order. */
export const featureNames: readonly FeatureName[] = featureDefinitions.map(([name]) => name);

const featureIndex = Object.fromEntries(featureNames.map((name, index) => [name, index])) as Record<
  FeatureName,
  number
>;

/** What a feature vector is computed from. */
export interface FeatureInput {
  language: SourceLanguage;
  /** The focal source file. */
  focalCode: string;
  /** The focal file's existing tests, as source text ("" when none). */
  existingTests: string;
  /** The candidate test, as source text. */
  testCode: string;
}

/** The focal file and existing suite read once, for the features of many tests. */
export interface FeatureContext {
  language: SourceLanguage;
  focal: SourceFacts;
  existing: SourceFacts;
  focalNames: Set<string>;
  focalFunctionLines: number;
  focalFunctionBranches: number;
  existingReached: Set<FunctionFacts>;
  existingClosure: Set<FunctionFacts>;
  existingClosureLines: number;
  known: Set<string>;
  existingAssertions: Set<string>;
  existingTestTokens: Set<string>[];
  byName: Map<string, FunctionFacts[]>;
}

/** Computes feature vectors; the focal file's and suite's reading is cached per input. */
export interface FeatureExtractor {
  /** The focal file and existing suite read for {@link FeatureExtractor.features}. */
  context(language: SourceLanguage, focalCode: string, existingTests: string): FeatureContext;
  /** The feature vector of one test (in {@link featureNames} order). */
  features(context: FeatureContext, testCode: string): number[];
  /** The feature vector of one input (its context read once and cached). */
  extract(input: FeatureInput): number[];
}

/** A feature extractor over the shared tree-sitter parsers (loaded on first call). */
export async function createFeatureExtractor(): Promise<FeatureExtractor> {
  return featureExtractor(await loadSyntaxParser());
}

const contextCacheSize = 8;

function featureExtractor(parser: SyntaxParser): FeatureExtractor {
  const cache = new Map<string, FeatureContext>();
  const context = (language: SourceLanguage, focalCode: string, existingTests: string) => {
    const key = `${language}\u0000${focalCode}\u0000${existingTests}`;
    const cached = cache.get(key);
    if (cached !== undefined) return cached;
    const created = featureContext(
      language,
      sourceFacts(language, parser.parse(language, focalCode)),
      sourceFacts(language, parser.parse(language, existingTests)),
    );
    if (cache.size >= contextCacheSize) cache.delete(cache.keys().next().value!);
    cache.set(key, created);
    return created;
  };
  const features = (featureContext: FeatureContext, testCode: string) =>
    testFeatures(
      featureContext,
      sourceFacts(featureContext.language, parser.parse(featureContext.language, testCode)),
    );
  return {
    context,
    features,
    extract: (input) =>
      features(context(input.language, input.focalCode, input.existingTests), input.testCode),
  };
}

const constructorNames = new Set(["__init__", "__post_init__", "__new__"]);

function featureContext(
  language: SourceLanguage,
  focal: SourceFacts,
  existing: SourceFacts,
): FeatureContext {
  const byName = new Map<string, FunctionFacts[]>();
  for (const function_ of focal.functions) {
    if (function_.name === "") continue;
    byName.set(function_.name, [...(byName.get(function_.name) ?? []), function_]);
    // naming a class reaches its constructors
    if (function_.owner !== "" && constructorNames.has(function_.name))
      byName.set(function_.owner, [...(byName.get(function_.owner) ?? []), function_]);
  }
  const focalNames = new Set(byName.keys());
  for (const name of focal.classes) focalNames.add(name);
  const partial = {
    language,
    focal,
    existing,
    focalNames,
    byName,
    focalFunctionLines: sum(focal.functions.map((function_) => function_.lines)),
    focalFunctionBranches: sum(focal.functions.map((function_) => function_.branches)),
  };
  const existingReached = reached(partial, existing.identifiers);
  const existingClosure = closure(partial, existingReached);
  const known = new Set([...focal.identifiers, ...existing.identifiers]);
  return {
    ...partial,
    existingReached,
    existingClosure,
    existingClosureLines: sum([...existingClosure].map((function_) => function_.lines)),
    known,
    existingAssertions: new Set(existing.assertions.map((assertion) => assertion.text)),
    existingTestTokens: existing.functions
      .filter((function_) => function_.isTest)
      .map((function_) => function_.tokens),
  };
}

function reached(
  context: Pick<FeatureContext, "byName">,
  identifiers: ReadonlySet<string>,
): Set<FunctionFacts> {
  const result = new Set<FunctionFacts>();
  for (const name of identifiers)
    for (const function_ of context.byName.get(name) ?? []) result.add(function_);
  return result;
}

function closure(
  context: Pick<FeatureContext, "byName">,
  start: ReadonlySet<FunctionFacts>,
): Set<FunctionFacts> {
  const result = new Set(start);
  const queue = [...start];
  while (queue.length > 0) {
    const function_ = queue.pop()!;
    for (const name of function_.references) {
      for (const callee of context.byName.get(name) ?? []) {
        if (result.has(callee)) continue;
        result.add(callee);
        queue.push(callee);
      }
    }
  }
  return result;
}

function sum(values: readonly number[]): number {
  let total = 0;
  for (const value of values) total += value;
  return total;
}

function jaccard(left: ReadonlySet<string>, right: ReadonlySet<string>): number {
  if (left.size === 0 && right.size === 0) return 0;
  let shared = 0;
  const [small, large] = left.size <= right.size ? [left, right] : [right, left];
  for (const token of small) if (large.has(token)) shared++;
  return shared / (left.size + right.size - shared);
}

const ratio = (numerator: number, denominator: number) =>
  denominator === 0 ? 0 : numerator / denominator;

function testFeatures(context: FeatureContext, test: SourceFacts): number[] {
  const vector = new Array<number>(featureNames.length).fill(0);
  const put = (name: FeatureName, value: number) => {
    vector[featureIndex[name]] = value;
  };
  const { focal, existing } = context;
  put(`language_${context.language}`, 1);
  put("test_syntax_errors", test.syntaxErrors);
  put("test_syntax_valid", test.syntaxErrors === 0 ? 1 : 0);
  put("all_syntax_errors", test.syntaxErrors + focal.syntaxErrors);
  put("test_chars", test.chars);
  put("test_lines", test.lines);
  put("test_nodes", test.nodes);
  const testFunctions = test.functions.filter((function_) => function_.isTest);
  put("test_functions", testFunctions.length);
  const assertions = test.assertions;
  put("assertions", assertions.length);
  put("assert_statements", assertions.filter((assertion) => assertion.kind === "assert").length);
  put(
    "assertion_calls",
    assertions.filter(
      (assertion) => assertion.kind !== "assert" && assertion.kind !== "error-report",
    ).length,
  );
  put("error_reports", assertions.filter((assertion) => assertion.kind === "error-report").length);
  put("conditional_error_reports", assertions.filter((assertion) => assertion.conditional).length);
  put("equality_assertions", assertions.filter((assertion) => assertion.equality).length);
  put("assertion_kinds", new Set(assertions.map((assertion) => assertion.kind)).size);
  put("assertions_per_test_function", assertions.length / Math.max(1, testFunctions.length));
  put("exception_expectations", test.exceptionExpectations);
  const literals = test.literals;
  put("literals", literals.total);
  put("numeric_literals", literals.numbers);
  put("float_literals", literals.floats);
  put("string_literals", literals.strings);
  put("empty_strings", literals.emptyStrings);
  put("collection_literals", literals.collections);
  put("empty_collections", literals.emptyCollections);
  put("negative_numbers", literals.negativeNumbers);
  put("large_numbers", literals.largeNumbers);
  put("constant_literals", literals.constants);
  put("calls", test.calls);
  put("distinct_callees", test.callees.size);
  put("loops", test.loops);
  put("branches", test.branches);

  put("focal_functions", focal.functions.length);
  put("focal_lines", focal.lines);
  put("focal_branches", focal.branches);
  const direct = reached(context, test.identifiers);
  const directList = [...direct];
  put("reached_functions", direct.size);
  put("reached_fraction", ratio(direct.size, focal.functions.length));
  put("reached_lines", sum(directList.map((function_) => function_.lines)));
  put("reached_branches", sum(directList.map((function_) => function_.branches)));
  put("reached_max_branches", Math.max(0, ...directList.map((function_) => function_.branches)));
  const reach = closure(context, direct);
  const reachList = [...reach];
  put("closure_functions", reach.size);
  put(
    "closure_line_fraction",
    ratio(sum(reachList.map((function_) => function_.lines)), context.focalFunctionLines),
  );
  put(
    "closure_branch_fraction",
    ratio(sum(reachList.map((function_) => function_.branches)), context.focalFunctionBranches),
  );
  put(
    "new_reached_functions",
    directList.filter((function_) => !context.existingReached.has(function_)).length,
  );
  const newClosureLines = sum(
    reachList
      .filter((function_) => !context.existingClosure.has(function_))
      .map((function_) => function_.lines),
  );
  put("new_closure_lines", newClosureLines);
  put("new_closure_line_fraction", ratio(newClosureLines, context.focalFunctionLines));
  put(
    "already_reached_fraction",
    ratio(
      directList.filter((function_) => context.existingReached.has(function_)).length,
      direct.size,
    ),
  );
  put(
    "existing_closure_line_fraction",
    ratio(context.existingClosureLines, context.focalFunctionLines),
  );

  let unresolved = 0;
  let unresolvedCalls = 0;
  for (const [name, use] of test.free) {
    if (context.known.has(name) || test.bound.has(name) || isBuiltin(context.language, name))
      continue;
    unresolved++;
    if (use.called) unresolvedCalls++;
  }
  put("unresolved_identifiers", unresolved);
  put("unresolved_calls", unresolvedCalls);
  put("unresolved_fraction", ratio(unresolved, test.free.size));
  let unresolvedMembers = 0;
  for (const name of test.memberCalls)
    if (!context.known.has(name) && !test.bound.has(name)) unresolvedMembers++;
  put("unresolved_member_calls", unresolvedMembers);
  put("test_imports", test.imports.size);
  let newImports = 0;
  for (const line of test.imports) if (!existing.imports.has(line)) newImports++;
  put("new_imports", newImports);
  put("existing_jaccard", jaccard(test.tokens, existing.tokens));
  let bestJaccard = 0;
  for (const tokens of context.existingTestTokens)
    bestJaccard = Math.max(bestJaccard, jaccard(test.tokens, tokens));
  put("max_existing_function_jaccard", bestJaccard);
  const duplicates = assertions.filter((assertion) =>
    context.existingAssertions.has(assertion.text),
  ).length;
  put("duplicate_assertions", duplicates);
  put("duplicate_assertion_fraction", ratio(duplicates, assertions.length));
  let newLiterals = 0;
  for (const literal of test.literalTexts) if (!existing.literalTexts.has(literal)) newLiterals++;
  put("new_literals", newLiterals);
  put("existing_test_functions", context.existingTestTokens.length);
  put("existing_assertions", existing.assertions.length);
  put("existing_lines", existing.lines);
  put("existing_syntax_errors", existing.syntaxErrors);
  put("mocks", test.mocks);
  put("fixtures", test.fixtures);
  put("parametrized", test.parametrized);
  put("environment", test.environment);
  put("prints", test.prints);
  const names = testFunctions.map((function_) => function_.name.toLowerCase());
  put(
    "test_name_matches_focal",
    directList.some(
      (function_) =>
        function_.name.length >= 3 &&
        names.some((name) => name.includes(function_.name.toLowerCase().replace(/^_+/, ""))),
    )
      ? 1
      : 0,
  );
  return vector;
}
