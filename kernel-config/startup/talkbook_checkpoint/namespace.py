"""The person's variables in IPython's namespace: `user_ns` without IPython's own names."""
import re
import types

IPYTHON_NAMES = {"In", "Out", "exit", "quit", "get_ipython", "_ih", "_oh", "_dh", "_sh", "_exit_code"}
# `_`, `__`, `___`, `_i`, `_ii`, `_iii`, `_i12`, `_12` and every dunder name.
IPYTHON_PATTERN = re.compile(r"_{1,3}|_i{1,3}|_i\d+|_\d+|__\w*__")


def user_names(user_ns, hidden=None):
    """Names the person defined (theirs even when they start with `_`, like `_cache`)."""
    hidden = hidden or {}
    names = []
    for name, value in list(user_ns.items()):
        if not isinstance(name, str) or name in IPYTHON_NAMES or IPYTHON_PATTERN.fullmatch(name):
            continue
        if name in hidden and hidden[name] is value:
            continue
        names.append(name)
    return names


def module_name(value):
    """The importable name of a module bound to a variable (`pd` → `pandas`), else None."""
    if not isinstance(value, types.ModuleType):
        return None
    name = getattr(value, "__name__", None)
    return name if isinstance(name, str) and name and name != "__main__" else None


def is_session_defined(value):
    """A function or class written in the session (not importable by name: dill saves it by value)."""
    if isinstance(value, (types.FunctionType, type)):
        return getattr(value, "__module__", None) == "__main__"
    return False
