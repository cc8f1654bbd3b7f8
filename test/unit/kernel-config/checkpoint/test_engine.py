import os
import unittest

import numpy as np

from support import ShellCase


class SaveAndRestoreTest(ShellCase):
    def test_a_fresh_kernel_gets_variables_modules_and_random_state_back(self):
        saved = self.cell("import numpy as np\nimport pandas as pd\nimport random\nfrom os import path as osp\nx = np.random.rand(3)\nr = random.random()", "c1")
        self.assertEqual(saved["status"], "saved")
        self.assertEqual(saved["modules"], {"np": "numpy", "pd": "pandas", "random": "random", "osp": "posixpath"})
        x = self.ns("x").copy()
        expected_np, expected_random = np.random.rand(), __import__("random").random()

        self.fresh_kernel()
        self.assertFalse(self.has("x"))
        result = self.engine_restore(saved["id"])
        self.assertEqual(result["missing"], [])
        np.testing.assert_array_equal(self.ns("x"), x)
        self.assertIs(self.ns("np"), np)
        self.assertEqual(self.ns("osp").__name__, "posixpath")
        self.assertEqual(self.ns("np").random.rand(), expected_np)
        self.assertEqual(self.ns("random").random(), expected_random)

    def test_aliasing_survives(self):
        self.cell("a = [1]\nb = a\nb.append(2)\nd = {'inner': a}\nlone = [1, 2]", "c1")
        saved = self.cell("import pandas as pd\nframes = {'x': pd.DataFrame({'v': [1, 2]}), 'y': pd.DataFrame({'w': [3.5]})}\nsame = frames['x']", "c2")
        self.fresh_kernel()
        self.engine_restore(saved["id"])
        self.assertIs(self.ns("a"), self.ns("b"))
        self.assertIs(self.ns("d")["inner"], self.ns("a"))
        self.assertEqual(self.ns("a"), [1, 2])
        self.assertIsNot(self.ns("lone"), self.ns("a"))
        self.assertIs(self.ns("same"), self.ns("frames")["x"])
        self.assertEqual(list(self.ns("frames")["y"]["w"]), [3.5])

    def test_functions_classes_and_lambdas_written_in_the_session(self):
        saved = self.cell(
            "k = 10\ndef f(x):\n    return x + k\nclass Point:\n    def __init__(self, x):\n        self.x = x\n    def norm(self):\n        return abs(self.x) * k\n"
            "p = Point(-3)\nsquare = lambda v: v * v\ndef counter():\n    n = [0]\n    def step():\n        n[0] += 1\n        return n[0]\n    return step\nstep = counter()\nstep()",
            "c1",
        )
        self.assertEqual(saved["status"], "saved", saved["unsaved"])
        self.fresh_kernel()
        self.engine_restore(saved["id"])
        self.cell("k = 100", save=False)
        self.assertEqual(self.shell.run_cell("f(1), p.norm(), square(4), isinstance(p, Point), step()").result, (101, 300, 16, True, 2))

    def engine_restore(self, checkpoint_id, files=False):
        from talkbook_checkpoint import restore

        return restore(self.engine, checkpoint_id, files)


class LazyRestoreTest(ShellCase):
    def test_big_buffers_are_mapped_copy_on_write_and_outlive_their_blobs(self):
        saved = self.cell("import numpy as np\nbig = np.arange(3_000_000, dtype='float64')\nsmall = np.arange(10)", "c1")
        from talkbook_checkpoint import restore
        from talkbook_checkpoint.store import blobs_of

        self.fresh_kernel()
        lazy = restore(self.engine, saved["id"])
        self.assertEqual(lazy["bytesMapped"], 24_000_000)
        big = self.ns("big")
        self.assertTrue(big.flags.writeable)
        big[0] = -5.0  # copy-on-write: the blob keeps what was saved
        self.fresh_kernel()
        eager = restore(self.engine, saved["id"], lazy=False)
        self.assertEqual(eager["bytesMapped"], 0)
        self.assertGreaterEqual(eager["bytesRead"], 24_000_000)
        self.assertEqual(self.ns("big")[0], 0.0)
        # Thinned away while mapped: the mapping still holds the data.
        for blob, _ in blobs_of(self.engine.store.manifests[saved["id"]]):
            os.unlink(self.engine.store.blob_path(blob))
        self.assertEqual(float(big[1:].sum()), float(np.arange(1, 3_000_000).sum()))


