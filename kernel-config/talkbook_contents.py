"""The contents API of Talkbook's Jupyter server: workspaces a kernel may have booby-trapped.

Kernels own their workspaces, so anything in there can be a symbolic link to a host file, or
become one while the (root) server works on it. Every operation here goes through `Beneath`
(descriptor by descriptor, O_NOFOLLOW), so none ever follows a link: links are left out of
listings, and reading, writing, appending, renaming or deleting through one fails with 404.
Writes go to a new file that then replaces the name (never through what was there). There are no
checkpoints (talkbook_checkpoints.py), and `/files/` is served through this manager too.

Files written here belong to the workspace's user (see sandbox/workspace_owner.py), mode 0600;
folders 0700. A save that would take a workspace past its quota (TALKBOOK_WORKSPACE_MB) is
refused with 507.
"""
import base64
import errno
import io
import mimetypes
import os
import stat
from contextlib import contextmanager

import nbformat
from jupyter_core.paths import is_file_hidden, is_hidden
from jupyter_server import _tz as tz
from jupyter_server.files.handlers import FilesHandler
from jupyter_server.services.contents.largefilemanager import LargeFileManager
from jupyter_server.utils import to_api_path
from tornado import web
from traitlets import default

from sandbox_settings import settings
from talkbook_beneath import Beneath
from talkbook_checkpoints import NoCheckpoints
from workspace_owner import owner_of


