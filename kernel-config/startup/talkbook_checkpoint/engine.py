"""The engine: one per kernel, over one checkpoint folder and one workspace.

It follows every cell the person runs (IPython's pre_run_cell and post_run_cell events: the
workspace as the cell found it, the names the cell could change), and `save` writes a
checkpoint after a cell that ran without error: only the co-variable groups that hold a name
some cell since the last checkpoint could have changed are pickled again; the others are
carried over from the checkpoint the kernel's state came from (`head`).
"""
import hashlib
import time
from datetime import datetime, timezone

from . import rng
from .budget import thin
from .graph import co_variable_groups, stop_ids, walk
from .manifest import FORMAT_VERSION
from .names import analyze
from .namespace import module_name, user_names
from .serialize import Refused, describe_error, dump_group, refusal
from .spool import Spool
from .store import Store
from .workspace import Workspace, diff

MB = 1024 * 1024


class Options:
    """budget_mb: the folder's byte budget (TALKBOOK_CHECKPOINT_MB); file_max_mb: files up to
    this size are kept as blobs; keep_recent: checkpoints never thinned; recheck_bytes: an
    untouched group up to this size is pickled again anyway (cheap, and it catches changes
    made where the ast cannot see them), recheck_total_bytes at most per save."""

    def __init__(self, budget_mb=2048, file_max_mb=64, keep_recent=8, recheck_bytes=64 * 1024, recheck_total_bytes=MB, max_files=20_000):
        self.budget_bytes = int(budget_mb * MB)
        self.file_max_bytes = int(file_max_mb * MB)
        self.keep_recent = int(keep_recent)
        self.recheck_bytes = int(recheck_bytes)
        self.recheck_total_bytes = int(recheck_total_bytes)
        self.max_files = int(max_files)


