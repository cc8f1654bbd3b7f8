"""Bringing a checkpoint back into the running kernel: its variables, its modules, its random
state and, when asked, its workspace files.

Into a fresh kernel everything is loaded. Into a kernel whose variables still match the
checkpoint it came from (`engine.head`, with no cell run since), only the groups that differ
are loaded: undoing `df = df.dropna()` reads the old `df` back and nothing else, and an open
file or a connection that did not change stays as it is.

What cannot come back is reported by name with the reason, and `replay` lists the cells that
would rebuild it, in order (each one that last assigned a missing name, and so on for the
missing names those cells read).
"""
import importlib
import time

from . import rng
from .namespace import module_name, user_names
from .serialize import describe_error, load_group
from .store import StoreError


MAP_AT_LEAST = 16 * 1024 * 1024


def restore(engine, checkpoint_id, files=False, lazy=True):
    """With `lazy`, buffers of 16 MiB and more are mapped from their blob files instead of
    read (see Store.map): a 500 MB frame is back at once and its pages load as they are used."""
    started = time.perf_counter()
    manifest = engine.store.manifest(checkpoint_id)
    ns = engine.user_ns
    head = engine.store.manifests.get(engine.head) if engine.head else None
    live = head is not None and not engine.pending_everything
    dirty = engine.pending if live else set()
    present = set(user_names(ns, engine.hidden))

    def unchanged(name):
        return live and name in present and name not in dirty and engine.live.get(name) == id(ns[name])

    same_groups = {_group_key(group) for group in head["groups"]} if live else set()
    head_unsaved = {entry["name"] for entry in head["unsaved"]} if live else set()
    wanted = {name for group in manifest["groups"] for name in group["names"]}
    wanted |= set(manifest["modules"]) | {entry["name"] for entry in manifest["unsaved"]}

    removed = sorted(name for name in present if name not in wanted)
    for name in removed:
        del ns[name]

    restored, kept, missing = [], [], []
    bytes_read = bytes_mapped = 0
    for group in manifest["groups"]:
        if _group_key(group) in same_groups and all(unchanged(name) for name in group["names"]):
            kept += group["names"]
            continue
        try:
            data = engine.store.read(group["pickle"])
            buffers = []
            for blob in group["buffers"]:
                size = engine.store.sizes.get(blob, 0)
                buffers.append(_mapped(engine.store, blob) if lazy and size >= MAP_AT_LEAST else None)
                if buffers[-1] is None:
                    buffers[-1] = engine.store.read(blob)
                    bytes_read += size
                else:
                    bytes_mapped += size
            bytes_read += len(data)
            values = load_group(data, buffers, group["pickler"])
        except Exception as error:
            for name in group["names"]:
                ns.pop(name, None)
                missing.append({"name": name, "reason": f"it could not be loaded: {describe_error(error)}"})
            continue
        for name in group["names"]:
            ns[name] = values[name]
        restored += group["names"]

    for name, module in manifest["modules"].items():
        if module_name(ns.get(name)) == module:
            kept.append(name)
            continue
        try:
            ns[name] = importlib.import_module(module)
            restored.append(name)
        except BaseException as error:  # an import can raise anything, SystemExit included
            ns.pop(name, None)
            missing.append({"name": name, "reason": f"import {module} failed: {describe_error(error)}"})

    for entry in manifest["unsaved"]:
        name = entry["name"]
        if name in head_unsaved and unchanged(name):
            kept.append(name)  # still alive in this kernel: the open file stays open
            continue
        ns.pop(name, None)
        missing.append({"name": name, "reason": entry["reason"]})

    if manifest.get("random"):
        rng.restore(engine.store.read(manifest["random"]))

    missing_names = {item["name"] for item in missing}
    replay, unknown = replay_plan(manifest["lineage"], missing_names)
    for item in missing:
        item["cellId"] = (manifest["lineage"].get(item["name"]) or {}).get("cellId")

    result = {
        "id": checkpoint_id,
        "restored": sorted(restored),
        "kept": sorted(kept),
        "removed": removed,
        "missing": sorted(missing, key=lambda item: item["name"]),
        "replay": replay,
        "unknown": unknown,
        "bytesRead": bytes_read,
        "bytesMapped": bytes_mapped,
    }
    if files:
        current, _ = engine.workspace.scan()
        written, left = engine.workspace.write_back(manifest["files"], current)
        result["files"] = {"written": written, "deleted": [], "left": left, "extra": sorted(set(current) - set(manifest["files"]))}
    engine._now_at(checkpoint_id, ns, user_names(ns, engine.hidden))
    # What could not be restored is not what the checkpoint says: the next save looks again.
    engine.pending |= missing_names
    seconds = time.perf_counter() - started
    result["ms"] = round(seconds * 1000, 2)
    result["mbPerS"] = round(bytes_read / 1e6 / seconds, 1) if bytes_read and seconds > 0 else None
    return result


def undo(engine, checkpoint_id, files=True):
    """The state before the cell of `checkpoint_id`: the variables of the checkpoint before it
    (none for the first cell) and the files that cell created, changed or deleted put back."""
    manifest = engine.store.manifest(checkpoint_id)
    parent = manifest.get("parent")
    if parent:
        try:
            result = restore(engine, parent, files=False)
        except StoreError as error:
            if error.code != "not_found":
                raise
            raise StoreError("not_found", "The checkpoint before that cell is no longer kept (thinned to fit the budget).")
    else:
        started = time.perf_counter()
        ns = engine.user_ns
        removed = sorted(user_names(ns, engine.hidden))
        for name in removed:
            del ns[name]
        engine._now_at(None, ns, [])
        result = {"id": None, "restored": [], "kept": [], "removed": removed, "missing": [], "replay": [], "unknown": [], "bytesRead": 0, "bytesMapped": 0, "ms": round((time.perf_counter() - started) * 1000, 2), "mbPerS": None}
    if files:
        result["files"] = revert_files(engine, manifest)
    result["undone"] = checkpoint_id
    return result


def revert_files(engine, manifest):
    """Undo one cell's file changes: delete what it created (if untouched since), put back
    what it changed or deleted (if its content was kept)."""
    workspace = engine.workspace
    changes = manifest["changes"]
    deleted, left = [], []
    for path in changes["created"]:
        why = workspace.remove(path, manifest["files"].get(path))
        if why:
            left.append({"path": path, "reason": why})
        else:
            deleted.append(path)
    current, _ = workspace.scan()
    back = {path: manifest["before"][path] for path in changes["changed"] + changes["deleted"] if path in manifest["before"]}
    written, not_written = workspace.write_back(back, current)
    return {"written": written, "deleted": deleted, "left": left + not_written, "extra": []}


def replay_plan(lineage, missing):
    """(cell ids to replay in order, names no known cell made)."""
    cells, unknown = {}, []
    queue = sorted(missing)
    seen = set(queue)
    while queue:
        name = queue.pop()
        info = lineage.get(name)
        if not info or not info.get("cellId"):
            unknown.append(name)
            continue
        cells.setdefault(info["cellId"], info.get("seq", 0))
        for read in info.get("reads", []):
            if read in missing and read not in seen:
                seen.add(read)
                queue.append(read)
    return [cell for cell, _ in sorted(cells.items(), key=lambda item: item[1])], sorted(unknown)


def _mapped(store, blob):
    try:
        return store.map(blob)
    except (OSError, ValueError):  # a filesystem that cannot map files: read it instead
        return None


def _group_key(group):
    return (tuple(group["names"]), group["pickle"], tuple(group["buffers"]))