class UnsavedTest(ShellCase):
    def test_open_files_generators_and_connections_are_reported_with_their_cells(self):
        self.cell("log = open('log.txt', 'w')\nlog.write('kept')", "open-cell")
        self.cell("import sqlite3\nconn = sqlite3.connect(':memory:')", "connect-cell")
        self.cell("cur = conn.cursor()", "cursor-cell")
        saved = self.cell("gen = (i for i in range(3))\nnext(gen)\nplain = 1", "gen-cell")
        self.assertEqual(saved["status"], "partial")
        reasons = {entry["name"]: (entry["reason"], entry["cellId"]) for entry in saved["unsaved"]}
        self.assertEqual(reasons["log"], ("an open file 'log.txt' (mode 'w')", "open-cell"))
        self.assertEqual(reasons["gen"][1], "gen-cell")
        self.assertIn("generator", reasons["gen"][0])
        self.assertIn("database", reasons["conn"][0])
        self.assertEqual(reasons["cur"][1], "cursor-cell")

        self.fresh_kernel()
        from talkbook_checkpoint import restore

        result = restore(self.engine, saved["id"])
        self.assertEqual(self.ns("plain"), 1)
        self.assertEqual(sorted(item["name"] for item in result["missing"]), ["conn", "cur", "gen", "log"])
        # The cells that make them, in order (the cursor's cell needs the connection's).
        self.assertEqual(result["replay"], ["open-cell", "connect-cell", "cursor-cell", "gen-cell"])
        self.assertEqual(open("log.txt").read(), "kept")  # restoring never reopened (truncated) it

    def test_a_variable_that_cannot_be_pickled_never_fails_the_save(self):
        saved = self.cell(
            "class Bad:\n    def __reduce__(self):\n        raise RuntimeError('no pickling here')\nbad = Bad()\nholder = [bad, 1]\ngood = [1, 2]",
            "c1",
        )
        self.assertEqual(saved["status"], "partial")
        reasons = {entry["name"]: entry["reason"] for entry in saved["unsaved"]}
        self.assertIn("RuntimeError: no pickling here", reasons["bad"])
        self.assertIn("holder", reasons)
        self.assertNotIn("good", reasons)

    def test_a_checkpoint_that_cannot_be_written_is_a_status_and_the_next_one_is_full(self):
        self.cell("x = 1", "c1")
        blobs = self.engine.store.blob_dir
        os.rename(blobs, blobs + ".away")
        open(blobs, "w").close()  # a file where the blob folder was: every write fails
        try:
            failed = self.cell("y = [2]", "c2")
        finally:
            os.unlink(blobs)
            os.rename(blobs + ".away", blobs)
        self.assertEqual(failed["status"], "failed")
        self.assertIn("could not be written", failed["message"])
        again = self.cell("z = 3", "c3")
        self.assertEqual(again["status"], "saved")
        self.assertTrue(again["everything"])
        self.assertIn("y", again["written"])


class IfSucceededTest(ShellCase):
    def test_a_save_sent_with_the_cell_only_checkpoints_a_cell_that_succeeded(self):
        failing = "x = 1\nraise ValueError('no')"
        self.shell.run_cell(failing)
        self.assertEqual(self.engine.save("c1", failing, if_succeeded=True)["status"], "skipped")
        self.assertEqual(self.engine.save("c2", "never ran", if_succeeded=True)["status"], "skipped")
        self.cell("y = 2", save=False)
        saved = self.engine.save("c3", "y = 2", if_succeeded=True)
        self.assertEqual(saved["status"], "saved")
        self.assertIn("x", saved["written"])  # the failed cell's assignment is still part of the state


