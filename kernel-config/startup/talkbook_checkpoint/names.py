"""Which namespace names a cell could have changed, read from the ast of its source.

A cell changes what it assigns or deletes and may change, in place, whatever it mentions
(`df.dropna(inplace=True)`, `rows.append(x)`). Anything that reaches the namespace by a
string or by IPython's machinery (`exec`, `globals()`, `from m import *`, most magics) makes
the answer "every name": `Analysis.everything` is then set, with the reason.
"""
import ast
from dataclasses import dataclass, field

# Calls that read or write the namespace by name, out of sight of the ast.
NAMESPACE_CALLS = {"exec", "eval", "globals", "vars", "locals", "__import__", "compile", "execfile", "runfile"}
# Line and cell magics that never touch Python variables (`%%bash --out x` does: see below).
INERT_LINE_MAGICS = {
    "matplotlib", "pwd", "ls", "env", "pip", "conda", "who", "whos", "who_ls", "lsmagic", "history",
    "config", "precision", "xmode", "pinfo", "pinfo2", "psource", "pdoc", "pdef", "pfile", "magic",
    "colors", "automagic", "page", "quickref", "doctest_mode", "sx", "system", "cd", "dhist", "pushd",
    "popd", "dirs", "bookmark", "tb", "clear", "sc", "unalias", "alias", "killbgscripts", "load_ext",
}
INERT_CELL_MAGICS = {
    "bash", "sh", "script", "writefile", "file", "html", "HTML", "javascript", "js", "markdown",
    "latex", "svg", "perl", "ruby", "python2", "python3", "pypy", "sx", "system",
}
# Magics that run their argument as Python in the namespace: analysed like any code.
CODE_LINE_MAGICS = {"time", "timeit", "prun"}
CODE_CELL_MAGICS = {"time", "timeit", "prun", "capture"}


@dataclass
class Analysis:
    assigned: set = field(default_factory=set)
    referenced: set = field(default_factory=set)
    everything: bool = False
    reason: str = ""

    @property
    def names(self):
        return self.assigned | self.referenced

    def conservative(self, reason):
        if not self.everything:
            self.everything = True
            self.reason = reason


def analyze(source, transform=None):
    """The names `source` assigns and mentions. `transform` turns IPython syntax into Python
    (IPython's `transform_cell`); by default IPython's own transformer is used."""
    result = Analysis()
    _analyze_into(source, transform or _default_transform(), result, depth=0)
    return result


def _default_transform():
    try:
        from IPython.core.inputtransformer2 import TransformerManager

        return TransformerManager().transform_cell
    except ImportError:  # plain Python: no magics to translate
        return lambda source: source


def _analyze_into(source, transform, result, depth):
    if depth > 4:
        result.conservative("magics nested too deep")
        return
    try:
        tree = ast.parse(transform(source))
    except Exception as error:  # SyntaxError, or IPython's transformer choking on odd input
        result.conservative(f"the cell could not be parsed ({type(error).__name__})")
        return
    _Visitor(result, lambda code: _analyze_into(code, transform, result, depth + 1)).visit(tree)


