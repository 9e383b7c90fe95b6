"""Line coverage of the candidate program (requests with "coverage": true), as coverage.py
defines it.

The harness process decides which lines are executable (`analyze_lines`, from the program text
and its compiled code; trusted: the candidate never sees it) and turns the line numbers a
candidate process reports into covered statements (`LineTable.covered`). A candidate process
records the lines its program runs (`start_tracer`): sys.monitoring LINE events on the program's
code objects on Python 3.12 and later (each location reports once, then is disabled until the
next test), sys.settrace on earlier versions (only frames of code compiled under
CANDIDATE_FILENAME). Nothing here runs when coverage is not asked for.

Executable lines follow coverage.py 6.5's PythonParser (the Debian/Ubuntu python3-coverage):
every line number in the line tables (co_lines, else co_lnotab) of the module's code object and
all code objects nested in it, minus docstrings (a string token first on an indented line, or
first in the module), minus excluded lines (the default exclusion regex, `# pragma: no cover`,
and the whole suite of an excluded line that opens one, decorators included), each folded to the
first line of its statement (multi-line statements; on Python 3.10+ line 1 folds to the first
statement, as coverage.py does). Covered lines are the lines run, folded the same way, that are
executable.
"""

import re
import sys
import token
import tokenize

CANDIDATE_FILENAME = "<candidate>"  # what the harness process compiles the program as
# coverage.py's default `exclude_lines`
DEFAULT_EXCLUDE = re.compile(r"#\s*(pragma|PRAGMA)[:\s]?\s*(no|NO)\s*(cover|COVER)")
# coverage.py's env.PYBEHAVIOR.module_firstline_1 (PEP 626 line numbers)
_MODULE_FIRSTLINE_1 = sys.implementation.name == "cpython" and sys.version_info >= (3, 10)
USES_MONITORING = hasattr(sys, "monitoring")


class LineTable:
    """The executable lines of one program and how raw line numbers fold onto them."""

    __slots__ = ("executable", "executable_set", "first_lines", "line_count")

    def __init__(self, executable, first_lines, line_count):
        self.executable = executable  # sorted list of line numbers (1-based)
        self.executable_set = frozenset(executable)
        self.first_lines = first_lines  # line of a multi-line statement -> its first line
        self.line_count = line_count  # lines of the program text: no line number lies beyond

    def covered(self, lines):
        """The executable lines among the raw line numbers `lines` (ints), folded, sorted."""
        first = self.first_lines.get
        executable = self.executable_set
        return sorted({first(line, line) for line in lines} & executable)


def code_objects(code):
    """`code` and every code object nested in it (coverage.py's bytecode.code_objects)."""
    stack = [code]
    while stack:
        code = stack.pop()
        for constant in code.co_consts:
            if type(constant) is type(code):
                stack.append(constant)
        yield code


def line_numbers(code):
    """The line numbers in one code object's line table (coverage.py's ByteParser)."""
    if hasattr(code, "co_lines"):
        for _, _, line in code.co_lines():
            if line:
                yield line
        return
    table = code.co_lnotab  # Python 3.8 and 3.9
    last = None
    line = code.co_firstlineno
    for byte_increment, line_increment in zip(table[0::2], table[1::2]):
        if byte_increment:
            if line != last:
                yield line
                last = line
        if line_increment >= 0x80:
            line_increment -= 0x100
        line += line_increment
    if line != last:
        yield line


