"""Kernel checkpoints for Talkbook: after every cell that ran without error the kernel saves
its variables (incrementally, co-variables together, content-addressed), its modules, its
random state and its workspace files into a per-conversation folder, and can restore any of
them: undo a cell, branch a conversation, wake a hibernated kernel. See README.md."""
from .comm import TARGET, VERSION, follow_cells, handle, serve
from .engine import Engine, Options
from .restore import restore, undo
from .transfer import copy_checkpoint

__all__ = ["TARGET", "VERSION", "Engine", "Options", "copy_checkpoint", "follow_cells", "handle", "restore", "serve", "undo"]
