"""Tell a cell when the sandbox's limits bit it (an IPython extension loaded into every Python kernel).

The sandbox launcher shows each kernel its limits (/run/talkbook/limits.json) and its memory
cgroup's OOM count (/run/talkbook/memory-events). After each cell this says, on stderr:
- that a process of the cell was killed by the OOM killer: the kernel's processes together
  (/tmp and /dev/shm included) went past TALKBOOK_KERNEL_MEMORY_MB, and the kernel itself lived
  (when the kernel is the one killed, the server says so instead);
- that the workspace is over its quota (TALKBOOK_WORKSPACE_MB), so uploads are refused.
A courtesy to whoever reads the cell, not a limit: the cell's own code could turn it off.
"""
import json
import os
import stat
import sys

LIMITS = "/run/talkbook/limits.json"
EVENTS = "/run/talkbook/memory-events"
WORKSPACE = "/workspace"
MIB = 1024 * 1024


def oom_kills():
    try:
        for line in open(EVENTS):
            key, _, value = line.partition(" ")
            if key == "oom_kill":
                return int(value)
    except (OSError, ValueError):
        pass
    return 0


def workspace_bytes(top=WORKSPACE, budget=100_000):
    """Bytes in the workspace's regular files (links not followed); at most `budget` entries looked at."""
    total, pending = 0, [top]
    while pending and budget > 0:
        try:
            with os.scandir(pending.pop()) as entries:
                for entry in entries:
                    budget -= 1
                    info = entry.stat(follow_symlinks=False)
                    if stat.S_ISDIR(info.st_mode):
                        pending.append(entry.path)
                    elif stat.S_ISREG(info.st_mode):
                        total += info.st_size
        except OSError:
            continue
    return total


class LimitNotices:
    def __init__(self, limits):
        self.limits = limits
        self.kills = oom_kills()

    def post_run_cell(self, result):
        kills = oom_kills()
        if kills > self.kills:
            killed = "A process of this cell was" if kills - self.kills == 1 else "%d processes of this cell were" % (kills - self.kills)
            sys.stderr.write(
                "%s killed: out of memory at %d MB (TALKBOOK_KERNEL_MEMORY_MB). The kernel's processes together, "
                "/tmp and /dev/shm included, may use that much; the kernel itself is still running.\n"
                % (killed, self.limits.get("memoryMb", 0))
            )
        self.kills = kills
        quota = self.limits.get("workspaceMb") or 0
        if quota > 0 and os.path.isdir(WORKSPACE):
            used = workspace_bytes()
            if used > quota * MIB:
                sys.stderr.write(
                    "The workspace holds %.1f MB, over its quota of %d MB (TALKBOOK_WORKSPACE_MB): uploads are "
                    "refused until files are deleted.\n" % (used / MIB, quota)
                )


def load_ipython_extension(ip):
    try:
        with open(LIMITS) as f:
            limits = json.load(f)
    except (OSError, ValueError):
        return  # not in Talkbook's sandbox
    ip.events.register("post_run_cell", LimitNotices(limits).post_run_cell)
