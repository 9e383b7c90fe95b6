"""Mutants of Python programs, for RM-RF's mutation labels (stdlib only, Python 3.9 and later).

Reads on stdin ``{"sources": [{"key": str, "code": str}, ...], "maxMutants"?: int}`` and writes
on stdout ``{"results": [{"key", "mutants", "total", "dropped", "error"?}, ...]}``, one result per
source in input order. Each mutant is ``{"id", "operator", "line", "endLine", "description",
"code"}``:

- ``operator``: one of ``OPERATORS``.
- ``line`` / ``endLine``: the 1-based lines of the mutated node in the ORIGINAL code.
- ``description``: what changed, such as ``"`a + b` -> `a - b`"``.
- ``code``: the whole mutated program, ``ast.unparse`` of the original tree with the one change
  (so its formatting, and its line numbers, are unparse's, not the original's).
- ``id``: the first 16 hex digits of the sha256 of ``operator, line, column, description, code``
  joined by NUL (UTF-8; the column is the mutated node's 0-based UTF-8 byte offset). The same
  source on the same Python minor version gives the same ids on every run and machine; another
  Python version may unparse differently, and then the ids differ with the code.

A mutant that does not compile is dropped (``uncompilable``); so is one whose bytecode, compared
without line numbers or file names, equals the original's (``equivalent``: trivial compiler
equivalence) or that of a mutant before it (``duplicate``). Mutants come ordered by line, column
and operator (in ``OPERATORS``' order). ``total`` counts the mutants kept before ``maxMutants``,
which keeps an evenly spread subset in that order. A source that does not parse or compile gets
an ``error`` and no mutants; the batch goes on. Before each source the script writes
``mutating <key as JSON>`` to stderr, so a caller can name the source of a crash.
"""

from __future__ import annotations

import ast
import hashlib
import json
import sys
import types
import warnings

OPERATORS = (
    "arithmeticOperator",
    "bitwiseOperator",
    "comparisonOperator",
    "booleanOperator",
    "unaryOperator",
    "negateCondition",
    "constant",
    "returnNone",
    "statementDeletion",
    "exceptionSwallowing",
    "zeroIterationLoop",
    "sliceIndex",
)
OPERATOR_RANK = {name: rank for rank, name in enumerate(OPERATORS)}

ARITHMETIC = {
    ast.Add: (ast.Sub,),
    ast.Sub: (ast.Add,),
    ast.Mult: (ast.Div,),
    ast.Div: (ast.Mult, ast.FloorDiv),
    ast.FloorDiv: (ast.Div, ast.Mult),
    ast.Mod: (ast.FloorDiv, ast.Mult),
    ast.Pow: (ast.Mult,),
}
BITWISE = {
    ast.BitAnd: (ast.BitOr,),
    ast.BitOr: (ast.BitAnd,),
    ast.BitXor: (ast.BitOr,),
    ast.LShift: (ast.RShift,),
    ast.RShift: (ast.LShift,),
}
RELATIONAL = (ast.Lt, ast.LtE, ast.Gt, ast.GtE, ast.Eq, ast.NotEq)
SWAPPED = {ast.Is: ast.IsNot, ast.IsNot: ast.Is, ast.In: ast.NotIn, ast.NotIn: ast.In}
# Simple statements whose deletion (replacement by `pass`) is a mutant. Raise is the
# exception-swallowing operator's; Return the return operator's; imports, global and nonlocal
# only ever make a NameError or a SyntaxError.
DELETABLE = (
    ast.Expr,
    ast.Assign,
    ast.AugAssign,
    ast.AnnAssign,
    ast.Delete,
    ast.Assert,
    ast.Break,
    ast.Continue,
)
# Fields never mutated: annotations are not behaviour, and an f-string's format spec only breaks.
SKIPPED_FIELDS = frozenset({"annotation", "returns", "type_comment", "type_params", "format_spec"})
SNIPPET_LENGTH = 100


class Site:
    """One mutation: set ``holder.field`` (or its ``index``-th item) to ``new``."""

    __slots__ = (
        "operator",
        "line",
        "end_line",
        "column",
        "holder",
        "field",
        "index",
        "new",
        "before",
        "after",
        "shown",
    )

    def __init__(
        self, operator, position, holder, field, index, new, before, after=None, shown=None
    ):
        self.operator = operator
        self.line, self.end_line, self.column = position
        self.holder = holder
        self.field = field
        self.index = index
        self.new = new
        # What the description shows: `before` -> `after`, where `after`, when not given, is
        # the unparse of `shown` (default: `new`) while the change is applied.
        self.before = before
        self.after = after
        self.shown = shown


