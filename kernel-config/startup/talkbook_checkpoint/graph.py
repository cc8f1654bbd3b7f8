"""Co-variables: variables that share a mutable object are saved (pickled) together, so a
restore keeps `a is b` after `b = a`, a view with its base and a class with its instances.

The walk follows `gc.get_referents` from each variable, plus what the garbage collector does
not show (an array's `base`, the elements of a small object array, a function's defaults and
closure but never its globals). It stops at modules and at everything importable by name
(library functions and classes are pickled by reference, so sharing them means nothing), and
does not count immutable objects (numbers, strings, tuples, pandas indexes) as shared: many
variables hold the same small int or index without being linked.
"""
import gc
import sys
import types
import weakref

ATOMS = {int, float, complex, str, bytes, bool, type(None), range, type(Ellipsis), type(NotImplemented), slice}
OPAQUE = (
    types.ModuleType, types.BuiltinFunctionType, types.MethodWrapperType, types.WrapperDescriptorType,
    types.MethodDescriptorType, types.GetSetDescriptorType, types.MemberDescriptorType, types.CodeType,
    types.ClassMethodDescriptorType, weakref.ReferenceType, weakref.ProxyType, weakref.CallableProxyType,
)
NOT_SHARED = (tuple, frozenset)
# Immutable library objects that pandas shares between frames: never links between variables.
IMMUTABLE_PREFIXES = ("pandas.core.indexes", "pandas._libs.internals.BlockPlacement", "pandas.core.dtypes", "pandas._libs.tslibs")
MAX_VISITS = 1_000_000
MAX_OBJECT_ARRAY = 100_000


class Walk:
    """What one variable reaches: object ids that can be shared and, from functions written in
    the session, the global names their code can look up (and so change when called)."""

    __slots__ = ("ids", "global_names", "truncated")

    def __init__(self):
        self.ids = set()
        self.global_names = set()
        self.truncated = False


def stop_ids(user_ns):
    """Dicts a walk never enters: the namespace itself and every module's globals."""
    ids = {id(user_ns)}
    for module in list(sys.modules.values()):
        namespace = getattr(module, "__dict__", None)
        if isinstance(namespace, dict):
            ids.add(id(namespace))
    return ids


def walk(root, stop, max_visits=MAX_VISITS):
    from .names import code_global_names

    result = Walk()
    seen = set()
    stack = [root]
    visits = 0
    numpy = sys.modules.get("numpy")
    ndarray = getattr(numpy, "ndarray", None)
    dtype = getattr(numpy, "dtype", None)
    while stack:
        obj = stack.pop()
        kind = type(obj)
        if kind in ATOMS:
            continue
        key = id(obj)
        if key in seen or key in stop:
            continue
        visits += 1
        if visits > max_visits:
            result.truncated = True
            break
        seen.add(key)
        if isinstance(obj, OPAQUE):
            continue
        if isinstance(obj, type):
            if obj.__module__ != "__main__":
                continue
            result.ids.add(key)
            stack.extend(gc.get_referents(obj))
            continue
        if kind is types.FunctionType:
            if obj.__module__ != "__main__":
                continue
            result.ids.add(key)
            result.global_names |= code_global_names(obj.__code__)
            stack.extend((obj.__defaults__, obj.__kwdefaults__, obj.__dict__))
            stack.extend(cell.cell_contents for cell in obj.__closure__ or () if _has_contents(cell))
            continue
        if kind is types.MethodType:
            stack.extend((obj.__func__, obj.__self__))
            continue
        qualified = f"{getattr(kind, '__module__', '')}.{kind.__qualname__}"
        if qualified.startswith(IMMUTABLE_PREFIXES) or (dtype is not None and isinstance(obj, dtype)):
            continue  # immutable: shared by many frames and series without linking them
        if ndarray is not None and isinstance(obj, ndarray):
            result.ids.add(key)
            if obj.base is not None:
                stack.append(obj.base)
            if obj.dtype.hasobject and obj.size <= MAX_OBJECT_ARRAY:
                stack.extend(obj.ravel(order="K").tolist())
            continue
        if not isinstance(obj, NOT_SHARED):
            result.ids.add(key)
        stack.extend(gc.get_referents(obj))
    return result


def _has_contents(cell):
    try:
        cell.cell_contents
        return True
    except ValueError:  # an empty cell (a closure variable not assigned yet)
        return False


def co_variable_groups(walks):
    """Group names (a dict name → Walk) whose walks share an id; each group sorted, groups in
    the order of their first name."""
    parent = {name: name for name in walks}

    def find(name):
        while parent[name] != name:
            parent[name] = parent[parent[name]]
            name = parent[name]
        return name

    owner = {}
    for name in sorted(walks):
        for key in walks[name].ids:
            other = owner.setdefault(key, name)
            if other != name:
                a, b = find(other), find(name)
                if a != b:
                    parent[max(a, b)] = min(a, b)
    groups = {}
    for name in sorted(walks):
        groups.setdefault(find(name), []).append(name)
    return [groups[key] for key in sorted(groups)]
