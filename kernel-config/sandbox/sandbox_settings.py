"""TALKBOOK_SANDBOX (JSON), set by Talkbook in the Jupyter server's environment (or by a kernel
image), read by the sandbox launcher and the contents manager:
{"enabled": true, "network": false, "memoryMb": 2048, "maxProcs": 256, "tmpMb": 512,
 "workspaceMb": 5120, "workspaceRoot": "/path/to/workspaces", "checkpointRoot": "/path/to/checkpoints"}

checkpointRoot (optional): each kernel's checkpoint folder is <checkpointRoot>/<its workspace's
name>, mounted at /checkpoints beside /workspace (never inside it; no other conversation's).
"""
import json
import os


def settings():
    try:
        raw = json.loads(os.environ.get("TALKBOOK_SANDBOX") or "{}")
    except ValueError:
        raw = {}
    memory_mb = int(raw.get("memoryMb", 2048))
    return {
        "enabled": bool(raw.get("enabled", True)),
        "network": bool(raw.get("network", False)),
        "memory_mb": memory_mb,
        "max_procs": int(raw.get("maxProcs", 256)),
        # /tmp is RAM (counted in the kernel's memory): a quarter of it unless set.
        "tmp_mb": int(raw.get("tmpMb") or max(16, memory_mb // 4)),
        "workspace_mb": int(raw.get("workspaceMb", 5120)),
        "workspace_root": raw.get("workspaceRoot"),
        "checkpoint_root": raw.get("checkpointRoot"),
    }
