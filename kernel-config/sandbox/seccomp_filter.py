"""The seccomp filter every kernel runs under (bubblewrap `--seccomp FD`), built with libseccomp
(Debian's python3-seccomp) at each kernel start.

It takes away kernel interfaces that analysis code never needs and that are a large share of
local privilege escalations, answering EPERM (never killing the kernel):
- io_uring (io_uring_setup, io_uring_enter, io_uring_register), userfaultfd, bpf,
  perf_event_open, the key management calls (keyctl, add_key, request_key);
- the mount family (mount, umount2, pivot_root, chroot, fsopen, fsconfig, fsmount, fspick,
  move_mount, open_tree, mount_setattr) and setns;
- unshare and clone with any new-namespace flag (so no new user namespace, where an unprivileged
  process would get capabilities back). clone3 passes its flags in memory a filter cannot read,
  so it answers ENOSYS, which makes glibc fall back to clone (threads and subprocesses work).
The same rules apply to every ABI of the machine (on x86-64 also i386 and x32); a syscall of any
other architecture gets EPERM.
"""
import errno
import os

DENIED = (
    "io_uring_setup", "io_uring_enter", "io_uring_register",
    "userfaultfd", "bpf", "perf_event_open",
    "keyctl", "add_key", "request_key",
    "mount", "umount", "umount2", "pivot_root", "chroot",
    "fsopen", "fsconfig", "fsmount", "fspick", "move_mount", "open_tree", "mount_setattr",
    "setns",
)
CLONE_NEWTIME = 0x00000080
NAMESPACE_FLAGS = (
    0x00020000,  # CLONE_NEWNS
    0x02000000,  # CLONE_NEWCGROUP
    0x04000000,  # CLONE_NEWUTS
    0x08000000,  # CLONE_NEWIPC
    0x10000000,  # CLONE_NEWUSER
    0x20000000,  # CLONE_NEWPID
    0x40000000,  # CLONE_NEWNET
)


def filter_fd():
    """A descriptor holding the compiled BPF program, or None when libseccomp is not installed."""
    try:
        import seccomp
    except ImportError:
        return None
    f = seccomp.SyscallFilter(defaction=seccomp.ALLOW)
    f.set_attr(seccomp.Attr.ACT_BADARCH, seccomp.ERRNO(errno.EPERM))
    native = seccomp.system_arch()
    if native == seccomp.Arch.X86_64:
        for arch in (seccomp.Arch.X86, seccomp.Arch.X32):
            try:
                f.add_arch(arch)
            except Exception:
                pass
    deny = seccomp.ERRNO(errno.EPERM)
    for name in DENIED:
        _rule(f, deny, name)
    for flag in NAMESPACE_FLAGS + (CLONE_NEWTIME,):
        _rule(f, deny, "unshare", seccomp.Arg(0, seccomp.MASKED_EQ, flag, flag))
    for flag in NAMESPACE_FLAGS:  # in clone's flags the low byte is the exit signal, not CLONE_NEWTIME
        _rule(f, deny, "clone", seccomp.Arg(0, seccomp.MASKED_EQ, flag, flag))
    _rule(f, seccomp.ERRNO(errno.ENOSYS), "clone3")
    fd = os.memfd_create("talkbook-seccomp", 0)
    with os.fdopen(os.dup(fd), "wb") as out:
        f.export_bpf(out)
    os.lseek(fd, 0, os.SEEK_SET)
    return fd


def _rule(f, action, name, *args):
    try:
        f.add_rule(action, name, *args)
    except Exception:
        pass  # a syscall this libseccomp or architecture does not know
