"""Put a kernel (the launcher, and so everything it starts) in cgroups of its own, where the host
lets root do that: CPU shared fairly between kernels (all kernels together weigh half of what the
server does), one process cap for the whole tree, and one memory cap for the whole tree — every
child process and every tmpfs page (/tmp, /dev/shm) counts against TALKBOOK_KERNEL_MEMORY_MB, and
going over it gets a process of the kernel killed by the kernel's OOM killer.

cgroup v1 (a hierarchy per controller under /sys/fs/cgroup/<controller>) and v2 (one unified
hierarchy at /sys/fs/cgroup) are both handled. Groups are made below the cgroup the Jupyter
server runs in (`<that>/talkbook/kernel-<id>`), so a host's or container's own limits keep
applying. On v2 that needs the server's cgroup to delegate controllers to children (a container
with its own cgroup namespace, or a systemd unit with Delegate=yes whose Talkbook runs in a leaf);
where it does not, kernels run without these groups (and the rlimits still apply).
"""
import os

ROOT = "/sys/fs/cgroup"
# Controllers and what each kernel's group gets. cpu: v1 shares / v2 weight relative to the
# `talkbook` parent; the parent itself weighs half of a normal group.
CONTROLLERS = ("cpu", "pids", "memory")


def enter(name, memory_mb, max_procs, root=ROOT, own="/proc/self/cgroup"):
    """Move this process into `talkbook/<name>` in each controller it can; return
    {"groups": [paths], "memoryEvents": path or None, "oomKills": count now}.
    (`root` and `own` are the cgroup mount and this process's cgroup list, for tests.)"""
    try:
        lines = [line.rstrip("\n").split(":", 2) for line in open(own) if line.count(":") >= 2]
    except OSError:
        return {"groups": [], "memoryEvents": None, "oomKills": 0}
    v1 = {}
    unified = None
    for _, controllers, path in lines:
        if controllers == "":
            unified = path
        for controller in controllers.split(","):
            v1[controller] = path
    limits = {"memory": memory_mb * 1024 * 1024, "pids": max_procs}
    groups, events = [], None
    for controller in CONTROLLERS:
        if controller in v1 and os.path.isdir(os.path.join(root, controller)):
            group = _enter_v1(controller, os.path.join(root, controller) + v1[controller], name, limits)
            if group:
                groups.append(group)
                if controller == "memory":
                    events = os.path.join(group, "memory.oom_control")
    if unified is not None and os.path.exists(os.path.join(root, "cgroup.controllers")):
        wanted = [c for c in CONTROLLERS if c not in v1 and _available_v2(root, c)]
        if wanted:
            group = _enter_v2(root + unified.rstrip("/"), name, wanted, limits)
            if group:
                groups.append(group)
                if "memory" in wanted:
                    events = os.path.join(group, "memory.events")
    return {"groups": groups, "memoryEvents": events, "oomKills": oom_kills(events)}


def oom_kills(events):
    """How many processes of the group the OOM killer killed (`oom_kill N` in both versions)."""
    if not events:
        return 0
    try:
        for line in open(events):
            key, _, value = line.partition(" ")
            if key == "oom_kill":
                return int(value)
    except (OSError, ValueError):
        pass
    return 0


def remove(groups):
    """Remove a finished kernel's (empty) groups; best effort."""
    for group in groups:
        try:
            os.rmdir(group)
        except OSError:
            pass


def _write(path, value):
    with open(path, "w") as f:
        f.write(str(value))


def _enter_v1(controller, base, name, limits):
    try:
        parent = os.path.join(base, "talkbook")
        os.makedirs(parent, exist_ok=True)
        if controller == "cpu":
            _write(os.path.join(parent, "cpu.shares"), 512)
        group = os.path.join(parent, name)
        os.makedirs(group, exist_ok=True)
        if controller == "cpu":
            _write(os.path.join(group, "cpu.shares"), 1024)
        elif controller == "pids":
            _write(os.path.join(group, "pids.max"), limits["pids"])
        elif controller == "memory":
            _write(os.path.join(group, "memory.limit_in_bytes"), limits["memory"])
            # With swap, the cap covers memory and swap together.
            if os.path.exists(os.path.join(group, "memory.memsw.limit_in_bytes")):
                try:
                    _write(os.path.join(group, "memory.memsw.limit_in_bytes"), limits["memory"])
                except OSError:
                    pass
        _write(os.path.join(group, "cgroup.procs"), os.getpid())
        return group
    except OSError:
        return None


def _available_v2(root, controller):
    try:
        return controller in open(os.path.join(root, "cgroup.controllers")).read().split()
    except OSError:
        return False


def _enter_v2(base, name, controllers, limits):
    enable = " ".join("+" + c for c in controllers)
    try:
        parent = os.path.join(base, "talkbook")
        # Fails (EBUSY) when the server's own cgroup holds processes and is not the root: then
        # it cannot delegate, and kernels go without.
        _write(os.path.join(base, "cgroup.subtree_control"), enable)
        os.makedirs(parent, exist_ok=True)
        _write(os.path.join(parent, "cgroup.subtree_control"), enable)
        if "cpu" in controllers:
            _write(os.path.join(parent, "cpu.weight"), 50)
        group = os.path.join(parent, name)
        os.makedirs(group, exist_ok=True)
        if "pids" in controllers:
            _write(os.path.join(group, "pids.max"), limits["pids"])
        if "memory" in controllers:
            _write(os.path.join(group, "memory.max"), limits["memory"])
            try:
                _write(os.path.join(group, "memory.swap.max"), 0)
            except OSError:
                pass
        _write(os.path.join(group, "cgroup.procs"), os.getpid())
        return group
    except OSError:
        return None
