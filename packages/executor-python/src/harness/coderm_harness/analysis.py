"""Test analysis in the harness process: which tests can be judged from a value computed in the
candidate process, and what each test compiles to. Results are cached by source text."""

import ast
import builtins
import re
import sys

from .support import clip, compile_code, describe_exception, safe_str

CACHE_LIMIT = 50000
_test_cache = {}  # (kind, code) -> analysis tuple
_expression_cache = {}  # ast dump -> compiled expression

BUILTIN_NAMES = frozenset(builtins.__dict__)
STDLIB_NAMES = frozenset(getattr(sys, "stdlib_module_names", ())) - {"__future__"}
_COMPILE_ERRORS = (SyntaxError, ValueError, RecursionError, MemoryError, OverflowError)
_ORDER_OPERATORS = {
    ast.Lt: "<",
    ast.LtE: "<=",
    ast.Gt: ">",
    ast.GtE: ">=",
    ast.In: "in",
    ast.NotIn: "not in",
}
_IMPORT_LINE = re.compile(r"^(?:from\s+([\w.]+)\s+import\b|import\s+([\w.]+))", re.M)


def clear_caches():
    """Empties the caches (the zygote does, so that no child carries earlier requests' tests)."""
    _test_cache.clear()
    _expression_cache.clear()


def _cache_put(key, value):
    if len(_test_cache) >= CACHE_LIMIT:
        clear_caches()
    _test_cache[key] = value
    return value


def _on_candidate(node):
    """Whether `node` is the candidate's to compute in its own process: calls and subscripts
    (with any arguments: those are inputs) on a name of the program's own. A built-in or
    standard-module name there is excluded: the program could rebind it (`abs(f(x) - 1.4)`,
    `math.isclose(...)`) while the test means the real one, so such expressions run in the test
    server, where those names are the real ones. So is any attribute: in
    `f(x).startswith('abc')` the method's arguments are the test's expected text, which must not
    reach the candidate, and its answer must come from the real `str` method; in the test server
    the value of `f(x)` arrives as plain data and the method runs there."""
    while True:
        t = type(node)
        if t is ast.Call:
            node = node.func
        elif t is ast.Subscript:
            node = node.value
        elif t is ast.Name:
            return node.id not in BUILTIN_NAMES and node.id not in STDLIB_NAMES
        else:
            return False


def _value_shape(test):
    """(expression, operator, literal) for an assertion the harness process can judge from the
    value of one expression computed in the candidate process, or None. The expression is a call
    (or name, attribute, subscript); what it is compared with stays in the harness process."""
    t = type(test)
    if t is ast.UnaryOp and type(test.op) is ast.Not:
        return (test.operand, "not", None) if _on_candidate(test.operand) else None
    if t is not ast.Compare:
        return (test, "truth", None) if _on_candidate(test) else None
    if len(test.ops) != 1:
        return None
    op = type(test.ops[0])
    left, right = test.left, test.comparators[0]
    if op is ast.Eq or op is ast.NotEq:
        name = "==" if op is ast.Eq else "!="
        for expression, other in ((left, right), (right, left)):
            try:
                literal = ast.literal_eval(other)
            except Exception:
                continue
            return (expression, name, literal) if _on_candidate(expression) else None
        if _on_candidate(left) and _on_candidate(right):
            return (ast.Tuple(elts=[left, right], ctx=ast.Load()), "pair" + name, None)
        return None
    if op is ast.Is or op is ast.IsNot:
        if (
            type(right) is ast.Constant
            and right.value in (None, True, False)
            and _on_candidate(left)
        ):
            return (left, "is" if op is ast.Is else "is not", right.value)
        return None
    if op in _ORDER_OPERATORS and _on_candidate(left):
        try:
            return (left, _ORDER_OPERATORS[op], ast.literal_eval(right))
        except Exception:
            return None
    return None


def analyze_assert(code):
    """('group', key, expression code, operator, literal, message) | ('stmt', code object) |
    ('bad', error type, message).

    'group': a single `assert` the harness process judges from the value of one expression (the
    value is computed once per candidate process for every test sharing the expression)."""
    key = ("assert", code)
    hit = _test_cache.get(key)
    if hit is not None:
        return hit
    try:
        tree = ast.parse(code, "<test>", "exec")
        code_object = compile_code(tree, "<test>")
    except _COMPILE_ERRORS as e:
        return _cache_put(key, ("bad",) + describe_exception(e))
    result = ("stmt", code_object)
    body = tree.body
    if len(body) == 1 and type(body[0]) is ast.Assert:
        statement = body[0]
        message = statement.msg
        shape = (
            _value_shape(statement.test)
            if message is None or type(message) is ast.Constant
            else None
        )
        if shape is not None:
            expression, op, literal = shape
            try:
                dump = ast.dump(expression, include_attributes=False)
                expression_code = _expression_cache.get(dump)
                if expression_code is None:
                    expression_code = compile_code(
                        ast.fix_missing_locations(ast.Expression(body=expression)), "<test>", "eval"
                    )
                    _expression_cache[dump] = expression_code
                text = None
                if message is not None:
                    text = clip(safe_str(message.value))
                result = ("group", dump, expression_code, op, literal, text)
            except Exception:
                result = ("stmt", code_object)
    return _cache_put(key, result)