def position(node):
    return (node.lineno, getattr(node, "end_lineno", None) or node.lineno, node.col_offset)


def snippet(node):
    if isinstance(node, list):
        text = "; ".join(ast.unparse(item) for item in node)
    else:
        text = ast.unparse(node)
    if "\n" in text:
        text = text.split("\n", 1)[0] + " ..."
    if len(text) > SNIPPET_LENGTH:
        text = text[: SNIPPET_LENGTH - 3] + "..."
    return text


def is_inert(node):
    """A statement that is a lone constant: a docstring, a string used as a comment, `...`."""
    return isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)


def is_main_guard(node):
    test = node.test
    if not (
        isinstance(test, ast.Compare) and len(test.ops) == 1 and isinstance(test.ops[0], ast.Eq)
    ):
        return False
    sides = [test.left, test.comparators[0]]
    names = [side.id for side in sides if isinstance(side, ast.Name)]
    texts = [side.value for side in sides if isinstance(side, ast.Constant)]
    return names == ["__name__"] and texts == ["__main__"]


def number_node(value):
    """A numeric literal; a negative one as unary minus, which unparse parenthesizes right."""
    if value < 0 or (isinstance(value, float) and str(value).startswith("-")):
        return ast.UnaryOp(op=ast.USub(), operand=ast.Constant(value=-value))
    return ast.Constant(value=value)


def constant_replacements(value):
    if isinstance(value, bool):
        return [ast.Constant(value=not value)]
    if isinstance(value, (int, float)):
        return [number_node(value + 1), number_node(value - 1)]
    if isinstance(value, str):
        return [ast.Constant(value="XX" + value)]
    if isinstance(value, bytes):
        return [ast.Constant(value=b"XX" + value)]
    return []