class Engine:
    def __init__(self, folder, user_ns, workspace=".", options=None, hidden=None, transform=None):
        self.options = options or Options()
        self.store = Store(folder)
        self.workspace = Workspace(workspace, self.store, self.options.file_max_bytes, self.options.max_files)
        self.user_ns = user_ns
        self.hidden = hidden if hidden is not None else {}
        self.transform = transform
        self.head = None
        # SHA-256 of password answers (getpass): a variable holding one is never written to disk.
        self.secrets = set()
        self.last_cell = None  # (source, ran without error) of the last cell the person ran
        self.live = {}  # name → id() of its value when the namespace matched `head`
        self.reset_pending(everything=True, reason="no checkpoint yet")

    # following cells ---------------------------------------------------------------------

    def reset_pending(self, everything=False, reason=""):
        self.pending = set()
        self.pending_everything = everything
        self.pending_reason = reason
        self.pending_cells = []  # analyses of cells run since the last checkpoint
        self.before_files = None

    def before_cell(self, source=None):
        """The workspace as the next cell finds it (the first unsaved cell's, if several)."""
        if self.before_files is None:
            self.before_files, _ = self.workspace.scan()

    def after_cell(self, source, succeeded=True):
        self.last_cell = (source, bool(succeeded))
        self.note(self.analyze(source), source)

    def analyze(self, source):
        return analyze(source or "", self.transform)

    def note(self, analysis, source):
        self.pending |= analysis.names
        if analysis.everything and not self.pending_everything:
            self.pending_everything = True
            self.pending_reason = analysis.reason
        self.pending_cells.append((source, analysis))

    # save -----------------------------------------------------------------------------------

    def save(self, cell_id=None, source=None, if_succeeded=False):
        """Checkpoint the namespace and workspace after a cell. Never raises: a failure is a
        status (`failed`, with a message) for the cell's footer.

        With `if_succeeded`, only if the last cell the person ran was `source` and it ran
        without error (else `skipped`): Talkbook can then send this request together with the
        cell, and the kernel answers right after the cell, one round trip saved."""
        started = time.perf_counter()
        if if_succeeded:
            if self.last_cell is None or self.last_cell[0] != source:
                return {"status": "skipped", "reason": "unseen", "message": "The kernel has not run that cell (yet).", "ms": _ms(started)}
            if not self.last_cell[1]:
                return {"status": "skipped", "reason": "error", "message": "The cell did not run without error.", "ms": _ms(started)}
        try:
            result = self._save(cell_id, source)
        except BaseException as error:  # KeyboardInterrupt too: the cell itself succeeded
            self.pending_everything = True
            self.pending_reason = "the last checkpoint failed"
            return {"status": "failed", "message": f"The checkpoint could not be written: {describe_error(error)}", "ms": _ms(started)}
        result["ms"] = _ms(started)
        return result

    def note_secret(self, answer):
        if isinstance(answer, str):
            self.secrets.add(hashlib.sha256(answer.encode("utf-8", "replace")).hexdigest())

    def _is_secret(self, value):
        return bool(self.secrets) and isinstance(value, str) and len(value) <= 4096 and hashlib.sha256(value.encode("utf-8", "replace")).hexdigest() in self.secrets

    def _save(self, cell_id, source):
        ns = self.user_ns
        if source is not None and not any(seen == source for seen, _ in self.pending_cells[-1:]):
            self.note(self.analyze(source), source)
        head = self.store.manifests.get(self.head) if self.head else None
        present = user_names(ns, self.hidden)
        modules = {name: module_name(ns[name]) for name in present if module_name(ns[name])}
        data_names = {name for name in present if name not in modules}
        everything = self.pending_everything or head is None
        reason = (self.pending_reason or "no checkpoint yet") if everything else None

        if everything:
            touched = set(data_names)
        else:
            touched = (self.pending & data_names) | {name for name in data_names if self.live.get(name) != id(ns[name])}
            touched |= self._recheck_small(head, data_names)
        head_groups = head["groups"] if head and not everything else []
        group_of = {name: group for group in head_groups for name in group["names"]}
        for group in head_groups:
            if any(name not in data_names for name in group["names"]):
                touched |= set(group["names"]) & data_names  # a member left or became a module

        walks = {}
        stop = stop_ids(ns)
        frontier = touched & data_names
        while frontier:
            for name in frontier:
                walks[name] = walk(ns[name], stop)
            extra = set()
            for name in frontier:
                extra |= walks[name].global_names  # a function may change the globals it names
                if name in group_of:
                    extra |= set(group_of[name]["names"])  # what shared objects still may
            frontier = (extra & data_names) - set(walks)

        written = {"bytes": 0, "names": []}
        groups, unsaved = [], []
        for names in co_variable_groups(walks):
            secret = [name for name in names if self._is_secret(ns[name])]
            if secret:
                unsaved += [{"name": name, "reason": "it holds a password answer, which is never written to disk", "type": type(ns[name]).__name__} for name in names]
                continue
            self._write_group(names, ns, groups, unsaved, written)
        carried = 0
        for group in head_groups:
            if not set(group["names"]) & set(walks):
                groups.append(group)
                carried += len(group["names"])
        if head and not everything:
            unsaved += [entry for entry in head["unsaved"] if entry["name"] in data_names and entry["name"] not in walks]
        assigned_by = self._lineage(head, cell_id, data_names)
        for entry in unsaved:
            entry.setdefault("cellId", (assigned_by.get(entry["name"]) or {}).get("cellId"))

        random_blob, random_size, new = self.store.put_bytes(rng.capture())
        written["bytes"] += random_size if new else 0

        files, truncated = self.workspace.scan()
        if self.before_files is not None:
            before = self.before_files
        elif head is not None:
            before = head["files"]
        else:
            before = files  # nothing known about the workspace before this cell
        changes = diff(before, files)
        checkpoint_id, seq = self.store.new_id()
        manifest = {
            "format": FORMAT_VERSION,
            "id": checkpoint_id,
            "seq": seq,
            "parent": self.head,
            "cellId": cell_id,
            "createdAt": datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z"),
            "groups": sorted(groups, key=lambda group: group["names"][0]),
            "modules": modules,
            "unsaved": sorted(unsaved, key=lambda entry: entry["name"]),
            "random": random_blob,
            "lineage": assigned_by,
            "files": files,
            "filesTruncated": truncated,
            "changes": changes,
            "before": {path: before[path] for path in changes["changed"] + changes["deleted"]},
        }
        self.store.write_manifest(manifest)
        parent = self.head
        self._now_at(manifest["id"], ns, present)
        dropped = thin(self.store, self.options.budget_bytes, self.options.keep_recent, {manifest["id"], parent})
        return {
            "status": "partial" if manifest["unsaved"] else "saved",
            "id": manifest["id"],
            "parent": parent,
            "everything": reason,
            "bytesWritten": written["bytes"],
            "written": sorted(written["names"]),
            "carried": carried,
            "modules": modules,
            "unsaved": manifest["unsaved"],
            "files": dict(changes, notKept=sorted(p for p in changes["created"] + changes["changed"] if not files[p]["kept"])),
            "filesTruncated": truncated,
            "dropped": dropped,
            "totalBytes": self.store.total_bytes(),
            "budgetBytes": self.options.budget_bytes,
        }

    def _recheck_small(self, head, data_names):
        names, total = set(), 0
        for group in head["groups"]:
            size = group.get("bytes", 0)
            if size <= self.options.recheck_bytes and total + size <= self.options.recheck_total_bytes:
                names |= set(group["names"]) & data_names
                total += size
        return names

    def _write_group(self, names, ns, groups, unsaved, written):
        values = {name: ns[name] for name in names}
        try:
            groups.append(self._pickle(values, written))
            return
        except WriteFailed:
            raise
        except Exception as error:
            if len(names) == 1:
                unsaved.append(_unsaved(names[0], values[names[0]], error))
                return
        good = []
        for name in names:
            try:
                probe = Spool(self.store.tmp_dir)
                try:
                    dump_group({name: values[name]}, probe)
                finally:
                    probe.discard()
                good.append(name)
            except WriteFailed:
                raise
            except Exception as error:
                unsaved.append(_unsaved(name, values[name], error))
        if not good:
            return
        try:
            groups.append(self._pickle({name: values[name] for name in good}, written))
        except WriteFailed:
            raise
        except Exception:
            for name in good:
                try:
                    groups.append(self._pickle({name: values[name]}, written))
                except WriteFailed:
                    raise
                except Exception as error:
                    unsaved.append(_unsaved(name, values[name], error))

    def _pickle(self, values, written):
        spool = Spool(self.store.tmp_dir)
        try:
            try:
                pickler, views = dump_group(values, spool)
            except OSError as error:  # the spool spilled to a folder that cannot take it
                raise WriteFailed(describe_error(error)) from error
            size = spool.size + sum(view.nbytes for view in views)
            if size > self.options.budget_bytes:
                raise TooBig(f"{size / MB:.0f} MB, more than the whole checkpoint budget of {self.options.budget_bytes / MB:.0f} MB")
            try:
                blob, _, new = self.store.put_spool(spool)
            except OSError as error:
                raise WriteFailed(describe_error(error)) from error
        except BaseException:
            spool.discard()
            raise
        new_bytes = spool.size if new else 0
        buffers = []
        try:
            for view in views:
                buffer, nbytes, stored = self.store.put_bytes(view)
                buffers.append(buffer)
                new_bytes += nbytes if stored else 0
        except OSError as error:
            raise WriteFailed(describe_error(error)) from error
        finally:
            for view in views:
                view.release()
        written["bytes"] += new_bytes
        if new_bytes:
            written["names"] += list(values)
        return {"names": sorted(values), "pickle": blob, "buffers": buffers, "pickler": pickler, "bytes": size}

    def _lineage(self, head, cell_id, data_names):
        """name → the cell that last assigned it and what that cell read (for replay plans)."""
        lineage = {name: info for name, info in (head or {}).get("lineage", {}).items() if name in data_names}
        seq = self.store.next_seq()
        cells = self.pending_cells
        for index, (_, analysis) in enumerate(cells):
            owner = cell_id if index == len(cells) - 1 else None  # earlier ones failed or were not checkpointed
            reads = sorted((analysis.referenced - analysis.assigned) & data_names)[:200]
            for name in analysis.assigned & data_names:
                lineage[name] = {"cellId": owner, "seq": seq, "reads": reads}
        for name in data_names - set(lineage):
            lineage[name] = {"cellId": cell_id, "seq": seq, "reads": []}
        return lineage

    def _now_at(self, checkpoint_id, ns, present):
        """The namespace now matches checkpoint `checkpoint_id` (None: an empty one)."""
        self.head = checkpoint_id
        self.live = {name: id(ns[name]) for name in present if name in ns}
        self.reset_pending(everything=checkpoint_id is None, reason="no checkpoint yet")


class TooBig(Exception):
    pass


class WriteFailed(Exception):
    """The checkpoint folder refused a write: the whole checkpoint fails, not one variable."""


def _unsaved(name, value, error):
    reason = describe_error(error)
    if isinstance(error, Refused) and refusal(value) is None:
        reason = f"it holds {reason}"
    elif isinstance(error, TooBig):
        reason = f"too big to checkpoint: {error}"
    return {"name": name, "reason": reason, "type": type(value).__name__}


def _ms(started):
    return round((time.perf_counter() - started) * 1000, 2)