def analyze_assert_statement(code):
    """An assert test compiled as a statement (grouping disabled)."""
    key = ("assert-stmt", code)
    hit = _test_cache.get(key)
    if hit is None:
        hit = _cache_put(key, compile_code(code, "<test>"))
    return hit


def analyze_check_values(code):
    """A `check(candidate)` test made only of value assertions about `candidate(...)` (as 148 of
    HumanEval's 164 are) -> (parameter, ((expression code | None, operator, literal, message),
    ...)); else None.

    Such a check runs as values: the candidate process computes each expression in order and the
    harness process judges them in order (the first that does not pass decides), so the test code
    never enters the candidate process and needs no test server."""
    key = ("checkvalues", code)
    if key in _test_cache:
        return _test_cache[key]
    out = None
    try:
        tree = ast.parse(code, "<test>", "exec")
        checks = [n for n in tree.body if type(n) is ast.FunctionDef and n.name == "check"]
        module_names = {"check"}
        plain = len(checks) == 1
        for node in tree.body:
            if type(node) is ast.Expr and type(node.value) is ast.Constant:
                continue
            if type(node) is ast.Assign and all(type(t) is ast.Name for t in node.targets):
                ast.literal_eval(node.value)  # METADATA = {...}
                module_names.update(t.id for t in node.targets)
                continue
            if node is not (checks[0] if plain else None):
                plain = False
        function = checks[0] if plain else None
        arguments = function.args if function is not None else None
        if (
            function is not None
            and not function.decorator_list
            and len(arguments.args) == 1
            and not (
                arguments.posonlyargs
                or arguments.kwonlyargs
                or arguments.vararg
                or arguments.kwarg
                or arguments.defaults
            )
        ):
            parameter = arguments.args[0].arg
            steps = []
            for statement in function.body:
                if type(statement) is ast.Expr and type(statement.value) is ast.Constant:
                    continue
                if type(statement) is not ast.Assert or not (
                    statement.msg is None or type(statement.msg) is ast.Constant
                ):
                    break
                message = None if statement.msg is None else clip(safe_str(statement.msg.value))
                if type(statement.test) is ast.Constant:
                    if not statement.test.value:
                        steps.append((None, "fail", None, message))
                    continue
                shape = _value_shape(statement.test)
                if shape is None:
                    break
                names = {n.id for n in ast.walk(shape[0]) if type(n) is ast.Name}
                if names & module_names or parameter not in names:
                    break  # refers to the test module's own definitions
                expression = ast.fix_missing_locations(ast.Expression(body=shape[0]))
                steps.append(
                    (compile_code(expression, "<test>", "eval"), shape[1], shape[2], message)
                )
            else:
                out = (parameter, tuple(steps))
    except Exception:
        out = None
    return _cache_put(key, out)


def analyze_module(kind, code):
    """check/unittest test code -> ('ok', code object, class names, method count) |
    ('bad', error type, message)."""
    key = (kind, code)
    hit = _test_cache.get(key)
    if hit is not None:
        return hit
    try:
        tree = ast.parse(code, "<test>", "exec")
        code_object = compile_code(tree, "<test>")
    except _COMPILE_ERRORS as e:
        return _cache_put(key, ("bad",) + describe_exception(e))
    classes = []
    methods = 0
    for node in tree.body:
        if type(node) is ast.ClassDef:
            classes.append(node.name)
            for member in node.body:
                if type(member) in (
                    ast.FunctionDef,
                    ast.AsyncFunctionDef,
                ) and member.name.startswith("test"):
                    methods += 1
    return _cache_put(key, ("ok", code_object, tuple(dict.fromkeys(classes)), methods))


def check_call_code(entry_point):
    """`check(<entry point>)`, compiled."""
    key = ("checkcall", entry_point)
    hit = _test_cache.get(key)
    if hit is None:
        hit = _cache_put(key, compile_code("check(%s)" % entry_point, "<test>", "eval"))
    return hit


def import_warmup(program):
    """Top-level import statements of modules the harness has not imported, compiled on their own.

    A child executes them once before its first test under limits.importTimeMs: the references
    ran candidates in processes that already had such packages loaded, so the first import must
    not count against a test's time limit."""
    need = False
    for match in _IMPORT_LINE.finditer(program):
        name = (match.group(1) or match.group(2)).split(".")[0]
        if name and name not in sys.modules:
            need = True
            break
    if not need:
        return None
    try:
        tree = ast.parse(program, "<candidate>", "exec")
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None
    body = [n for n in tree.body if type(n) in (ast.Import, ast.ImportFrom)]
    if not body:
        return None
    try:
        return compile_code(ast.Module(body=body, type_ignores=[]), "<candidate>")
    except Exception:
        return None
