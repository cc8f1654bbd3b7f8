"""Configuration for the Jupyter server that Talkbook embeds (and for kernel images).

Talkbook talks to this server over loopback with a token; browsers and kernels never do.
"""
from jupyter_server.services.kernels.handlers import ZMQChannelsHandler

c = get_config()  # noqa: F821  (provided by Jupyter's config loader)

c.ServerApp.open_browser = False
c.ServerApp.terminals_enabled = False
# Talkbook coalesces and caps output itself; Jupyter's limiter would silently drop
# large images and fast output (it counts bytes of streams only), so it is off.
c.ServerApp.iopub_data_rate_limit = 0
c.ServerApp.iopub_msg_rate_limit = 0
# With both limits off the limiter only costs time (it unpacks every iopub header).
c.ServerApp.limit_rate = False
c.ContentsManager.allow_hidden = False
c.FileContentsManager.delete_to_trash = False
# Only the kernel specs Talkbook ships (the sandboxed launchers), not whatever is installed.
c.KernelSpecManager.ensure_native_kernel = False


# Jupyter Server 1.x leaves Nagle's algorithm on for kernel websockets, so every small
# message waits for the previous one's ACK (~40 ms per round trip). Turn it off.
_open = ZMQChannelsHandler.open


def _open_nodelay(self, *args, **kwargs):
    self.set_nodelay(True)
    return _open(self, *args, **kwargs)


ZMQChannelsHandler.open = _open_nodelay


# Kernel isolation (see sandbox/launch.py). Talkbook passes TALKBOOK_SANDBOX; a kernel image
# sets it in its environment. With the sandbox on, kernels talk to Jupyter over unix sockets
# (the `ipc` transport) in a private folder per kernel, so they need no network at all.
import json as _json
import os as _os
import sys as _sys

_here = _os.path.dirname(_os.path.abspath(__file__))
_sys.path[:0] = [_here, _os.path.join(_here, "sandbox")]
try:
    _sandbox = _json.loads(_os.environ.get("TALKBOOK_SANDBOX") or "{}")
except ValueError:
    _sandbox = {}
if _sandbox.get("enabled", True):
    c.KernelManager.transport = "ipc"
    c.MappingKernelManager.kernel_manager_class = "talkbook_jupyter.TalkbookKernelManager"
# Workspaces are private: what this server creates is its own (0600/0700) until the contents
# manager hands it to the workspace's user.
_os.umask(0o077)

# Jupyter's activity watcher, without the full deserialization of every iopub message.
c.ServerApp.kernel_manager_class = "talkbook_jupyter.TalkbookMappingKernelManager"
# The contents API never follows a symbolic link (kernels can plant them in their workspaces),
# keeps no checkpoints and hands uploads to the workspace's user (talkbook_contents.py).
c.ServerApp.contents_manager_class = "talkbook_contents.TalkbookContentsManager"
# Deleting a conversation removes its whole workspace.
c.FileContentsManager.always_delete_dir = True
# Notice a dead kernel within half a second (Jupyter then restarts it and Talkbook fails the
# running cell right away instead of waiting for a reply that never comes).
c.KernelRestarter.time_to_dead = 0.5
