"""Who owns a workspace: with the sandbox on and Talkbook running as root, each workspace gets
its own unprivileged uid (its kernel runs as that user), and its files are private to it:
folders 0700, files 0600. Shared by the sandbox launcher and the contents manager (uploads are
written by the root Jupyter server and handed to the workspace's user)."""
import hashlib
import os
import stat

_NOFOLLOW = os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC | os.O_NONBLOCK | os.O_NOCTTY


def uid_for(workspace):
    """A stable unprivileged uid per workspace, so each kernel counts its own processes."""
    digest = hashlib.sha256(os.path.realpath(workspace).encode()).digest()
    return 200_000 + int.from_bytes(digest[:4], "big") % 1_000_000


def owner_of(workspace, sandbox_enabled):
    """The uid that should own `workspace`'s files, or None (they stay the server's user's)."""
    if not sandbox_enabled or os.getuid() != 0:
        return None
    return uid_for(workspace)


def own_tree(workspace, uid):
    """Give every file and folder of the workspace to `uid`, private (group and others lose all
    access). By descriptors, never following a link: the tree belongs to a kernel, which may
    have planted links to host files or swap names while this runs."""
    top = os.open(workspace, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC)
    try:
        _own(top, uid)
        for _, dirs, files, dir_fd in os.fwalk(".", dir_fd=top):
            for name in dirs + files:
                try:
                    fd = os.open(name, _NOFOLLOW, dir_fd=dir_fd)
                except OSError:
                    # a link (or gone): change the link itself, never its target
                    try:
                        os.chown(name, uid, uid, dir_fd=dir_fd, follow_symlinks=False)
                    except OSError:
                        pass
                    continue
                try:
                    _own(fd, uid)
                finally:
                    os.close(fd)
    finally:
        os.close(top)


def _own(fd, uid):
    info = os.fstat(fd)
    if not (stat.S_ISREG(info.st_mode) or stat.S_ISDIR(info.st_mode)):
        return
    os.fchown(fd, uid, uid)
    os.fchmod(fd, stat.S_IMODE(info.st_mode) & 0o700)
