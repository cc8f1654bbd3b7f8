# Not a module of the package: Talkbook's server runs this text in a kernel (see
# server/kernel/kernel-checkpoints.ts, `installCheckpointsCode`) with two globals, SOURCES (the
# package's modules, name → source, as this server has them) and OPTIONS (for `serve`). It makes
# `import talkbook_checkpoint` load those sources, whatever the kernel has on disk (a gateway's
# kernel image may have none, or another version), and starts the engine.
import importlib.abc
import importlib.util
import os
import sys

PACKAGE = "talkbook_checkpoint"
for name in [n for n in sys.modules if n == PACKAGE or n.startswith(PACKAGE + ".")]:
    del sys.modules[name]
sys.meta_path[:] = [f for f in sys.meta_path if not getattr(f, "talkbook_checkpoint_sources", False)]


class Finder(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    talkbook_checkpoint_sources = True

    def key(self, fullname):
        if fullname == PACKAGE:
            return "__init__"
        return fullname[len(PACKAGE) + 1:] if fullname.startswith(PACKAGE + ".") else None

    def find_spec(self, fullname, path, target=None):
        key = self.key(fullname)
        if key not in SOURCES:
            return None
        return importlib.util.spec_from_loader(fullname, self, is_package=key == "__init__")

    def create_module(self, spec):
        return None

    def exec_module(self, module):
        key = self.key(module.__name__)
        exec(compile(SOURCES[key], "<talkbook_checkpoint/%s.py>" % key, "exec"), module.__dict__)


sys.meta_path.insert(0, Finder())
import talkbook_checkpoint  # noqa: E402

# A kernel whose sandbox mounted its conversation's checkpoint folder (KERNEL_CHECKPOINT_DIR, set
# by kernel-config/sandbox/launch.py) saves there, whatever folder the server guessed.
if os.environ.get("KERNEL_CHECKPOINT_DIR"):
    OPTIONS = dict(OPTIONS, folder=os.environ["KERNEL_CHECKPOINT_DIR"])
talkbook_checkpoint.serve(**OPTIONS)
