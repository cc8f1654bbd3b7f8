"""Baseline for `npm run bench`: a bare jupyter_client on a kernel of Talkbook's own spec.

    bare-kernel.py <kernel-config dir> <workspace dir> <runtime dir>

Starts the sandboxed `python3` spec as the embedded Jupyter server does: JUPYTER_PATH is
kernel-config, the ipc transport, talkbook_jupyter.TalkbookKernelManager (a private socket
folder per kernel), TALKBOOK_SANDBOX from the caller's environment, the workspace as working
directory. Then drives the kernel with a BlockingKernelClient, answering commands read from
stdin with one JSON line each on stdout:

    ready                 -> {"startMs": …}            (printed once the kernel answered)
    rt <n>                -> {"roundTripMs": [...]}     n cells `1+1`, each until reply + idle
    tp <lines>            -> {"ms": …, "chars": …}     one cell printing <lines> short lines,
                                                        until the last stream byte and idle
    run <json code>       -> {"ms": …}                 any cell, until reply + idle
    quit
"""
import asyncio
import json
import os
import sys
import time
import uuid

kernel_config, workspace, runtime = sys.argv[1], sys.argv[2], sys.argv[3]
os.environ["JUPYTER_PATH"] = kernel_config
os.environ["JUPYTER_RUNTIME_DIR"] = runtime
sys.path.insert(0, kernel_config)

from jupyter_client.blocking import BlockingKernelClient  # noqa: E402
from talkbook_jupyter import TalkbookKernelManager  # noqa: E402


def run(kc, code, on_msg=None):
    """Execute and wait for both the iopub `idle` and the shell reply, as Talkbook does."""
    msg_id = kc.execute(code)
    while True:
        msg = kc.get_iopub_msg(timeout=300)
        if msg["parent_header"].get("msg_id") != msg_id:
            continue
        if on_msg:
            on_msg(msg)
        if msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
            break
    while True:
        reply = kc.get_shell_msg(timeout=300)
        if reply["parent_header"].get("msg_id") == msg_id:
            return reply


# Answers go to the original stdout and errors to the original stderr; the kernel (which
# inherits fd 1 and 2) writes elsewhere.
answers = os.fdopen(os.dup(1), "w")
sys.stderr = os.fdopen(os.dup(2), "w")
_sink = os.open(os.environ.get("BARE_KERNEL_LOG") or os.devnull, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
os.dup2(_sink, 1)
os.dup2(_sink, 2)


def say(value):
    answers.write(json.dumps(value) + "\n")
    answers.flush()


async def start():
    # As jupyter_server's MappingKernelManager does: the connection file is named before the
    # manager picks its (private, per-kernel) ipc socket folder from it.
    connection_file = os.path.join(runtime, "kernel-%s.json" % uuid.uuid4())
    km = TalkbookKernelManager(kernel_name="python3", transport="ipc", connection_file=connection_file)
    await km.start_kernel(cwd=workspace)
    return km


def main():
    loop = asyncio.new_event_loop()
    began = time.perf_counter()
    km = loop.run_until_complete(start())
    kc = BlockingKernelClient()
    kc.load_connection_info(km.get_connection_info())
    # No heartbeat channel: a kernel slow to start (a loaded machine) would fail its first beats
    # and count as dead; kernel_info answering is what "ready" means here, as for Talkbook.
    kc.start_channels(hb=False)
    try:
        kc.wait_for_ready(timeout=60)
        say({"startMs": (time.perf_counter() - began) * 1000})
        for line in sys.stdin:
            command, _, arg = line.strip().partition(" ")
            if command == "rt":
                trips = []
                for _ in range(int(arg)):
                    t0 = time.perf_counter()
                    run(kc, "1+1")
                    trips.append((time.perf_counter() - t0) * 1000)
                say({"roundTripMs": trips})
            elif command == "tp":
                received = [0]

                def count(msg):
                    if msg["msg_type"] == "stream":
                        received[0] += len(msg["content"]["text"])

                t0 = time.perf_counter()
                run(kc, "for i in range(%d):\n    print(i)" % int(arg), count)
                say({"ms": (time.perf_counter() - t0) * 1000, "chars": received[0]})
            elif command == "run":
                t0 = time.perf_counter()
                run(kc, json.loads(arg))
                say({"ms": (time.perf_counter() - t0) * 1000})
            elif command == "quit":
                break
    finally:
        kc.stop_channels()
        loop.run_until_complete(km.shutdown_kernel(now=True))
        loop.close()


main()