class Collector:
    """Finds every mutation site of a tree, in a fixed walk order."""

    def __init__(self):
        self.sites = []

    def add(self, operator, node, holder, field, index, new, before=None, after=None, shown=None):
        self.sites.append(
            Site(
                operator,
                position(node),
                holder,
                field,
                index,
                new,
                snippet(node) if before is None else before,
                after,
                shown,
            )
        )

    def visit(self, node, parent=None, field=None, index=None):
        if isinstance(node, ast.If) and is_main_guard(node):
            # Running the guarded block on import is no behaviour of the focal code: mutate its
            # blocks, never its test.
            self.children(node, skip=("test",))
            return
        method = getattr(self, "site_" + type(node).__name__, None)
        if method is not None:
            method(node, parent, field, index)
        if isinstance(node, DELETABLE):
            self.deletion(node, parent, field, index)
        self.children(node)

    def children(self, node, skip=()):
        for name, value in ast.iter_fields(node):
            if name in SKIPPED_FIELDS or name in skip:
                continue
            if isinstance(value, list):
                for position_in_list, item in enumerate(value):
                    if not isinstance(item, ast.AST):
                        continue
                    if is_inert(item):
                        continue
                    self.visit(item, node, name, position_in_list)
            elif isinstance(value, ast.AST):
                self.visit(value, node, name, None)

    def replace(self, operator, node, parent, field, index, new):
        """Replaces ``node`` in its parent (the parent's field, or its index-th item)."""
        self.add(operator, node, parent, field, index, new)

    def site_BinOp(self, node, parent, field, index):
        for table, operator in ((ARITHMETIC, "arithmeticOperator"), (BITWISE, "bitwiseOperator")):
            for replacement in table.get(type(node.op), ()):
                self.add(operator, node, node, "op", None, replacement(), shown=node)

    def site_AugAssign(self, node, parent, field, index):
        for table, operator in ((ARITHMETIC, "arithmeticOperator"), (BITWISE, "bitwiseOperator")):
            for replacement in table.get(type(node.op), ()):
                self.add(operator, node, node, "op", None, replacement(), shown=node)

    def site_Compare(self, node, parent, field, index):
        for position_in_ops, op in enumerate(node.ops):
            if isinstance(op, RELATIONAL):
                replacements = [kind for kind in RELATIONAL if not isinstance(op, kind)]
            else:
                replacements = [SWAPPED[type(op)]] if type(op) in SWAPPED else []
            for replacement in replacements:
                self.add(
                    "comparisonOperator",
                    node,
                    node,
                    "ops",
                    position_in_ops,
                    replacement(),
                    shown=node,
                )

    def site_BoolOp(self, node, parent, field, index):
        replacement = ast.Or() if isinstance(node.op, ast.And) else ast.And()
        self.add("booleanOperator", node, node, "op", None, replacement, shown=node)

    def site_UnaryOp(self, node, parent, field, index):
        if isinstance(node.op, ast.UAdd):
            self.add("unaryOperator", node, node, "op", None, ast.USub(), shown=node)
        else:
            self.replace("unaryOperator", node, parent, field, index, node.operand)

    def negate(self, test, holder, field, index):
        self.add(
            "negateCondition",
            test,
            holder,
            field,
            index,
            ast.UnaryOp(op=ast.Not(), operand=test),
        )

    def site_If(self, node, parent, field, index):
        self.negate(node.test, node, "test", None)

    def site_While(self, node, parent, field, index):
        self.negate(node.test, node, "test", None)
        self.add(
            "zeroIterationLoop",
            node.test,
            node,
            "test",
            None,
            ast.Constant(value=False),
            before="while " + snippet(node.test),
            after="while False",
        )

    def site_IfExp(self, node, parent, field, index):
        self.negate(node.test, node, "test", None)

    def site_comprehension(self, node, parent, field, index):
        for position_in_ifs, test in enumerate(node.ifs):
            self.negate(test, node, "ifs", position_in_ifs)

    def site_Constant(self, node, parent, field, index):
        for replacement in constant_replacements(node.value):
            self.replace("constant", node, parent, field, index, replacement)

    def site_Return(self, node, parent, field, index):
        value = node.value
        if value is None or (isinstance(value, ast.Constant) and value.value is None):
            return
        self.add(
            "returnNone",
            node,
            node,
            "value",
            None,
            ast.Constant(value=None),
            shown=node,
        )

    def deletion(self, node, parent, field, index):
        if isinstance(node, ast.AnnAssign) and node.value is None:
            return
        self.replace("statementDeletion", node, parent, field, index, ast.Pass())

    def site_ExceptHandler(self, node, parent, field, index):
        body = node.body
        if len(body) == 1 and (isinstance(body[0], ast.Pass) or is_inert(body[0])):
            return
        header = "except" if node.type is None else "except " + snippet(node.type)
        if node.name is not None:
            header += " as " + node.name
        first, last = body[0], body[-1]
        self.sites.append(
            Site(
                "exceptionSwallowing",
                (first.lineno, last.end_lineno or last.lineno, first.col_offset),
                node,
                "body",
                None,
                [ast.Pass()],
                header + ": " + snippet(body),
                header + ": pass",
            )
        )

    def site_Raise(self, node, parent, field, index):
        self.replace("exceptionSwallowing", node, parent, field, index, ast.Pass())

    def site_For(self, node, parent, field, index):
        head = "for " + snippet(node.target) + " in "
        self.add(
            "zeroIterationLoop",
            node.iter,
            node,
            "iter",
            None,
            ast.List(elts=[], ctx=ast.Load()),
            before=head + snippet(node.iter),
            after=head + "[]",
        )

    def site_Subscript(self, node, parent, field, index):
        slices = [node.slice]
        if isinstance(node.slice, ast.Tuple):
            slices = node.slice.elts
        for piece in slices:
            if not isinstance(piece, ast.Slice):
                continue
            where = piece if hasattr(piece, "lineno") else node
            for part in ("lower", "upper", "step"):
                if getattr(piece, part) is not None:
                    self.add(
                        "sliceIndex",
                        where,
                        piece,
                        part,
                        None,
                        None,
                        before=snippet(node),
                        shown=node,
                    )


def collect(tree):
    collector = Collector()
    collector.visit(tree)
    return collector.sites


def apply(tree, site):
    """The program with the site's one change, and the description's `after` text."""
    holder = site.holder
    if site.index is None:
        old = getattr(holder, site.field)
        setattr(holder, site.field, site.new)
    else:
        items = getattr(holder, site.field)
        old = items[site.index]
        items[site.index] = site.new
    try:
        code = ast.unparse(tree)
        if site.after is not None:
            after = site.after
        else:
            after = snippet(site.new if site.shown is None else site.shown)
    finally:
        if site.index is None:
            setattr(holder, site.field, old)
        else:
            getattr(holder, site.field)[site.index] = old
    return code, after


def constant_key(value):
    if isinstance(value, types.CodeType):
        return ("code", canonical_code(value))
    if isinstance(value, tuple):
        return ("tuple", tuple(constant_key(item) for item in value))
    if isinstance(value, frozenset):
        return ("frozenset", tuple(sorted(repr(constant_key(item)) for item in value)))
    # The type keeps 1, 1.0 and True apart (they are equal as Python values).
    return (type(value).__name__, repr(value))


