"""One checkpoint's manifest (checkpoints/<id>.json), and the check every imported one passes.

    {"format": 1, "id": "000012-9f3a1c2b", "seq": 12, "parent": "000011-…" | null,
     "cellId": "…" | null, "createdAt": "2025-01-31T12:00:00.000Z",
     "groups":  [{"names": ["a", "b"], "pickle": <hash>, "buffers": [<hash>…], "pickler": "pickle" | "dill", "bytes": n}],
     "modules": {"pd": "pandas"},
     "unsaved": [{"name": "fh", "reason": "an open file 'log.txt' (mode 'w')", "type": "TextIOWrapper", "cellId": "…" | null}],
     "random":  <hash of the pickled random states>,
     "lineage": {"x": {"cellId": "…" | null, "seq": 12, "reads": ["df"]}},
     "files":   {"data/in.csv": {"size": n, "mtimeNs": n, "hash": <hash> | null, "kept": true}},
     "filesTruncated": false,
     "changes": {"created": [path…], "changed": [path…], "deleted": [path…]},
     "before":  {path: entry, …}   (the changed and deleted files as they were before the cell)}
"""
import re

from .store import CHECKPOINT_ID, HASH
from .workspace import check_path

FORMAT_VERSION = 1
MODULE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*")


class Invalid(ValueError):
    pass


def validate(manifest):
    """Raise Invalid unless `manifest` is a well-formed manifest (paths, names, hashes)."""
    _check(isinstance(manifest, dict), "not an object")
    _check(manifest.get("format") == FORMAT_VERSION, "unknown format")
    _check(isinstance(manifest.get("id"), str) and CHECKPOINT_ID.fullmatch(manifest["id"]), "bad id")
    _check(isinstance(manifest.get("seq"), int) and manifest["seq"] >= 0, "bad seq")
    parent = manifest.get("parent")
    _check(parent is None or (isinstance(parent, str) and CHECKPOINT_ID.fullmatch(parent)), "bad parent")
    _optional_str(manifest.get("cellId"), "bad cellId")
    names = set()
    for group in _list(manifest.get("groups"), "groups"):
        _check(isinstance(group, dict), "bad group")
        for name in _list(group.get("names"), "group names"):
            _identifier(name)
            _check(name not in names, "a name in two groups")
            names.add(name)
        _hash(group.get("pickle"))
        for blob in _list(group.get("buffers"), "buffers"):
            _hash(blob)
        _check(group.get("pickler") in ("pickle", "dill"), "bad pickler")
    modules = manifest.get("modules")
    _check(isinstance(modules, dict), "bad modules")
    for name, module in modules.items():
        _identifier(name)
        _check(isinstance(module, str) and MODULE.fullmatch(module), "bad module name")
    for entry in _list(manifest.get("unsaved"), "unsaved"):
        _check(isinstance(entry, dict), "bad unsaved entry")
        _identifier(entry.get("name"))
        _check(isinstance(entry.get("reason"), str), "bad reason")
    if manifest.get("random") is not None:
        _hash(manifest["random"])
    lineage = manifest.get("lineage")
    _check(isinstance(lineage, dict), "bad lineage")
    for name, info in lineage.items():
        _identifier(name)
        _check(isinstance(info, dict), "bad lineage entry")
        _optional_str(info.get("cellId"), "bad lineage cellId")
        for read in _list(info.get("reads"), "reads"):
            _identifier(read)
    for key in ("files", "before"):
        entries = manifest.get(key)
        _check(isinstance(entries, dict), f"bad {key}")
        for path, entry in entries.items():
            try:
                check_path(path)
            except ValueError as error:
                raise Invalid(str(error))
            _check(isinstance(entry, dict) and isinstance(entry.get("size"), int) and isinstance(entry.get("mtimeNs"), int), "bad file entry")
            if entry.get("hash") is not None:
                _hash(entry["hash"])
    changes = manifest.get("changes")
    _check(isinstance(changes, dict), "bad changes")
    for key in ("created", "changed", "deleted"):
        for path in _list(changes.get(key), key):
            _check(isinstance(path, str), "bad change")
    return manifest


def _check(condition, message):
    if not condition:
        raise Invalid(message)


def _list(value, what):
    _check(isinstance(value, list), f"bad {what}")
    return value


def _identifier(name):
    _check(isinstance(name, str) and name.isidentifier() and len(name) <= 200, f"bad name {name!r}"[:100])


def _hash(value):
    _check(isinstance(value, str) and HASH.fullmatch(value), "bad hash")


def _optional_str(value, message):
    _check(value is None or (isinstance(value, str) and len(value) <= 200), message)
