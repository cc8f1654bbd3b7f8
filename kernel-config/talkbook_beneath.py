"""File operations below a root folder that never follow a symbolic link.

Kernels own their workspaces and can plant links, or swap a name between a file and a link while
the (root) Jupyter server works on it, so checking a path and then using it is not enough. Here
every component is opened relative to its parent's descriptor with O_NOFOLLOW: a link anywhere in
the path, planted before or during the operation, makes it fail (ELOOP/ENOTDIR) instead of
leaving the root. Only the root itself is opened by name; nothing a kernel can write is above it.
"""
import errno
import os
import secrets
import shutil
import stat
from contextlib import contextmanager

_DIR = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC
# O_NONBLOCK: opening a FIFO a kernel put there must not hang the server.
_FILE = os.O_NOFOLLOW | os.O_CLOEXEC | os.O_NONBLOCK | os.O_NOCTTY


class Beneath:
    def __init__(self, root):
        self.root = os.path.abspath(root)

    def parts(self, os_path):
        rel = os.path.relpath(os.path.abspath(os_path), self.root)
        if rel == ".":
            return []
        parts = rel.split(os.sep)
        if any(part in ("", ".", "..") for part in parts):
            raise OSError(errno.ENOENT, "outside the root", os_path)
        return parts

    @contextmanager
    def directory(self, os_path):
        """A descriptor of the folder at `os_path`."""
        fd = os.open(self.root, _DIR)
        try:
            for part in self.parts(os_path):
                inner = os.open(part, _DIR, dir_fd=fd)
                os.close(fd)
                fd = inner
            yield fd
        finally:
            os.close(fd)

    @contextmanager
    def parent(self, os_path):
        """(descriptor of the folder holding `os_path`, its name in there)."""
        parts = self.parts(os_path)
        if not parts:
            raise OSError(errno.EINVAL, "the root has no parent", os_path)
        with self.directory(os.path.join(self.root, *parts[:-1])) as fd:
            yield fd, parts[-1]

    def lstat(self, os_path):
        parts = self.parts(os_path)
        if not parts:
            return os.stat(self.root, follow_symlinks=False)
        with self.parent(os_path) as (fd, name):
            return os.stat(name, dir_fd=fd, follow_symlinks=False)

    def listdir(self, os_path):
        """[(name, lstat result)] of a folder's entries (links included, for the caller to skip)."""
        entries = []
        with self.directory(os_path) as fd:
            for name in os.listdir(fd):
                try:
                    entries.append((name, os.stat(name, dir_fd=fd, follow_symlinks=False)))
                except OSError:
                    continue  # gone meanwhile
        return entries

    def open_file(self, os_path, flags):
        """A descriptor of the regular file at `os_path` (never a link, FIFO or device)."""
        with self.parent(os_path) as (fd, name):
            out = os.open(name, flags | _FILE, dir_fd=fd)
        if not stat.S_ISREG(os.fstat(out).st_mode):
            os.close(out)
            raise OSError(errno.EINVAL, "not a regular file", os_path)
        return out

    @contextmanager
    def replacing(self, os_path, owner=None):
        """A new file (binary, mode 0600) that takes the place of `os_path` once the block succeeds.
        Whatever was there (a file, or a link) is replaced, never written through."""
        with self.parent(os_path) as (fd, name):
            temp = ".~talkbook-%s" % secrets.token_hex(8)
            out = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _FILE, 0o600, dir_fd=fd)
            try:
                with os.fdopen(out, "wb") as f:
                    yield f
                    f.flush()
                    os.fsync(f.fileno())
                    if owner is not None:
                        os.fchown(f.fileno(), owner, owner)
                os.replace(temp, name, src_dir_fd=fd, dst_dir_fd=fd)
            except BaseException:
                try:
                    os.unlink(temp, dir_fd=fd)
                except OSError:
                    pass
                raise

    def mkdir(self, os_path, owner=None):
        with self.parent(os_path) as (fd, name):
            os.mkdir(name, 0o700, dir_fd=fd)
            made = os.open(name, _DIR, dir_fd=fd)
            try:
                if owner is not None:
                    os.fchown(made, owner, owner)
                os.fchmod(made, 0o700)
            finally:
                os.close(made)

    def delete(self, os_path):
        """Remove a file or a whole folder (shutil.rmtree by descriptors: links inside are unlinked, not followed)."""
        with self.parent(os_path) as (fd, name):
            if stat.S_ISDIR(os.stat(name, dir_fd=fd, follow_symlinks=False).st_mode):
                shutil.rmtree(name, dir_fd=fd)
            else:
                os.unlink(name, dir_fd=fd)

    def rename(self, old_os_path, new_os_path):
        """Move a file or folder (not a link) to a name that is free; FileExistsError otherwise."""
        with self.parent(old_os_path) as (old_fd, old_name), self.parent(new_os_path) as (new_fd, new_name):
            if stat.S_ISLNK(os.stat(old_name, dir_fd=old_fd, follow_symlinks=False).st_mode):
                raise OSError(errno.ELOOP, "a symbolic link", old_os_path)
            try:
                os.stat(new_name, dir_fd=new_fd, follow_symlinks=False)
            except FileNotFoundError:
                os.rename(old_name, new_name, src_dir_fd=old_fd, dst_dir_fd=new_fd)
                return
            raise FileExistsError(errno.EEXIST, "exists", new_os_path)

    def usage(self, os_path):
        """Bytes in the regular files below a folder (links not followed, not counted)."""
        total = 0
        with self.directory(os_path) as fd:
            for _, _, files, dir_fd in os.fwalk(".", dir_fd=fd):
                for name in files:
                    try:
                        info = os.stat(name, dir_fd=dir_fd, follow_symlinks=False)
                    except OSError:
                        continue
                    if stat.S_ISREG(info.st_mode):
                        total += info.st_size
        return total