class TalkbookContentsManager(LargeFileManager):
    @default("checkpoints_class")
    def _checkpoints_class_default(self):
        return NoCheckpoints

    @default("files_handler_class")
    def _files_handler_class_default(self):
        return FilesHandler

    @default("files_handler_params")
    def _files_handler_params_default(self):
        return {}

    @default("use_atomic_writing")
    def _use_atomic_writing_default(self):
        # Writes here always go to a new file that replaces the name; Jupyter's own atomic
        # writing copies the old file to `.~<name>` first, which a kernel can make a link.
        return False

    @property
    def _beneath(self):
        return Beneath(self.root_dir)

    # -- paths ---------------------------------------------------------------------------

    def _get_os_path(self, path):
        os_path = super()._get_os_path(path)
        # Refuse a path with a link in it early (the operations below would fail on it anyway).
        current = os.path.abspath(self.root_dir)
        for part in os.path.relpath(os_path, current).split(os.sep):
            if part in ("", "."):
                continue
            current = os.path.join(current, part)
            if os.path.islink(current):
                raise web.HTTPError(404, "No such file or directory: %s" % path)
        return os_path

    @contextmanager
    def _no_links(self, os_path):
        """Turn what a link (or a missing name) does to the operations below into HTTP errors."""
        api_path = to_api_path(os_path, root=self.root_dir)
        try:
            yield
        except OSError as e:
            if e.errno in (errno.ELOOP, errno.ENOTDIR, errno.ENOENT, errno.EINVAL):
                raise web.HTTPError(404, "No such file or directory: %s" % api_path) from e
            if e.errno == errno.EEXIST:
                raise web.HTTPError(409, "File already exists: %s" % api_path) from e
            if e.errno in (errno.EISDIR, errno.ENOTEMPTY):
                raise web.HTTPError(400, "Is a directory: %s" % api_path) from e
            if e.errno in (errno.EACCES, errno.EPERM):
                raise web.HTTPError(403, "Permission denied: %s" % api_path) from e
            if e.errno in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG):
                raise web.HTTPError(507, "The disk is full: %s could not be written" % api_path) from e
            raise

    def _workspace(self, os_path):
        parts = self._beneath.parts(os_path)
        return os.path.join(os.path.abspath(self.root_dir), parts[0]) if parts else None

    def _owner(self, os_path):
        workspace = self._workspace(os_path)
        return owner_of(workspace, settings()["enabled"]) if workspace else None

    # -- reading -------------------------------------------------------------------------

    @contextmanager
    def open(self, os_path, mode="r", *args, **kwargs):
        if any(flag in mode for flag in "wax+"):
            raise ValueError("the contents manager opens files for reading only; writes replace them")
        with self._no_links(os_path):
            fd = self._beneath.open_file(os_path, os.O_RDONLY)
        with os.fdopen(fd, mode, *args, **kwargs) as f:
            yield f

    def _base_model(self, path):
        os_path = self._get_os_path(path)
        with self._no_links(os_path):
            info = self._beneath.lstat(os_path)
        if stat.S_ISLNK(info.st_mode) or (is_hidden(os_path, self.root_dir) and not self.allow_hidden):
            raise web.HTTPError(404, "file or directory does not exist: %r" % path)
        return self._model(path, info)

    def _model(self, path, info):
        return {
            "name": path.rsplit("/", 1)[-1],
            "path": path,
            "last_modified": tz.utcfromtimestamp(info.st_mtime),
            "created": tz.utcfromtimestamp(info.st_ctime),
            "content": None,
            "format": None,
            "mimetype": None,
            "size": info.st_size,
            "writable": os.getuid() == 0 or bool(info.st_mode & stat.S_IWUSR),
        }

    def _dir_model(self, path, content=True):
        model = self._base_model(path)
        if not stat.S_ISDIR(self._beneath.lstat(self._get_os_path(path)).st_mode):
            raise web.HTTPError(404, "directory does not exist: %r" % path)
        model.update(type="directory", size=None)
        if content:
            os_path = self._get_os_path(path)
            with self._no_links(os_path):
                entries = self._beneath.listdir(os_path)
            model["content"] = [
                self._entry(path, name, info)
                for name, info in entries
                if (stat.S_ISREG(info.st_mode) or stat.S_ISDIR(info.st_mode))
                and self.should_list(name)
                and (self.allow_hidden or not is_file_hidden(os.path.join(os_path, name), stat_res=info))
            ]
            model["format"] = "json"
        return model

    def _entry(self, parent, name, info):
        """A listing entry built from the listing's own lstat (no second lookup by path)."""
        model = self._model(f"{parent}/{name}" if parent else name, info)
        if stat.S_ISDIR(info.st_mode):
            model.update(type="directory", size=None)
        elif name.endswith(".ipynb"):
            model.update(type="notebook")
        else:
            model.update(type="file", mimetype=mimetypes.guess_type(name)[0])
        return model

    # -- writing -------------------------------------------------------------------------

    def save(self, model, path=""):
        """Jupyter's save (and LargeFileManager's chunked one), with every write through `_write`."""
        path = path.strip("/")
        chunk = model.get("chunk")
        if chunk in (None, 1):
            self.run_pre_save_hooks(model=model, path=path)
        kind = model.get("type")
        if kind is None:
            raise web.HTTPError(400, "No file type provided")
        if chunk is not None and kind != "file":
            raise web.HTTPError(400, 'File type "%s" is not supported for large file transfer' % kind)
        if "content" not in model and kind != "directory":
            raise web.HTTPError(400, "No file content provided")
        os_path = self._get_os_path(path)
        if is_hidden(os_path, self.root_dir) and not self.allow_hidden:
            raise web.HTTPError(400, "Cannot create file or directory %r" % path)
        validation_error = {}
        if kind == "directory":
            self._save_directory(os_path, model, path)
        elif kind == "notebook":
            nb = nbformat.from_dict(model["content"])
            self.check_and_sign(nb, path)
            text = nbformat.writes(nb, version=nbformat.NO_CONVERT, capture_validation_error=validation_error)
            self._write(os_path, text.encode("utf-8"), append=False)
        elif kind == "file":
            self._write(os_path, self._decode(os_path, model["content"], model.get("format")), append=chunk not in (None, 1))
        else:
            raise web.HTTPError(400, "Unhandled contents type: %s" % kind)
        message = None
        if kind == "notebook":
            self.validate_notebook_model(model, validation_error=validation_error)
            message = model.get("message")
        saved = self.get(path, content=False)
        if message:
            saved["message"] = message
        if chunk in (None, -1):
            self.run_post_save_hooks(model=saved, os_path=os_path)
        return saved

    def _decode(self, os_path, content, format):
        if format not in {"text", "base64"}:
            raise web.HTTPError(400, "Must specify format of file contents as 'text' or 'base64'")
        try:
            return content.encode("utf8") if format == "text" else base64.b64decode(content.encode("ascii"))
        except Exception as e:
            raise web.HTTPError(400, "Encoding error saving %s: %s" % (to_api_path(os_path, root=self.root_dir), e)) from e

    def _write(self, os_path, data, append):
        with self._no_links(os_path):
            self._check_quota(os_path, len(data), append)
            if append:
                fd = self._beneath.open_file(os_path, os.O_WRONLY | os.O_APPEND)
                with os.fdopen(fd, "ab") as f:
                    f.write(data)
            else:
                with self._beneath.replacing(os_path, owner=self._owner(os_path)) as f:
                    f.write(data)

    def _check_quota(self, os_path, adding, append):
        quota_mb = settings()["workspace_mb"]
        workspace = self._workspace(os_path)
        if quota_mb <= 0 or workspace is None:
            return
        used = self._beneath.usage(workspace)
        if not append:
            try:
                info = self._beneath.lstat(os_path)
                if stat.S_ISREG(info.st_mode):
                    used -= info.st_size  # replaced
            except OSError:
                pass
        if used + adding > quota_mb * 1024 * 1024:
            raise web.HTTPError(
                507,
                "The workspace is full: it holds %s and this would add %s, past its quota of %d MB "
                "(TALKBOOK_WORKSPACE_MB). Delete files first." % (_mb(used), _mb(adding), quota_mb),
            )

    def _save_directory(self, os_path, model, path=""):
        with self._no_links(os_path):
            try:
                info = self._beneath.lstat(os_path)
            except FileNotFoundError:
                self._beneath.mkdir(os_path, owner=self._owner(os_path))
                return
        if not stat.S_ISDIR(info.st_mode):
            raise web.HTTPError(400, "Not a directory: %s" % path)

    def _save_file(self, os_path, content, format):
        self._write(os_path, self._decode(os_path, content, format), append=False)

    def _save_large_file(self, os_path, content, format):
        self._write(os_path, self._decode(os_path, content, format), append=True)

    def _save_notebook(self, os_path, nb, capture_validation_error=None):
        text = nbformat.writes(nb, version=nbformat.NO_CONVERT, capture_validation_error=capture_validation_error)
        self._write(os_path, text.encode("utf-8"), append=False)

    @contextmanager
    def atomic_writing(self, os_path, text=True, encoding="utf-8", **kwargs):
        """For any Jupyter code still asking for it: the same replace-the-name write."""
        kwargs.pop("log", None)
        with self._no_links(os_path), self._beneath.replacing(os_path, owner=self._owner(os_path)) as f:
            if not text:
                yield f
                return
            wrapper = io.TextIOWrapper(f, encoding=encoding, newline="\n")
            yield wrapper
            wrapper.flush()
            wrapper.detach()

    # -- moving and deleting -----------------------------------------------------------

    def delete_file(self, path):
        path = path.strip("/")
        os_path = self._get_os_path(path)
        if is_hidden(os_path, self.root_dir) and not self.allow_hidden:
            raise web.HTTPError(400, "Cannot delete file or directory %r" % path)
        with self._no_links(os_path):
            self._beneath.delete(os_path)

    def rename_file(self, old_path, new_path):
        old_path, new_path = old_path.strip("/"), new_path.strip("/")
        if old_path == new_path:
            return
        old_os_path, new_os_path = self._get_os_path(old_path), self._get_os_path(new_path)
        if (is_hidden(old_os_path, self.root_dir) or is_hidden(new_os_path, self.root_dir)) and not self.allow_hidden:
            raise web.HTTPError(400, "Cannot rename file or directory %r" % old_path)
        with self._no_links(old_os_path):
            self._beneath.rename(old_os_path, new_os_path)


def _mb(size):
    return "%.1f MB" % (size / 1024 / 1024)
