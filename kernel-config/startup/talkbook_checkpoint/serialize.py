"""Pickling one group of co-variables: `pickle` protocol 5 with big buffers (numpy arrays,
pandas blocks) out of band, so they are hashed and written straight from memory, never copied
into the pickle stream; `dill` for what `pickle` cannot do right (functions, lambdas and classes
written in the session, which `pickle` would save by a name the next kernel does not have).

Some objects are refused with a reason a person understands instead of being pickled wrongly:
dill would reopen a file (truncating one opened for writing) and cannot resume a generator.
"""
import io
import pickle
import sys
import types

PROTOCOL = 5
IN_BAND_MAX = 64 * 1024


class NeedsDill(Exception):
    """Raised inside `pickle` when the group holds something only dill saves correctly."""


class Refused(pickle.PicklingError):
    """An object that cannot be checkpointed, with a reason for the person."""


def refusal(obj):
    """Why `obj` cannot be checkpointed, or None."""
    kind = type(obj)
    if isinstance(obj, io.IOBase):
        name = getattr(obj, "name", None)
        mode = getattr(obj, "mode", None)
        detail = f" {name!r}" if isinstance(name, str) else ""
        detail += f" (mode {mode!r})" if isinstance(mode, str) else ""
        return f"an open file{detail}" if not getattr(obj, "closed", False) else None
    if kind is types.GeneratorType:
        return "a generator (where it stopped cannot be saved)"
    if kind in (types.CoroutineType, types.AsyncGeneratorType):
        return "a coroutine (where it stopped cannot be saved)"
    if kind in (types.FrameType, types.TracebackType):
        return "a stack frame"
    module = getattr(kind, "__module__", "") or ""
    if module in ("socket", "ssl"):
        return "an open network socket"
    if module == "sqlite3" or module.startswith(("psycopg", "pymysql", "sqlalchemy.engine")):
        return f"a database {kind.__name__.lower()} ({module}.{kind.__name__})"
    threading = sys.modules.get("threading")
    if threading is not None and isinstance(obj, threading.Thread):
        return "a thread"
    subprocess = sys.modules.get("subprocess")
    if subprocess is not None and isinstance(obj, subprocess.Popen):
        return "a running process"
    return None


class _Buffers:
    """buffer_callback: small buffers stay in the stream, big ones are kept out of band."""

    def __init__(self):
        self.views = []

    def __call__(self, buffer):
        view = buffer.raw()
        if view.nbytes <= IN_BAND_MAX:
            return True
        self.views.append(view)
        return False


class _Pickler(pickle.Pickler):
    def reducer_override(self, obj):
        if isinstance(obj, (types.FunctionType, type)) and getattr(obj, "__module__", None) == "__main__":
            raise NeedsDill()
        reason = refusal(obj)
        if reason:
            raise Refused(reason)
        return NotImplemented


def _dill_pickler_class():
    import dill

    class DillPickler(dill.Pickler):
        def reducer_override(self, obj):
            reason = refusal(obj)
            if reason:
                raise Refused(reason)
            numpy = sys.modules.get("numpy")
            # dill copies arrays into the stream; numpy's own reduction keeps them out of band.
            if numpy is not None and type(obj) is numpy.ndarray and not obj.dtype.hasobject:
                return obj.__reduce_ex__(PROTOCOL)
            return NotImplemented

    return DillPickler


def dump_group(values, out):
    """Pickle the dict `values` into the writable `out`; returns (pickler name, big buffers).
    `out` must be rewindable (`truncate`) so a retry with dill starts from scratch."""
    buffers = _Buffers()
    try:
        _Pickler(out, protocol=PROTOCOL, buffer_callback=buffers).dump(values)
        return "pickle", buffers.views
    except Refused:
        raise
    except Exception:  # NeedsDill, or pickle refused: dill may do better
        pass
    out.seek(0)
    out.truncate()
    buffers = _Buffers()
    _dill_pickler_class()(out, protocol=PROTOCOL, buffer_callback=buffers).dump(values)
    return "dill", buffers.views


def load_group(data, buffers, pickler):
    if pickler == "dill":
        import dill

        return dill.loads(data, buffers=buffers)
    return pickle.loads(data, buffers=buffers)


def describe_error(error):
    if isinstance(error, Refused):
        return str(error)
    text = str(error)
    return f"{type(error).__name__}: {text}"[:500] if text else type(error).__name__
