"""The `talkbook.checkpoints` comm target: one request per comm, like `talkbook.files`.

Talkbook opens a comm whose data is {"op": ..., ...} (blob bytes in the message's buffers);
the kernel answers with one message, {"ok": true, ...} (blob bytes in its buffers) or
{"ok": false, "code": ..., "message": ...}, and closes the comm. Every op and its reply are
listed in kernel-config/startup/talkbook_checkpoint/README.md.
"""
import os

from .budget import thin
from .engine import Engine, Options
from .restore import restore, undo
from .store import StoreError, blobs_of
from .transfer import export, import_manifest, missing_blobs, put_blob, read_blob

TARGET = "talkbook.checkpoints"
VERSION = 1


def describe(engine):
    return {
        "version": VERSION,
        "folder": engine.store.folder,
        "workspace": engine.workspace.root,
        "head": engine.head,
        "totalBytes": engine.store.total_bytes(),
        "budgetBytes": engine.options.budget_bytes,
    }


def op_list(engine, request, buffers):
    store = engine.store
    store.refresh()
    checkpoints = []
    for manifest in sorted(store.manifests.values(), key=lambda m: (m.get("seq", 0), m["id"])):
        blobs = {blob for blob, _ in blobs_of(manifest)}
        checkpoints.append({
            "id": manifest["id"],
            "seq": manifest["seq"],
            "parent": manifest.get("parent"),
            "cellId": manifest.get("cellId"),
            "createdAt": manifest.get("createdAt"),
            "bytes": sum(store.sizes.get(blob, 0) for blob in blobs) + store.manifest_bytes.get(manifest["id"], 0),
            "variables": sum(len(group["names"]) for group in manifest["groups"]) + len(manifest["modules"]),
            "unsaved": [entry["name"] for entry in manifest["unsaved"]],
            "files": len(manifest["files"]),
        })
    return dict(describe(engine), checkpoints=checkpoints), []


def op_drop(engine, request, buffers):
    store = engine.store
    dropped = []
    for checkpoint_id in _strings(request.get("ids"), "ids"):
        store.manifest_path(checkpoint_id)
        manifest = store.manifests.get(checkpoint_id)
        if manifest is None:
            continue
        store.delete_manifest(checkpoint_id)
        store.collect([blob for blob, _ in blobs_of(manifest)])
        dropped.append(checkpoint_id)
        if checkpoint_id == engine.head:
            engine._now_at(None, engine.user_ns, [])  # the next checkpoint is a full one
    return {"dropped": dropped, "totalBytes": store.total_bytes()}, []


def op_thin(engine, request, buffers):
    budget = request.get("budgetBytes")
    budget = engine.options.budget_bytes if budget is None else _int(budget, "budgetBytes")
    head = engine.store.manifests.get(engine.head) if engine.head else None
    dropped = thin(engine.store, budget, engine.options.keep_recent, {engine.head, head and head.get("parent")})
    engine.store.collect_orphans()
    return {"dropped": dropped, "totalBytes": engine.store.total_bytes()}, []


def op_read_blob(engine, request, buffers):
    data = read_blob(engine.store, request.get("hash"), _int(request.get("offset", 0), "offset"), _int(request.get("length", 0), "length"))
    return {"size": len(data)}, [data]


def op_put_blob(engine, request, buffers):
    reply = put_blob(engine.store, request.get("hash"), _int(request.get("offset", 0), "offset"), bool(request.get("final")), buffers)
    return reply, []


OPS = {
    "hello": lambda engine, request, buffers: (describe(engine), []),
    "save": lambda engine, request, buffers: (engine.save(_optional(request.get("cellId")), _optional(request.get("source")), bool(request.get("ifSucceeded"))), []),
    "restore": lambda engine, request, buffers: (restore(engine, request.get("id"), bool(request.get("files")), request.get("lazy", True) is not False), []),
    "undo": lambda engine, request, buffers: (undo(engine, request.get("id"), bool(request.get("files", True))), []),
    "list": op_list,
    "drop": op_drop,
    "thin": op_thin,
    "export": lambda engine, request, buffers: (export(engine.store, request.get("id")), []),
    "read_blob": op_read_blob,
    "has_blobs": lambda engine, request, buffers: ({"missing": missing_blobs(engine.store, _strings(request.get("hashes"), "hashes"))}, []),
    "put_blob": op_put_blob,
    "import": lambda engine, request, buffers: (import_manifest(engine.store, request.get("checkpoint")), []),
}


