"""The workspace as part of the state: a manifest of its files (path → size, mtime, hash) and
the content of every file up to `max_file_bytes` kept as blobs.

Only new or changed files are read: a file whose inode, size and mtime are what they were at
the last scan keeps its hash (unless that mtime was within two seconds of that scan, when a
second write in the same tick could hide). Hidden names (`.git`, `.~talkbook-upload-….part`)
and symbolic links are not part of it; files are only written through folders that are not
links, each opened with O_NOFOLLOW.
"""
import os
import secrets
import stat
import time

from .store import CHUNK, digest, new_hasher

RACY_NS = 2_000_000_000
MAX_DEPTH = 32


class Workspace:
    def __init__(self, root, store, max_file_bytes, max_files=20_000):
        self.root = os.path.realpath(root)
        self.store = store
        self.max_file_bytes = max_file_bytes
        self.max_files = max_files
        self.cache = {}  # path → (ino, size, mtime_ns, entry, stable)
        self.skip = {os.path.realpath(store.folder)}

    def scan(self):
        """(entries, truncated): entries maps a relative POSIX path to
        {size, mtimeNs, hash, kept}; `hash` is None for a file over the size budget."""
        now = time.time_ns()
        entries = {}
        truncated = False
        stack = [("", self.root, 0)]
        while stack:
            prefix, folder, depth = stack.pop()
            try:
                listing = list(os.scandir(folder))
            except OSError:
                continue
            for entry in listing:
                if entry.name.startswith("."):
                    continue
                try:
                    st = entry.stat(follow_symlinks=False)
                except OSError:
                    continue
                path = prefix + entry.name
                if stat.S_ISDIR(st.st_mode):
                    if depth + 1 < MAX_DEPTH and os.path.realpath(entry.path) not in self.skip:
                        stack.append((path + "/", entry.path, depth + 1))
                    continue
                if not stat.S_ISREG(st.st_mode):
                    continue
                if len(entries) >= self.max_files:
                    truncated = True
                    continue
                found = self._entry(path, entry.path, st, now)
                if found is not None:
                    entries[path] = found
        for path in set(self.cache) - set(entries):
            del self.cache[path]
        return entries, truncated

    def _entry(self, path, full, st, now):
        cached = self.cache.get(path)
        if cached and cached[:3] == (st.st_ino, st.st_size, st.st_mtime_ns) and cached[4]:
            return cached[3]
        entry = {"size": st.st_size, "mtimeNs": st.st_mtime_ns, "hash": None, "kept": False}
        if st.st_size <= self.max_file_bytes:
            try:
                fd = os.open(full, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
            except OSError:
                return None
            try:
                stored = self.store.put_file(fd, self.max_file_bytes)
            finally:
                os.close(fd)
            if stored is not None:
                entry["hash"], entry["size"] = stored[0], stored[1]
                entry["kept"] = True
        stable = st.st_mtime_ns < now - RACY_NS
        self.cache[path] = (st.st_ino, st.st_size, st.st_mtime_ns, entry, stable)
        return entry

    # restoring -------------------------------------------------------------------------------

    def write_back(self, entries, current):
        """Make each file of `entries` (path → entry) hold its recorded content, unless
        `current` (a fresh scan) shows it already does. Returns (written, left as they are)."""
        written, left = [], []
        for path in sorted(entries):
            entry = entries[path]
            now = current.get(path)
            if now is not None and same(now, entry):
                continue
            if not entry.get("kept") or not entry.get("hash") or not self.store.has(entry["hash"]):
                why = "over the size budget for kept files" if not entry.get("kept") else "its content is no longer kept"
                left.append({"path": path, "reason": why})
                continue
            try:
                self._write(path, entry)
                written.append(path)
            except (OSError, ValueError) as error:
                left.append({"path": path, "reason": f"{type(error).__name__}: {error}"[:300]})
        return written, left

    def remove(self, path, expected):
        """Delete `path` if it still holds what `expected` describes; else say why not."""
        try:
            parent, name = self._parent(path, create=False)
        except (OSError, ValueError):
            return None  # already gone with its folder
        try:
            try:
                st = os.stat(name, dir_fd=parent, follow_symlinks=False)
            except FileNotFoundError:
                return None
            if not stat.S_ISREG(st.st_mode):
                return "it is no longer a plain file"
            entry = self._hash_at(parent, name, st)
            if not same(entry, expected):
                return "it changed after the cell ran"
            os.unlink(name, dir_fd=parent)
            self.cache.pop(path, None)
            return None
        finally:
            os.close(parent)

    def _hash_at(self, parent, name, st):
        entry = {"size": st.st_size, "mtimeNs": st.st_mtime_ns, "hash": None, "kept": False}
        if st.st_size <= self.max_file_bytes:
            fd = os.open(name, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK, dir_fd=parent)
            try:
                hasher = new_hasher()
                offset = 0
                while chunk := os.pread(fd, CHUNK, offset):
                    hasher.update(chunk)
                    offset += len(chunk)
            finally:
                os.close(fd)
            entry.update(hash=digest(hasher), kept=True)
        return entry

    def _write(self, path, entry):
        data = self.store.read(entry["hash"])
        parent, name = self._parent(path, create=True)
        try:
            temp = f".~talkbook-restore-{secrets.token_hex(8)}"
            fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o644, dir_fd=parent)
            try:
                view = memoryview(data)
                while view:
                    view = view[os.write(fd, view):]
                os.utime(fd, ns=(entry["mtimeNs"], entry["mtimeNs"]))
            finally:
                os.close(fd)
            try:
                os.replace(temp, name, src_dir_fd=parent, dst_dir_fd=parent)
            except OSError:
                os.unlink(temp, dir_fd=parent)
                raise
            st = os.stat(name, dir_fd=parent, follow_symlinks=False)
            self.cache[path] = (st.st_ino, st.st_size, st.st_mtime_ns, dict(entry), True)
        finally:
            os.close(parent)

    def _parent(self, path, create):
        """A descriptor of `path`'s folder, reached without following any link, and its name."""
        parts = check_path(path)
        fd = os.open(self.root, os.O_RDONLY | os.O_DIRECTORY)
        try:
            for part in parts[:-1]:
                try:
                    child = os.open(part, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW, dir_fd=fd)
                except FileNotFoundError:
                    if not create:
                        raise
                    os.mkdir(part, 0o755, dir_fd=fd)
                    child = os.open(part, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW, dir_fd=fd)
                os.close(fd)
                fd = child
        except BaseException:
            os.close(fd)
            raise
        return fd, parts[-1]


def check_path(path):
    """The parts of a manifest path; refuses anything that is not a plain relative path."""
    if not isinstance(path, str) or not path or "\0" in path or path.startswith("/"):
        raise ValueError(f"not a workspace path: {path!r}")
    parts = path.split("/")
    if len(parts) > MAX_DEPTH or any(part in ("", ".", "..") or part.startswith(".") or len(part.encode()) > 255 for part in parts):
        raise ValueError(f"not a workspace path: {path!r}")
    return parts


def same(a, b):
    """Whether two manifest entries describe the same content."""
    if a is None or b is None:
        return a is b
    if a.get("hash") and b.get("hash"):
        return a["hash"] == b["hash"]
    return a.get("size") == b.get("size") and a.get("mtimeNs") == b.get("mtimeNs") and not a.get("hash") and not b.get("hash")


def diff(before, after):
    """Paths created, changed and deleted between two manifests."""
    created = sorted(path for path in after if path not in before)
    deleted = sorted(path for path in before if path not in after)
    changed = sorted(path for path in after if path in before and not same(before[path], after[path]))
    return {"created": created, "changed": changed, "deleted": deleted}