def normalize_source(text):
    """The program text as coverage.py reads a source file: newlines as \\n, form feeds as
    spaces, a final newline."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\f", " ")
    if text and text[-1] != "\n":
        text += "\n"
    return text


def analyze_lines(text, code):
    """The LineTable of a program: `text` its source, `code` what it compiled to."""
    text = normalize_source(text)
    lines = text.split("\n")
    line_count = len(lines)
    raw_excluded = {number for number, line in enumerate(lines, 1) if DEFAULT_EXCLUDE.search(line)}
    raw_docstrings = set()
    multiline = {}
    raw_statements = set()
    try:
        empty = _scan_tokens(text, raw_excluded, raw_docstrings, multiline)
    except (tokenize.TokenError, IndentationError, SyntaxError):
        # coverage.py gives up on such a file; the line tables alone are the best guess
        empty = False
        raw_excluded.clear()
        raw_docstrings.clear()
        multiline.clear()
    if not empty:
        for nested in code_objects(code):
            raw_statements.update(line_numbers(nested))
    if _MODULE_FIRSTLINE_1 and multiline and raw_statements:
        multiline[1] = min(raw_statements)
    first = multiline.get
    excluded = {first(line, line) for line in raw_excluded}
    ignore = excluded | raw_docstrings
    starts = raw_statements - ignore
    statements = {first(line, line) for line in starts} - ignore
    return LineTable(sorted(statements), multiline, line_count)


def line_table_of(text, code):
    """analyze_lines(text, code), or where the text defeats the analysis (nothing that compiles
    should), every line in the line tables."""
    try:
        return analyze_lines(text, code)
    except Exception:
        lines = set()
        for nested in code_objects(code):
            lines.update(line_numbers(nested))
        return LineTable(sorted(lines), {}, len(normalize_source(text).split("\n")))


def _scan_tokens(text, raw_excluded, raw_docstrings, multiline):
    """coverage.py's PythonParser._raw_parse over the tokens: excluded suites, docstrings and
    multi-line statements, into the given collections. Returns whether the text is empty."""
    indent = 0
    exclude_indent = 0
    excluding = False
    excluding_decorators = False
    prev_toktype = token.INDENT
    first_line = None
    empty = True
    first_on_line = True
    nesting = 0
    readline = iter(text.splitlines(True)).__next__
    for toktype, ttext, (slineno, _), (elineno, _), _ in tokenize.generate_tokens(readline):
        if toktype == token.INDENT:
            indent += 1
        elif toktype == token.DEDENT:
            indent -= 1
        elif toktype == token.OP:
            if ttext == ":" and nesting == 0:
                should_exclude = (elineno in raw_excluded) or excluding_decorators
                if not excluding and should_exclude:
                    # the suite this line opens is excluded (the colon's line carries the pragma)
                    raw_excluded.add(elineno)
                    exclude_indent = indent
                    excluding = True
                    excluding_decorators = False
            elif ttext == "@" and first_on_line:
                if elineno in raw_excluded:
                    excluding_decorators = True
                if excluding_decorators:
                    raw_excluded.add(elineno)
            elif ttext in "([{":
                nesting += 1
            elif ttext in ")]}":
                nesting -= 1
        elif toktype == token.STRING and prev_toktype == token.INDENT:
            # a string first on an indented line (or first in the module) is a docstring
            raw_docstrings.update(range(slineno, elineno + 1))
        elif toktype == token.NEWLINE:
            if first_line is not None and elineno != first_line:
                for line in range(first_line, elineno + 1):
                    multiline[line] = first_line
            first_line = None
            first_on_line = True
        if ttext.strip() and toktype != tokenize.COMMENT:
            empty = False
            if first_line is None:
                first_line = slineno
                if excluding and indent <= exclude_indent:
                    excluding = False
                if excluding:
                    raw_excluded.add(elineno)
                first_on_line = False
        prev_toktype = toktype
    return empty


# ---- the candidate process's side ------------------------------------------------------------
class _Tracer:
    """Records the line numbers the candidate program runs, test by test."""

    __slots__ = ("lines", "line_count", "_restart")

    def __init__(self, line_count, restart):
        self.lines = set()
        self.line_count = line_count
        self._restart = restart

    def reset(self):
        """Forgets the lines run so far: the next test starts from none."""
        self._restart()
        self.lines.clear()

    def assume(self, lines):
        """Forgets the lines run so far and takes `lines` as the current test's."""
        self.reset()
        self.lines.update(lines)

    def snapshot(self):
        """The lines run since the last reset: a sorted list of ints within the program."""
        limit = self.line_count
        return sorted(line for line in list(self.lines) if type(line) is int and 0 < line <= limit)


def start_tracer(program, line_count):
    """Starts recording the lines of `program` (a code object, and the code nested in it) that
    run in this process; returns the tracer. Call it before the program runs."""
    if USES_MONITORING:
        tracer = _start_monitoring(program, line_count)
        if tracer is not None:
            return tracer
    return _start_settrace(line_count)


def _start_monitoring(program, line_count):
    monitoring = sys.monitoring
    tool = None
    for candidate_tool in (monitoring.COVERAGE_ID,) + tuple(range(6)):
        try:
            monitoring.use_tool_id(candidate_tool, "coderm coverage")
        except ValueError:
            continue
        tool = candidate_tool
        break
    if tool is None:
        return None
    tracer = _Tracer(line_count, monitoring.restart_events)  # locations disabled report again
    add = tracer.lines.add
    disable = monitoring.DISABLE

    def on_line(code, line):
        add(line)
        return disable

    line_event = monitoring.events.LINE
    monitoring.register_callback(tool, line_event, on_line)
    for code in code_objects(program):
        monitoring.set_local_events(tool, code, line_event)
    return tracer


def _start_settrace(line_count):
    lines = set()
    add = lines.add
    filename = CANDIDATE_FILENAME

    def local_trace(frame, event, arg):
        if event == "line":
            add(frame.f_lineno)
        return local_trace

    def global_trace(frame, event, arg):
        if frame.f_code.co_filename == filename:
            return local_trace
        return None

    def install():
        # again at each test: Python drops a trace function that raised (the test's timer can
        # fire inside it), and the candidate may have replaced it
        sys.settrace(global_trace)
        threading = sys.modules.get("threading")
        if threading is not None:
            threading.settrace(global_trace)

    install()
    tracer = _Tracer(line_count, install)
    tracer.lines = lines
    return tracer
