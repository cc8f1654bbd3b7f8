"""Start an IPython kernel with nothing it should not have.

Jupyter hands a kernel a copy of its own environment; this launcher replaces it with an
allowlist, so no secret of the Talkbook server (API keys, tokens) can reach model-written
code. The working directory (set by Jupyter from the kernel's `path`) is the conversation's
workspace.
"""
import os
import sys
import tempfile

ALLOWED = ("LANG", "LC_ALL", "LC_CTYPE", "TZ", "JPY_PARENT_PID")


def main() -> None:
    connection_file = sys.argv[1]
    private = tempfile.mkdtemp(prefix="talkbook-kernel-")
    env = {name: os.environ[name] for name in ALLOWED if name in os.environ}
    env.update(
        PATH="/usr/local/bin:/usr/bin:/bin",
        HOME=private,
        TMPDIR=private,
        IPYTHONDIR=os.path.join(private, "ipython"),
        MPLCONFIGDIR=os.path.join(private, "matplotlib"),
        MPLBACKEND="module://matplotlib_inline.backend_inline",
        PYTHONDONTWRITEBYTECODE="1",
    )
    env.setdefault("LANG", "C.UTF-8")
    python = sys.executable
    os.execve(python, [python, "-m", "ipykernel_launcher", "-f", connection_file], env)


if __name__ == "__main__":
    main()