def canonical_code(code):
    """A code object without its line table, first line number and file name."""
    return (
        code.co_code,
        code.co_names,
        code.co_varnames,
        code.co_freevars,
        code.co_cellvars,
        code.co_argcount,
        code.co_posonlyargcount,
        code.co_kwonlyargcount,
        code.co_nlocals,
        code.co_flags,
        code.co_stacksize,
        code.co_name,
        getattr(code, "co_qualname", None),
        getattr(code, "co_exceptiontable", None),
        tuple(constant_key(constant) for constant in code.co_consts),
    )


def bytecode_form(text):
    """The sha256 of the canonical bytecode of a program; raises when it does not compile."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        code = compile(text, "<focal>", "exec")
    return hashlib.sha256(repr(canonical_code(code)).encode("utf-8", "surrogatepass")).digest()


def mutant_id(operator, line, column, description, code):
    text = "\0".join((operator, str(line), str(column), description, code))
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:16]


def spread(items, limit):
    """``limit`` items evenly spread over ``items``, in order."""
    if limit is None or len(items) <= limit:
        return items
    return [items[rank * len(items) // limit] for rank in range(limit)]


def mutate_source(key, code, limit):
    dropped = {"equivalent": 0, "duplicate": 0, "uncompilable": 0}
    result = {"key": key, "mutants": [], "total": 0, "dropped": dropped}
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            tree = ast.parse(code)
        original = bytecode_form(code)
    except (SyntaxError, ValueError, MemoryError, RecursionError) as error:
        result["error"] = describe_error(error)
        return result
    try:
        # The original as unparse writes it: the same program, though in 3.11 and later its
        # bytecode may differ by the NOPs that keep line events, so a mutant equal to either is
        # equivalent.
        reference = bytecode_form(ast.unparse(tree))
    except Exception as error:
        result["error"] = "the source does not survive ast.unparse: " + describe_error(error)
        return result
    equivalent = {original, reference}
    seen = set()
    sites = collect(tree)
    order = sorted(
        range(len(sites)),
        key=lambda rank: (
            sites[rank].line,
            sites[rank].column,
            OPERATOR_RANK[sites[rank].operator],
            rank,
        ),
    )
    mutants = []
    for rank in order:
        site = sites[rank]
        try:
            text, after = apply(tree, site)
            form = bytecode_form(text)
        except (SyntaxError, ValueError, TypeError, MemoryError, RecursionError):
            dropped["uncompilable"] += 1
            continue
        if form in equivalent:
            dropped["equivalent"] += 1
            continue
        if form in seen:
            dropped["duplicate"] += 1
            continue
        seen.add(form)
        description = "`" + site.before + "` -> `" + after + "`"
        mutants.append(
            {
                "id": mutant_id(site.operator, site.line, site.column, description, text),
                "operator": site.operator,
                "line": site.line,
                "endLine": site.end_line,
                "description": description,
                "code": text,
            }
        )
    result["total"] = len(mutants)
    result["mutants"] = spread(mutants, limit)
    return result


def describe_error(error):
    if isinstance(error, SyntaxError) and error.lineno is not None:
        return "%s: %s (line %d)" % (type(error).__name__, error.msg, error.lineno)
    return "%s: %s" % (type(error).__name__, error)


def fail(message):
    sys.stderr.write("mutate.py: " + message + "\n")
    sys.exit(2)


def main():
    if not hasattr(ast, "unparse"):
        fail("needs Python 3.9 or later (ast.unparse), not " + sys.version.split()[0])
    try:
        request = json.loads(sys.stdin.buffer.read().decode("utf-8", "surrogatepass"))
    except ValueError as error:
        fail("stdin is not JSON: %s" % error)
    if not isinstance(request, dict) or not isinstance(request.get("sources"), list):
        fail('stdin must be {"sources": [{"key": str, "code": str}, ...], "maxMutants"?: int}')
    limit = request.get("maxMutants")
    if limit is not None and (isinstance(limit, bool) or not isinstance(limit, int) or limit < 0):
        fail("maxMutants must be a non-negative integer")
    results = []
    for source in request["sources"]:
        if not (
            isinstance(source, dict)
            and isinstance(source.get("key"), str)
            and isinstance(source.get("code"), str)
        ):
            fail("every source must be {key: str, code: str}")
        sys.stderr.write("mutating " + json.dumps(source["key"]) + "\n")
        sys.stderr.flush()
        results.append(mutate_source(source["key"], source["code"], limit))
    sys.stdout.write(json.dumps({"results": results}))
    sys.stdout.flush()


if __name__ == "__main__":
    main()
