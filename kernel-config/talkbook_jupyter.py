"""Jupyter-side pieces of Talkbook's kernel isolation, loaded by jupyter_server_config.py.

With the `ipc` transport, jupyter_client puts every kernel's sockets next to its connection file
in the shared runtime folder, where any kernel could reach them. This kernel manager gives each
kernel a private folder instead (`kernel-<id>.d/`, mode 0700) holding its sockets; the sandbox
launcher shows a kernel only its own folder.
"""
import base64
import os
import shutil

from jupyter_client.ioloop import AsyncIOLoopKernelManager
from traitlets import default


class TalkbookKernelManager(AsyncIOLoopKernelManager):
    @default("ip")
    def _ip_default(self):
        if self.transport == "ipc":
            private = self._private_dir()
            os.makedirs(private, mode=0o700, exist_ok=True)
            return os.path.join(private, "ipc")
        return super()._ip_default()

    def _private_dir(self):
        return os.path.splitext(self.connection_file)[0] + ".d"

    async def cleanup_resources(self, restart=False):
        await super().cleanup_resources(restart=restart)
        if not restart and self.transport == "ipc" and self.connection_file:
            shutil.rmtree(self._private_dir(), ignore_errors=True)


import errno
import stat

from jupyter_server.services.contents.largefilemanager import LargeFileManager
from tornado import web


class TalkbookContentsManager(LargeFileManager):
    """The contents API without symbolic links.

    Kernels write their workspaces, so they can plant links pointing anywhere the Jupyter server
    can read or write. Any path with a link below the root is refused (404), links are left out of
    listings, and chunked uploads never append through a link.
    """

    _listing_dir = None

    def _get_os_path(self, path):
        os_path = super()._get_os_path(path)
        root = os.path.abspath(self.root_dir)
        current = root
        for part in os.path.relpath(os_path, root).split(os.sep):
            if part in ("", "."):
                continue
            current = os.path.join(current, part)
            if os.path.islink(current):
                raise web.HTTPError(404, "No such file or directory: %s" % path)
        return os_path

    def should_list(self, name):
        if self._listing_dir is not None and os.path.islink(os.path.join(self._listing_dir, name)):
            return False
        return super().should_list(name)

    def _dir_model(self, path, content=True):
        self._listing_dir = self._get_os_path(path)
        try:
            return super()._dir_model(path, content=content)
        finally:
            self._listing_dir = None

    def _save_large_file(self, os_path, content, format):
        if format not in {"text", "base64"}:
            raise web.HTTPError(400, "Must specify format of file contents as 'text' or 'base64'")
        try:
            data = content.encode("utf8") if format == "text" else base64.b64decode(content.encode("ascii"))
        except Exception as e:
            raise web.HTTPError(400, "Encoding error saving %s: %s" % (os_path, e)) from e
        with self.perm_to_403(os_path):
            try:
                fd = os.open(os_path, os.O_WRONLY | os.O_APPEND | os.O_NOFOLLOW)
            except OSError as e:
                if e.errno == errno.ELOOP:
                    raise web.HTTPError(404, "No such file or directory") from e
                raise
            with os.fdopen(fd, "ab") as f:
                if not stat.S_ISREG(os.fstat(f.fileno()).st_mode):
                    raise web.HTTPError(400, "Not a regular file")
                f.write(data)


from jupyter_server._tz import utcnow
from jupyter_server.services.kernels.kernelmanager import AsyncMappingKernelManager


class TalkbookMappingKernelManager(AsyncMappingKernelManager):
    """Jupyter's kernel manager with a cheaper activity watcher.

    Jupyter Server 1.x watches every kernel's iopub to record its last activity and execution
    state, and fully deserializes each message to do so (its dates parsed with dateutil; status
    messages twice): about a third of the server's CPU per executed cell. This watcher records
    the same two things from the header's message type and, for status messages, the content.
    """

    def kernel_model(self, kernel_id):
        # A kernel is listed before its start finishes, and Jupyter Server 1.x sets its activity
        # fields only then: a listing in between failed with a 500 (AttributeError).
        kernel = self._kernels.get(kernel_id)
        if kernel is not None and not hasattr(kernel, "last_activity"):
            kernel.last_activity = utcnow()
            kernel.execution_state = "starting"
        return super().kernel_model(kernel_id)

    def start_watching_activity(self, kernel_id):
        kernel = self._kernels[kernel_id]
        kernel.execution_state = "starting"
        kernel.reason = ""
        kernel.last_activity = utcnow()
        kernel._activity_stream = kernel.connect_iopub()
        session = kernel.session

        def record_activity(msg_list):
            self.last_kernel_activity = kernel.last_activity = utcnow()
            _, parts = session.feed_identities(msg_list)
            # parts: signature, header, parent header, metadata, content, buffers…
            if len(parts) >= 5 and session.unpack(parts[1]).get("msg_type") == "status":
                kernel.execution_state = session.unpack(parts[4]).get("execution_state", kernel.execution_state)

        kernel._activity_stream.on_recv(record_activity)
