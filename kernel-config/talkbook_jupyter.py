"""Jupyter-side pieces of Talkbook's kernel isolation, loaded by jupyter_server_config.py.

With the `ipc` transport, jupyter_client puts every kernel's sockets next to its connection file
in the shared runtime folder, where any kernel could reach them. This kernel manager gives each
kernel a private folder instead (`kernel-<id>.d/`, mode 0700) holding its sockets; the sandbox
launcher shows a kernel only its own folder.
"""
import asyncio
import json
import os
import shutil

from jupyter_client.ioloop import AsyncIOLoopKernelManager
from traitlets import default


# Running cleanups (asyncio keeps only weak references to tasks).
_background = set()


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
            # In the background: a shutdown never waits for the kernel's last processes to leave.
            task = asyncio.ensure_future(self._remove_sandbox_record())
            _background.add(task)
            task.add_done_callback(_background.discard)

    async def _remove_sandbox_record(self):
        """The launcher's notes on this kernel (`kernel-<id>.sandbox`: its cgroups; `.exit`: its
        exit status): the kernel is gone for good, so its cgroups go too, once its last
        processes have left them (tried for 2 s). A record whose groups stay busy is kept for the
        server to sweep when Jupyter stops."""
        base = os.path.splitext(self.connection_file)[0]
        try:
            with open(base + ".sandbox") as f:
                groups = [g for g in json.load(f).get("groups", []) if isinstance(g, str) and g.startswith("/sys/fs/cgroup/")]
        except (OSError, ValueError):
            groups = []
        for _ in range(40):
            for group in list(groups):
                try:
                    os.rmdir(group)
                except FileNotFoundError:
                    pass
                except OSError:
                    continue
                groups.remove(group)
            if not groups:
                break
            await asyncio.sleep(0.05)
        if groups:
            return
        for suffix in (".sandbox", ".exit"):
            try:
                os.unlink(base + suffix)
            except OSError:
                pass


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
