"""Checkpoint folders from outside a kernel (Talkbook's server, with the folders on its disk):

    python3 -m talkbook_checkpoint copy <from-folder> <checkpoint-id> <to-folder> [--ancestors N]
    python3 -m talkbook_checkpoint list <folder>

Prints one JSON object; exit status 1 with {"ok": false, "code", "message"} on failure.
"""
import argparse
import json
import sys

from .store import Store, StoreError
from .transfer import copy_checkpoint


def main(argv=None):
    parser = argparse.ArgumentParser(prog="talkbook_checkpoint")
    commands = parser.add_subparsers(dest="command", required=True)
    copy = commands.add_parser("copy")
    copy.add_argument("source")
    copy.add_argument("id")
    copy.add_argument("target")
    copy.add_argument("--ancestors", type=int, default=1)
    listing = commands.add_parser("list")
    listing.add_argument("folder")
    args = parser.parse_args(argv)
    try:
        if args.command == "copy":
            reply = copy_checkpoint(args.source, args.id, args.target, args.ancestors)
        else:
            store = Store(args.folder)
            reply = {"ids": sorted(store.manifests, key=lambda i: store.manifests[i]["seq"]), "totalBytes": store.total_bytes()}
    except StoreError as error:
        print(json.dumps({"ok": False, "code": error.code, "message": error.message}))
        return 1
    except OSError as error:
        print(json.dumps({"ok": False, "code": "failed", "message": f"{type(error).__name__}: {error}"}))
        return 1
    print(json.dumps(dict(reply, ok=True)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
