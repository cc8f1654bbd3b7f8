# Talkbook's workspace files through the kernel: all of them on Jupyter servers without a
# contents API (Kernel Gateway, Enterprise Gateway), downloads too big for the contents API
# elsewhere. Talkbook runs this once per Python kernel, silently, right after it starts, in a
# private namespace: with WORKSPACE set (the conversation id) it creates and enters that folder
# first; with WORKSPACE None the kernel already runs in it. Then it answers file requests on the
# `talkbook.files` comm target.
#
# One request per comm: Talkbook opens a comm whose data is {"op": ..., ...} (upload bytes in
# the message's binary buffers); the kernel answers with one comm message ({"ok": true, ...},
# download bytes in its buffers, or {"ok": false, "code": ..., "message": ...}) and closes it.
# Only plain files directly in the workspace are touched: no paths, no hidden names, links and
# devices are refused (O_NOFOLLOW, fstat), and an upload never replaces an existing file.
import os
import re
import secrets
import shutil
import stat
from datetime import datetime, timezone

if WORKSPACE:
    os.makedirs(WORKSPACE, exist_ok=True)
    os.chdir(WORKSPACE)
ROOT = os.getcwd()
MAX_CHUNK = 16 * 1024 * 1024
TEMP = re.compile(r"\.~talkbook-upload-[0-9a-f]{16}\.part")


class Refused(Exception):
    def __init__(self, code, message):
        super().__init__(message)
        self.code = code
        self.message = message


def path_of(name):
    if (
        not isinstance(name, str)
        or name in ("", ".", "..")
        or name.startswith(".")
        or "/" in name
        or "\0" in name
        or len(name.encode("utf-8", "surrogatepass")) > 255
    ):
        raise Refused("bad_name", "That is not a file name in the workspace.")
    return os.path.join(ROOT, name)


def temp_path(name):
    if not isinstance(name, str) or not TEMP.fullmatch(name):
        raise Refused("bad_name", "That is not an upload in progress.")
    return os.path.join(ROOT, name)


def describe(name, st):
    return {
        "name": name,
        "size": st.st_size,
        "modified": datetime.fromtimestamp(st.st_mtime, timezone.utc).isoformat(),
        "version": f"{st.st_dev}:{st.st_ino}:{st.st_mtime_ns}:{st.st_size}",
    }


def open_plain(name, flags=os.O_RDONLY):
    """A descriptor for a plain file in the workspace (never through a link, never a FIFO)."""
    try:
        fd = os.open(path_of(name), flags | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError:
        raise Refused("not_found", f"There is no file {name!r}.")
    st = os.fstat(fd)
    if not stat.S_ISREG(st.st_mode):
        os.close(fd)
        raise Refused("not_found", f"There is no file {name!r}.")
    return fd, st


def op_list(request, buffers):
    files = []
    with os.scandir(ROOT) as entries:
        for entry in entries:
            if entry.name.startswith("."):
                continue
            try:
                st = entry.stat(follow_symlinks=False)
            except OSError:
                continue
            if stat.S_ISREG(st.st_mode):
                files.append(describe(entry.name, st))
    return {"files": files}, []


def op_stat(request, buffers):
    fd, st = open_plain(request.get("name"))
    os.close(fd)
    return {"file": describe(request["name"], st)}, []


def op_read(request, buffers):
    fd, st = open_plain(request.get("name"))
    try:
        if describe(request["name"], st)["version"] != request.get("version"):
            raise Refused("changed", f"{request['name']!r} changed while it was being read.")
        length = max(0, min(int(request.get("length", 0)), MAX_CHUNK))
        data = os.pread(fd, length, int(request.get("offset", 0)))
    finally:
        os.close(fd)
    return {"size": len(data)}, [data]


def op_begin(request, buffers):
    name = f".~talkbook-upload-{secrets.token_hex(8)}.part"
    fd = os.open(os.path.join(ROOT, name), os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o644)
    os.close(fd)
    return {"temp": name}, []


def op_append(request, buffers):
    fd = os.open(temp_path(request.get("temp")), os.O_WRONLY | os.O_APPEND | os.O_NOFOLLOW)
    try:
        if os.fstat(fd).st_size != request.get("offset"):
            raise Refused("changed", "The upload in progress does not have the expected size.")
        for buffer in buffers:
            view = memoryview(buffer)
            while view:
                view = view[os.write(fd, view):]
        size = os.fstat(fd).st_size
    finally:
        os.close(fd)
    return {"size": size}, []


def op_claim(request, buffers):
    """Give the finished upload the first of `candidates` that is free, never replacing one."""
    temp = temp_path(request.get("temp"))
    for candidate in request.get("candidates", []):
        target = path_of(candidate)
        try:
            os.link(temp, target, follow_symlinks=False)
            os.unlink(temp)
        except FileExistsError:
            continue
        except OSError:
            # A filesystem without hard links: reserve the name, then move onto it.
            try:
                os.close(os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o644))
            except FileExistsError:
                continue
            os.replace(temp, target)
        return {"file": describe(candidate, os.lstat(target))}, []
    raise Refused("taken", "Every name offered is already taken.")


def op_abort(request, buffers):
    try:
        os.unlink(temp_path(request.get("temp")))
    except FileNotFoundError:
        pass
    return {}, []


def op_delete(request, buffers):
    target = path_of(request.get("name"))
    try:
        st = os.lstat(target)
    except FileNotFoundError:
        st = None
    if st is None or not stat.S_ISREG(st.st_mode):
        raise Refused("not_found", f"There is no file {request.get('name')!r}.")
    os.unlink(target)
    return {}, []


def op_remove_workspace(request, buffers):
    if WORKSPACE and os.path.basename(ROOT) == os.path.basename(WORKSPACE):
        shutil.rmtree(ROOT, ignore_errors=True)
    return {}, []


OPS = {
    "list": op_list,
    "stat": op_stat,
    "read": op_read,
    "begin": op_begin,
    "append": op_append,
    "claim": op_claim,
    "abort": op_abort,
    "delete": op_delete,
    "remove_workspace": op_remove_workspace,
}


def answer(comm, message):
    request = message["content"]["data"]
    out = []
    try:
        op = OPS.get(request.get("op"))
        if op is None:
            raise Refused("failed", f"Unknown file request {request.get('op')!r}.")
        reply, out = op(request, message.get("buffers") or [])
        reply["ok"] = True
    except Refused as refused:
        reply = {"ok": False, "code": refused.code, "message": refused.message}
    except Exception as error:  # reported to Talkbook, which reports it to the person
        reply = {"ok": False, "code": "failed", "message": f"{type(error).__name__}: {error}"}
    comm.send(reply, buffers=out)
    comm.close()


def comm_manager():
    from IPython import get_ipython

    kernel = getattr(get_ipython(), "kernel", None)
    manager = getattr(kernel, "comm_manager", None)
    if manager is None:
        from comm import get_comm_manager

        manager = get_comm_manager()
    return manager


comm_manager().register_target("talkbook.files", answer)
