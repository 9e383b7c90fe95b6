"""Analysis of the Python code in a policy's answer, for CodeRM-NT's tree search.

Reads a JSON list of code strings on stdin and writes, for each, a JSON object:

- ``parses``: whether the code parses (``ast.parse``);
- ``function``: the code up to the end of its last top-level ``def`` or ``class`` (stripped),
  or null where it has none;
- ``suffix``: the code after it (stripped), or null;
- ``segments``: the function (the whole code where it has no definition) cut into a chain of
  segments; null where the code does not parse.

A segment is a run of logical lines (as ``tokenize`` sees them: comments and blank lines belong
to the statement after them). A segment ends after a ``print`` whose positional arguments read
some value (a name, an attribute, a call: anything in load context), consecutive such prints
staying together, and before a line indented less than the line above it. The segments joined
with newlines give the function back.

Runs with the standard library only (``python -I -S``).
"""

import ast
import io
import json
import sys
import tokenize

DEFINITIONS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)


def split_function(code):
    """(function, suffix): the code through its last top-level definition, and the rest."""
    end_line = None
    for statement in ast.parse(code).body:
        if isinstance(statement, DEFINITIONS):
            end_line = statement.end_lineno
    if end_line is None:
        return None, None
    lines = code.split("\n")
    return "\n".join(lines[:end_line]).strip(), "\n".join(lines[end_line:]).strip()


def prints_a_value(statement):
    """Whether a logical line is a print whose positional arguments load a value."""
    text = statement.lstrip()
    if not text.startswith("print"):
        return False
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError):
        return False
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            if node.func.id != "print":
                continue
            return any(
                isinstance(inner, ast.Load)
                for argument in node.args
                for inner in ast.walk(argument)
            )
    return False


def logical_lines(code):
    """The code cut after every NEWLINE token, each piece without its final newline."""
    line_offsets = [0]
    for line in code.split("\n"):
        line_offsets.append(line_offsets[-1] + len(line) + 1)
    cuts = [0]
    for token in tokenize.generate_tokens(io.StringIO(code).readline):
        if token.type == tokenize.NEWLINE:
            row, column = token.end
            cuts.append(min(line_offsets[row - 1] + column, len(code)))
    pieces = [code[cuts[index] : cuts[index + 1]] for index in range(len(cuts) - 1)]
    pieces = [piece[:-1] if piece.endswith("\n") else piece for piece in pieces]
    rest = code[cuts[-1] :]
    if rest.strip():
        # Comments after the last statement: kept with it, so that no text is lost.
        if pieces:
            pieces[-1] += "\n" + rest
        else:
            pieces.append(rest)
    return pieces


def indentation(line):
    return len(line) - len(line.lstrip(" "))


def segments_of(function):
    """The chain of segments of a function's code."""
    try:
        lines = logical_lines(function)
    except (tokenize.TokenError, SyntaxError, ValueError):
        return [function]
    groups, current = [], []
    for line in lines:
        current.append(line)
        if prints_a_value(line):
            groups.append(current)
            current = []
    if current:
        groups.append(current)
    merged = []
    for group in groups:
        if merged and group[0].lstrip().startswith("print"):
            merged[-1].extend(group)
        else:
            merged.append(group)
    segments = []
    for group in merged:
        current, previous = [], 0
        for line in group:
            if line.strip():
                indent = indentation(line)
                if indent < previous:
                    segments.append("\n".join(current))
                    current = []
                previous = indent
            current.append(line)
        if current:
            segments.append("\n".join(current))
    return segments


def analyze(code):
    try:
        ast.parse(code)
    except (SyntaxError, ValueError, MemoryError, RecursionError):
        return {"parses": False, "function": None, "suffix": None, "segments": None}
    function, suffix = split_function(code)
    return {
        "parses": True,
        "function": function,
        "suffix": suffix,
        "segments": segments_of(code.strip() if function is None else function),
    }


def main():
    codes = json.load(sys.stdin)
    json.dump([analyze(code) for code in codes], sys.stdout)


if __name__ == "__main__":
    main()
