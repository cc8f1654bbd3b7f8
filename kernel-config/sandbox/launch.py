"""Start a kernel inside Talkbook's sandbox.

    launch.py {connection_file} -- <kernel command, with @CONNECTION@ for the connection file>

Run by Jupyter for every kernel (see kernels/*/kernel.json). The kernel gets:
- an environment built from an allowlist: none of the server's secrets;
- a parent-death signal: it never outlives the Jupyter server;
- with bubblewrap (unless TALKBOOK_SANDBOX says it is off): new PID, network, IPC and mount
  namespaces (and a user namespace when not started as root); the system read-only (/usr, /etc,
  /dev); its workspace (the working directory Jupyter chose) at /workspace and its checkpoint
  folder at /checkpoints (beside it, never inside) as the only writable folders on disk, a /tmp
  and a /dev/shm of fixed sizes; only its own socket folder of the runtime directory; no network
  unless the deployment opted in; a seccomp filter (seccomp_filter.py); it
  dies with its parent;
- when started as root: its own unprivileged user id (derived from the workspace, which becomes
  private to it), no capabilities, no_new_privs, and cgroups of its own (kernel_cgroups.py: one
  memory cap for all its processes and tmpfs pages, a process cap, a fair CPU share);
- limits per process on address space (memory), process count and file size (the workspace
  quota), which bite because the user is not root.

Settings come from TALKBOOK_SANDBOX (JSON) in the Jupyter server's environment (sandbox_settings.py).
"""
import json
import os
import resource
import signal
import stat
import sys

import kernel_cgroups
import seccomp_filter
from sandbox_settings import settings
from workspace_owner import own_tree, uid_for

ALLOWED = ("LANG", "LC_ALL", "LC_CTYPE", "TZ", "OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")
SYSTEM_PATH = "/usr/local/bin:/usr/bin:/bin"
INNER = "/run/kernel"
# Python startup modules (the talkbook_display IPython extension), read-only inside the sandbox.
STARTUP = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "startup")
INNER_STARTUP = "/opt/talkbook/startup"
# The conversation's checkpoint folder (kernel checkpoints, issue 19) as its kernel sees it.
INNER_CHECKPOINTS = "/checkpoints"
# /dev/shm per kernel (multiprocessing, PyTorch data loaders), as Docker's default.
SHM_MB = 64


def startup_mount():
    """bubblewrap argv showing STARTUP read-only at INNER_STARTUP (with parents the kernel can traverse)."""
    parents = []
    for folder in ("/opt", "/opt/talkbook"):
        parents += ["--perms", "0755", "--dir", folder]
    return parents + ["--ro-bind", STARTUP, INNER_STARTUP]


def kernel_env(home, extra):
    env = {name: os.environ[name] for name in ALLOWED if name in os.environ}
    env.setdefault("LANG", "C.UTF-8")
    env.update(
        PATH=SYSTEM_PATH,
        HOME=home,
        TMPDIR="/tmp",
        IPYTHONDIR=os.path.join(home, ".ipython"),
        MPLCONFIGDIR=os.path.join(home, ".matplotlib"),
        MPLBACKEND="module://matplotlib_inline.backend_inline",
        PYTHONDONTWRITEBYTECODE="1",
        MALLOC_ARENA_MAX="2",
    )
    env.update(extra)
    return env


def limits(cfg):
    # Per process: one allocation past the memory cap fails in that cell (MemoryError) instead of
    # getting a process killed; the memory cgroup caps all of the kernel's processes together.
    mem = cfg["memory_mb"] * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (mem, mem))
    resource.setrlimit(resource.RLIMIT_NPROC, (cfg["max_procs"], cfg["max_procs"]))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    # No single file bigger than the workspace quota (writes past it fail with EFBIG; SIGXFSZ is
    # ignored so they fail rather than kill the process).
    if cfg["workspace_mb"] > 0:
        size = cfg["workspace_mb"] * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_FSIZE, (size, size))
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    # Kernels yield the CPU to the server: a busy or fork-bombing kernel cannot starve it.
    os.nice(10)


def die_with_jupyter():
    """The parent-death signal: when the Jupyter server dies, so does this launcher and what it
    becomes (bubblewrap, or the kernel itself without the sandbox), whoever kills Jupyter and
    however. A Jupyter already gone before this ran (no process JPY_PARENT_PID) starts nothing."""
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL, 0, 0, 0)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        return
    parent = os.environ.get("JPY_PARENT_PID", "")
    if not parent.isdigit():
        return
    try:
        os.kill(int(parent), 0)
    except ProcessLookupError:
        sys.exit("talkbook sandbox: the Jupyter server that started this kernel is gone")
    except OSError:
        pass