def handle(engine, request, buffers):
    """(reply, buffers) for one request; never raises."""
    out = []
    try:
        if not isinstance(request, dict):
            raise StoreError("bad_request", "A checkpoint request is an object.")
        op = OPS.get(request.get("op"))
        if op is None:
            raise StoreError("bad_request", f"Unknown checkpoint request {request.get('op')!r}.")
        reply, out = op(engine, request, buffers)
        reply["ok"] = True
    except StoreError as error:
        reply = {"ok": False, "code": error.code, "message": error.message}
    except BaseException as error:  # reported to Talkbook, never to the cell
        reply = {"ok": False, "code": "failed", "message": f"{type(error).__name__}: {error}"[:2000]}
    return reply, out


def serve(folder, workspace=None, budget_mb=2048, file_max_mb=64, keep_recent=8, shell=None):
    """Start checkpointing this kernel into `folder`: follow its cells and answer requests on
    the `talkbook.checkpoints` comm target. Calling it again replaces the engine."""
    if shell is None:
        from IPython import get_ipython

        shell = get_ipython()
    options = Options(budget_mb=budget_mb, file_max_mb=file_max_mb, keep_recent=keep_recent)
    engine = Engine(folder, shell.user_ns, workspace or os.getcwd(), options, hidden=shell.user_ns_hidden, transform=shell.transform_cell)
    follow_cells(shell, engine)
    _note_password_answers(shell, engine)

    def answer(comm, message):
        reply, out = handle(engine, message["content"]["data"], message.get("buffers") or [])
        comm.send(reply, buffers=out)
        comm.close()

    _comm_manager(shell).register_target(TARGET, answer)
    return engine


def _note_password_answers(shell, engine):
    """Tell `engine` each answer to a password prompt (ipykernel's `getpass`, which `getpass.getpass`
    is during a cell), so it never writes a variable holding one to disk."""
    kernel = getattr(shell, "kernel", None)
    if kernel is None or not hasattr(kernel, "getpass"):
        return
    original = getattr(kernel, "_talkbook_original_getpass", None) or kernel.getpass
    kernel._talkbook_original_getpass = original

    def getpass(*args, **kwargs):
        answer = original(*args, **kwargs)
        engine.note_secret(answer)
        return answer

    kernel.getpass = getpass


def follow_cells(shell, engine):
    """Let `engine` see every cell the person runs (not silent ones: Talkbook's own), replacing
    the engine that followed them before."""
    previous = getattr(shell, "_talkbook_checkpoints", None)
    if previous is not None:
        for event, callback in previous["hooks"]:
            try:
                shell.events.unregister(event, callback)
            except ValueError:
                pass

    def before(info):
        try:
            engine.before_cell(getattr(info, "raw_cell", None))
        except Exception:
            engine.before_files = None

    def after(result):
        info = getattr(result, "info", None)
        try:
            engine.after_cell(getattr(info, "raw_cell", "") or "", getattr(result, "success", False))
        except Exception:
            engine.pending_everything = True

    hooks = [("pre_run_cell", before), ("post_run_cell", after)]
    for event, callback in hooks:
        shell.events.register(event, callback)
    shell._talkbook_checkpoints = {"engine": engine, "hooks": hooks}


def _comm_manager(shell):
    manager = getattr(getattr(shell, "kernel", None), "comm_manager", None)
    if manager is None:
        from comm import get_comm_manager

        manager = get_comm_manager()
    return manager


def _optional(value):
    return value if isinstance(value, str) else None


def _strings(value, what):
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value) or len(value) > 100_000:
        raise StoreError("bad_request", f"{what} is a list of strings.")
    return value


def _int(value, what):
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise StoreError("bad_request", f"{what} is a non-negative integer.")
    return value