class IncrementalTest(ShellCase):
    def test_an_unchanged_big_array_is_not_written_again(self):
        first = self.cell("import numpy as np\nbig = np.random.rand(2_000_000)\nsmall = 1", "c1")
        self.assertGreater(first["bytesWritten"], 16_000_000)
        trivial = self.cell("small = small + 1", "c2")
        self.assertLess(trivial["bytesWritten"], 20_000)
        self.assertNotIn("big", trivial["written"])
        self.assertGreaterEqual(trivial["carried"], 1)
        # Mentioned but unchanged: hashed again, written never (dedupe).
        looked = self.cell("m = float(big.mean())", "c3")
        self.assertNotIn("big", looked["written"])
        self.assertLess(looked["bytesWritten"], 20_000)
        changed = self.cell("big[0] = -1.0", "c4")
        self.assertIn("big", changed["written"])
        self.assertGreaterEqual(changed["bytesWritten"], 16_000_000)

    def test_a_function_that_changes_a_global_makes_that_global_saved(self):
        self.cell("data = [1]\ndef grow():\n    data.append(len(data) + 1)", "c1")
        saved = self.cell("grow()", "c2", )
        self.assertIn("data", saved["written"])
        self.fresh_kernel()
        from talkbook_checkpoint import restore

        restore(self.engine, saved["id"])
        self.assertEqual(self.ns("data"), [1, 2])

    def test_a_cell_that_failed_still_counts(self):
        self.cell("items = []", "c1")
        self.shell.run_cell("items.append(1)\nraise ValueError('boom')")
        saved = self.cell("other = 2", "c3")
        self.assertIn("items", saved["written"])

    def test_identical_content_is_stored_once(self):
        first = self.cell("rows = list(range(50_000))", "c1")
        total = self.engine.store.total_bytes()
        again = self.cell("rows = list(range(50_000))", "c2")
        self.assertEqual(again["written"], [])
        self.assertLess(self.engine.store.total_bytes() - total, 5_000)  # a manifest, nothing else
        self.assertGreater(first["bytesWritten"], 100_000)


class BudgetTest(ShellCase):
    options = {"budget_mb": 1, "keep_recent": 2}

    def test_old_checkpoints_are_thinned_to_fit(self):
        ids, dropped = [], []
        for i in range(12):
            saved = self.cell(f"chunk{i % 3} = bytes([{i}]) * 200_000", f"c{i}")
            ids.append(saved["id"])
            dropped += saved["dropped"]
            self.assertLessEqual(saved["totalBytes"], saved["budgetBytes"])
        kept = set(self.engine.store.manifests)
        self.assertIn(ids[-1], kept)
        self.assertIn(ids[-2], kept)
        self.assertEqual(kept, set(ids) - set(dropped))
        self.assertGreater(len(dropped), 0)
        # Every blob left is one a kept checkpoint uses.
        from talkbook_checkpoint.store import blobs_of

        used = {blob for manifest in self.engine.store.manifests.values() for blob, _ in blobs_of(manifest)}
        self.assertEqual(set(self.engine.store.sizes), used)


class UndoTest(ShellCase):
    def test_undo_brings_back_the_frame_and_the_file_the_cell_overwrote(self):
        self.cell("import pandas as pd\nimport numpy as np\ndf = pd.DataFrame({'v': [1.0, np.nan, 3.0]})\ndf.to_csv('out.csv')", "c1")
        before_csv = open("out.csv").read()
        saved = self.cell("df = df.dropna()\ndf.to_csv('out.csv')\nopen('new.txt', 'w').write('made by the cell')\nos_gone = 1", "c2")
        self.assertEqual(saved["files"]["changed"], ["out.csv"])
        self.assertEqual(saved["files"]["created"], ["new.txt"])
        from talkbook_checkpoint import undo

        result = undo(self.engine, saved["id"])
        self.assertEqual(len(self.ns("df")), 3)
        self.assertEqual(result["restored"], ["df"])  # nothing else was read back
        self.assertFalse(self.has("os_gone"))
        self.assertEqual(open("out.csv").read(), before_csv)
        self.assertFalse(os.path.exists("new.txt"))
        self.assertEqual(result["files"]["written"], ["out.csv"])
        self.assertEqual(result["files"]["deleted"], ["new.txt"])

    def test_undo_keeps_live_objects_that_cannot_be_pickled(self):
        self.cell("log = open('log.txt', 'w')", "c1")
        saved = self.cell("n = 1", "c2")
        from talkbook_checkpoint import undo

        result = undo(self.engine, saved["id"])
        self.assertIn("log", result["kept"])
        self.assertFalse(self.ns("log").closed)
        self.assertEqual(result["missing"], [])

    def test_undo_of_the_first_cell_empties_the_namespace(self):
        saved = self.cell("x = 1\nopen('a.txt', 'w').write('a')", "c1")
        from talkbook_checkpoint import undo

        result = undo(self.engine, saved["id"])
        self.assertFalse(self.has("x"))
        self.assertEqual(result["files"]["deleted"], ["a.txt"])
        self.assertEqual(self.cell("y = 2", "c2")["parent"], None)


if __name__ == "__main__":
    unittest.main()