def main():
    die_with_jupyter()
    connection_file = sys.argv[1]
    command = sys.argv[sys.argv.index("--") + 1:]
    cfg = settings()
    workspace = os.path.realpath(os.getcwd())
    # Jupyter falls back to a parent folder when a kernel's path does not exist; a kernel must
    # never get (or chown) anything but one workspace folder directly under the workspace root.
    root = cfg["workspace_root"]
    if cfg["enabled"] and (not root or os.path.dirname(workspace) != os.path.realpath(root)):
        sys.exit(
            "talkbook sandbox: refusing to start a kernel in %s: it is not a workspace folder directly "
            "under the workspace root %s (TALKBOOK_SANDBOX workspaceRoot)" % (workspace, root)
        )
    # Workspace files are private to the kernel's user (0600, folders 0700).
    os.umask(0o077)
    checkpoints = checkpoint_folder(cfg, workspace)

    if not cfg["enabled"]:
        env = kernel_env(os.path.join("/tmp", "talkbook-home-%d" % os.getpid()), {"PYTHONPATH": STARTUP})
        if checkpoints:
            env["KERNEL_CHECKPOINT_DIR"] = checkpoints
        if "JPY_PARENT_PID" in os.environ:
            env["JPY_PARENT_PID"] = os.environ["JPY_PARENT_PID"]
        os.makedirs(env["HOME"], mode=0o700, exist_ok=True)
        command = [part.replace("@CONNECTION@", connection_file) for part in command]
        limits_only = dict(cfg, max_procs=cfg["max_procs"] * 16)
        limits(limits_only) if os.getuid() != 0 else None
        os.execvpe(command[0], command, env)

    with open(connection_file) as f:
        connection = json.load(f)
    if connection.get("transport") != "ipc":
        sys.exit("talkbook sandbox: the kernel must use the ipc transport (KernelManager.transport = 'ipc')")
    # The kernel's private socket folder appears inside the sandbox at INNER; the sockets it
    # binds there are the same files Jupyter connects to outside.
    private = os.path.dirname(connection["ip"])
    inner_connection = os.path.join(private, "connection.json")
    fd = os.open(inner_connection, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as f:
        json.dump(dict(connection, ip=os.path.join(INNER, "ipc")), f)

    name = os.path.basename(private)[: -len(".d")] or "kernel"
    runtime = os.path.dirname(os.path.abspath(connection_file))
    drop, mounts = [], []
    if os.getuid() == 0:
        record_sandbox(runtime, name, cfg, kernel_cgroups.enter(name, cfg["memory_mb"], cfg["max_procs"]), mounts)
        # bubblewrap runs as root (so it can reach the folders it mounts) and the kernel then
        # becomes its own unprivileged user with no capabilities and no way back.
        uid = uid_for(workspace)
        os.chown(private, uid, uid)
        os.chown(inner_connection, uid, uid)
        own_tree(workspace, uid)
        if checkpoints:
            own_tree(checkpoints, uid)
        namespaces = ["--unshare-pid", "--unshare-ipc", "--unshare-uts", "--unshare-cgroup-try"]
        drop = [
            "/usr/bin/setpriv", "--reuid=%d" % uid, "--regid=%d" % uid, "--clear-groups",
            "--no-new-privs", "--inh-caps=-all", "--bounding-set=-all", "--",
        ]
    else:
        namespaces = ["--unshare-user", "--disable-userns", "--unshare-pid", "--unshare-ipc", "--unshare-uts", "--unshare-cgroup-try"]
    if not cfg["network"]:
        namespaces.append("--unshare-net")
    syscalls = seccomp_filter.filter_fd()
    if syscalls is None:
        sys.stderr.write("talkbook sandbox: python3-seccomp is not installed; this kernel runs without its seccomp filter\n")
    mib = 1024 * 1024
    bwrap = [
        "/usr/bin/bwrap",
        *namespaces,
        "--die-with-parent",
        *(["--seccomp", str(inheritable(syscalls))] if syscalls is not None else []),
        # bubblewrap writes the kernel's exit status here (read when it dies: was it the OOM killer?)
        "--json-status-fd", str(inheritable(os.open(
            os.path.join(runtime, name + ".exit"), os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_CLOEXEC, 0o600))),
        "--ro-bind", "/usr", "/usr",
        "--symlink", "usr/lib", "/lib",
        "--symlink", "usr/lib64", "/lib64",
        "--symlink", "usr/bin", "/bin",
        "--symlink", "usr/sbin", "/sbin",
        "--ro-bind", "/etc", "/etc",
        "--proc", "/proc",
        # /dev holds only device nodes (read-only: no unlimited tmpfs to fill); /dev/shm and /tmp
        # are RAM of a fixed size, which the memory cgroup also counts.
        "--dev", "/dev",
        "--remount-ro", "/dev",
        "--perms", "1777", "--size", str(SHM_MB * mib), "--tmpfs", "/dev/shm",
        "--perms", "1777", "--size", str(min(cfg["tmp_mb"], cfg["memory_mb"]) * mib), "--tmpfs", "/tmp",
        "--perms", "0755", "--dir", "/run",
        "--bind", private, INNER,
        "--bind", workspace, "/workspace",
        *(["--bind", checkpoints, INNER_CHECKPOINTS] if checkpoints else []),
        "--perms", "0755", "--dir", "/run/talkbook",
        "--perms", "0444", "--ro-bind-data", str(data_fd(json.dumps(kernel_limits(cfg)))), "/run/talkbook/limits.json",
        *mounts,
        *(startup_mount() if os.path.isdir(STARTUP) else []),
        "--chdir", "/workspace",
        "--",
    ]
    env = kernel_env("/tmp", {"PYTHONPATH": INNER_STARTUP, **({"KERNEL_CHECKPOINT_DIR": INNER_CHECKPOINTS} if checkpoints else {})})
    command = [part.replace("@CONNECTION@", os.path.join(INNER, "connection.json")) for part in command]
    limits(cfg)
    # Jupyter interrupts "signal"-mode kernels (IRkernel) with SIGINT to the whole process group,
    # which would kill bubblewrap and the kernel with it: bubblewrap ignores SIGINT (inherited
    # across exec), and `env` gives the kernel the default action back.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    argv = bwrap + drop + ["/usr/bin/env", "--default-signal=INT"] + command
    os.execve(argv[0], argv, env)


def checkpoint_folder(cfg, workspace):
    """The kernel's checkpoint folder, <checkpointRoot>/<workspace name>, made (0700) if missing;
    None without a checkpoint root. The root is the server's (no kernel sees it), so nothing in
    it can be a link a kernel planted; the folder itself is refused if it is anything but a folder."""
    root = cfg.get("checkpoint_root")
    if not root:
        return None
    os.makedirs(root, mode=0o700, exist_ok=True)
    folder = os.path.join(os.path.realpath(root), os.path.basename(workspace))
    try:
        os.mkdir(folder, 0o700)
    except FileExistsError:
        pass
    info = os.lstat(folder)
    if not stat.S_ISDIR(info.st_mode):
        sys.exit("talkbook sandbox: refusing to start a kernel: its checkpoint folder %s is not a folder" % folder)
    return folder


def kernel_limits(cfg):
    """What the kernel is told about its limits (/run/talkbook/limits.json, read by talkbook_limits)."""
    return {"memoryMb": cfg["memory_mb"], "workspaceMb": cfg["workspace_mb"], "tmpMb": cfg["tmp_mb"], "shmMb": SHM_MB}


def record_sandbox(runtime, name, cfg, cgroups, mounts):
    """Note the kernel's cgroups in the runtime folder (root only, never inside a sandbox), for the
    server to tell an OOM kill from another death and to remove the groups afterwards. Written at
    the first start of a kernel id only: a restart after an OOM kill must not hide that kill."""
    path = os.path.join(runtime, name + ".sandbox")
    if not os.path.exists(path):
        record = {"memoryMb": cfg["memory_mb"], "groups": cgroups["groups"],
                  "memoryEvents": cgroups["memoryEvents"], "oomKillsAtStart": cgroups["oomKills"]}
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as f:
            json.dump(record, f)
    if cgroups["memoryEvents"]:
        # The kernel reads its own OOM count (to say in a cell that a process of it was killed).
        mounts += ["--ro-bind", cgroups["memoryEvents"], "/run/talkbook/memory-events"]


def inheritable(fd):
    os.set_inheritable(fd, True)
    return fd


def data_fd(text):
    """A descriptor bubblewrap reads `text` from (a pipe: small data only)."""
    read, write = os.pipe()
    os.write(write, text.encode())
    os.close(write)
    return inheritable(read)


if __name__ == "__main__":
    main()