class _Visitor(ast.NodeVisitor):
    def __init__(self, result, analyze_code):
        self.result = result
        self.analyze_code = analyze_code

    def assign(self, name):
        if name:
            self.result.assigned.add(name)

    def visit_Name(self, node):
        if isinstance(node.ctx, ast.Load):
            self.result.referenced.add(node.id)
        else:
            self.assign(node.id)

    def visit_AugAssign(self, node):
        if isinstance(node.target, ast.Name):
            self.result.referenced.add(node.target.id)  # `total += x` reads total too
        self.generic_visit(node)

    def visit_FunctionDef(self, node):
        self.assign(node.name)
        self.generic_visit(node)

    visit_AsyncFunctionDef = visit_FunctionDef
    visit_ClassDef = visit_FunctionDef

    def visit_Import(self, node):
        for alias in node.names:
            if alias.name == "__main__":
                self.result.conservative("it imports __main__")
            self.assign(alias.asname or alias.name.split(".")[0])

    def visit_ImportFrom(self, node):
        for alias in node.names:
            if alias.name == "*":
                self.result.conservative(f"`from {node.module} import *`")
            else:
                self.assign(alias.asname or alias.name)
        if node.module == "__main__":
            self.result.conservative("it imports from __main__")

    def visit_Global(self, node):
        for name in node.names:
            self.assign(name)

    visit_Nonlocal = visit_Global

    def visit_ExceptHandler(self, node):
        self.assign(node.name)
        self.generic_visit(node)

    def visit_MatchAs(self, node):
        self.assign(node.name)
        self.generic_visit(node)

    def visit_MatchStar(self, node):
        self.assign(node.name)

    def visit_MatchMapping(self, node):
        self.assign(node.rest)
        self.generic_visit(node)

    def visit_Attribute(self, node):
        # `sys.modules["__main__"].x` and `__main__.x` reach the namespace as a module.
        if node.attr == "modules" and isinstance(node.value, ast.Name) and node.value.id == "sys":
            self.result.conservative("it reaches sys.modules")
        if node.attr == "user_ns":
            self.result.conservative("it reaches IPython's user_ns")
        self.generic_visit(node)

    def visit_Call(self, node):
        func = node.func
        if isinstance(func, ast.Name) and func.id in NAMESPACE_CALLS:
            self.result.conservative(f"it calls {func.id}()")
        if isinstance(func, ast.Attribute) and _is_get_ipython(func.value):
            self.ipython_call(func.attr, node)
            for arg in node.args[2:] if func.attr == "run_cell_magic" else []:
                self.visit(arg)
            return
        if isinstance(func, ast.Name) and func.id == "get_ipython":
            # get_ipython() used for something else than a magic: anything can happen.
            self.result.conservative("it uses get_ipython()")
        self.generic_visit(node)

    def ipython_call(self, method, node):
        strings = [arg.value if isinstance(arg, ast.Constant) and isinstance(arg.value, str) else None for arg in node.args]
        if method in ("system", "getoutput"):
            return
        if method == "run_line_magic" and len(strings) >= 2 and strings[0] is not None:
            name, line = strings[0], strings[1]
            if name in INERT_LINE_MAGICS:
                return
            if name in CODE_LINE_MAGICS and line is not None:
                self.analyze_code(_strip_options(line))
                return
            self.result.conservative(f"it runs the magic %{name}")
            return
        if method == "run_cell_magic" and len(strings) >= 3 and strings[0] is not None:
            name, line, cell = strings[0], strings[1] or "", strings[2]
            if name in INERT_CELL_MAGICS and "--out" not in line and "--err" not in line and "--proc" not in line:
                return
            if name in CODE_CELL_MAGICS and cell is not None:
                if name == "capture":
                    target = [word for word in line.split() if not word.startswith("-")]
                    self.assign(target[0] if target else None)
                elif name in ("time", "timeit") and line.strip() and not line.strip().startswith("-"):
                    self.analyze_code(line)
                self.analyze_code(cell)
                return
            self.result.conservative(f"it runs the cell magic %%{name}")
            return
        self.result.conservative(f"it calls get_ipython().{method}")


def _is_get_ipython(node):
    return isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "get_ipython"


def _strip_options(line):
    """`%timeit -n 3 -r 1 f(x)` → `f(x)` (options of %time/%timeit/%prun come first)."""
    words = line.split(" ")
    while words and (words[0] == "" or words[0].startswith("-")):
        option = words.pop(0)
        if option in ("-n", "-r", "-s", "-p", "-T", "-D", "-l") and words:
            words.pop(0)
    return " ".join(words)


def code_global_names(code, limit=10_000):
    """Every global name a function's code (and the functions nested in it) can look up."""
    names = set()
    stack = [code]
    while stack and len(names) < limit:
        current = stack.pop()
        names.update(current.co_names)
        stack.extend(const for const in current.co_consts if hasattr(const, "co_names"))
    return names
