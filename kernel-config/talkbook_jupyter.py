"""Jupyter-side pieces of Talkbook's kernel isolation, loaded by jupyter_server_config.py.

With the `ipc` transport, jupyter_client puts every kernel's sockets next to its connection file
in the shared runtime folder, where any kernel could reach them. This kernel manager gives each
kernel a private folder instead (`kernel-<id>.d/`, mode 0700) holding its sockets; the sandbox
launcher shows a kernel only its own folder.
"""
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
