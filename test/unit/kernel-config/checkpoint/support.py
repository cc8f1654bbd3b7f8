"""A kernel-like IPython shell in this process, driven cell by cell, for the engine's tests."""
import os
import shutil
import sys
import tempfile
import unittest

STARTUP = os.path.join(os.path.dirname(__file__), "..", "..", "..", "..", "kernel-config", "startup")
sys.path.insert(0, os.path.abspath(STARTUP))

from IPython.core.interactiveshell import InteractiveShell  # noqa: E402

from talkbook_checkpoint import Engine, Options, follow_cells  # noqa: E402


class ShellCase(unittest.TestCase):
    """Each test gets a fresh namespace, a workspace folder (the working directory) and a
    checkpoint folder; `kernel()` attaches an engine as a kernel that just started would."""

    options = {}

    def setUp(self):
        self.shell = InteractiveShell.instance()
        self.shell.reset(new_session=True)
        self.base = tempfile.mkdtemp(prefix="tb-ckpt-test-")
        self.workspace = os.path.join(self.base, "workspace")
        self.folder = os.path.join(self.base, "checkpoints")
        os.mkdir(self.workspace)
        self.cwd = os.getcwd()
        os.chdir(self.workspace)
        self.engine = self.kernel()

    def tearDown(self):
        os.chdir(self.cwd)
        previous = getattr(self.shell, "_talkbook_checkpoints", None)
        for event, callback in (previous or {}).get("hooks", []):
            self.shell.events.unregister(event, callback)
        self.shell._talkbook_checkpoints = None
        shutil.rmtree(self.base, ignore_errors=True)

    def kernel(self, folder=None, workspace=None, **options):
        merged = dict(self.options, **options)
        engine = Engine(
            folder or self.folder,
            self.shell.user_ns,
            workspace or self.workspace,
            Options(**merged),
            hidden=self.shell.user_ns_hidden,
            transform=self.shell.transform_cell,
        )
        follow_cells(self.shell, engine)
        return engine

    def fresh_kernel(self, **options):
        """What a new kernel on the same folders sees: an empty namespace, an engine with no head."""
        self.shell.reset(new_session=True)
        self.engine = self.kernel(**options)
        return self.engine

    def cell(self, source, cell_id=None, save=True):
        result = self.shell.run_cell(source, store_history=True, silent=False)
        if not result.success:
            raise AssertionError(f"cell failed: {result.error_before_exec or result.error_in_exec!r}")
        if not save:
            return None
        return self.engine.save(cell_id, source)

    def ns(self, name):
        return self.shell.user_ns[name]

    def has(self, name):
        return name in self.shell.user_ns
