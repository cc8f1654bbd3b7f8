import os
import time
import unittest

from support import ShellCase
from talkbook_checkpoint.workspace import check_path


class WorkspaceTest(ShellCase):
    def test_unchanged_files_are_not_read_again(self):
        with open("data.csv", "w") as f:
            f.write("a,b\n1,2\n")
        old = time.time() - 60
        os.utime("data.csv", (old, old))
        calls = []
        put_file = self.engine.store.put_file
        self.engine.store.put_file = lambda *args: calls.append(args) or put_file(*args)
        first, _ = self.engine.workspace.scan()
        second, _ = self.engine.workspace.scan()
        self.assertEqual(first, second)
        self.assertEqual(len(calls), 1)
        with open("data.csv", "a") as f:
            f.write("3,4\n")
        third, _ = self.engine.workspace.scan()
        self.assertEqual(len(calls), 2)
        self.assertNotEqual(third["data.csv"]["hash"], first["data.csv"]["hash"])

    def test_a_file_written_just_now_is_hashed_again_next_time(self):
        with open("fresh.txt", "w") as f:
            f.write("one")
        first, _ = self.engine.workspace.scan()
        st = os.stat("fresh.txt")
        with open("fresh.txt", "w") as f:
            f.write("two")  # same size, and (on a coarse clock) the same mtime
        os.utime("fresh.txt", ns=(st.st_atime_ns, st.st_mtime_ns))
        second, _ = self.engine.workspace.scan()
        self.assertNotEqual(first["fresh.txt"]["hash"], second["fresh.txt"]["hash"])

    def test_files_over_the_budget_are_listed_but_not_kept(self):
        engine = self.engine = self.kernel(file_max_mb=0.001)
        with open("big.bin", "wb") as f:
            f.write(b"x" * 5000)
        with open("small.txt", "w") as f:
            f.write("small")
        saved = self.cell("open('big.bin', 'ab').write(b'y')\nopen('small.txt', 'a').write('!')", "c1")
        self.assertEqual(saved["files"]["notKept"], ["big.bin"])
        entries = engine.store.manifests[saved["id"]]["files"]
        self.assertFalse(entries["big.bin"]["kept"])
        self.assertIsNone(entries["big.bin"]["hash"])
        self.assertTrue(entries["small.txt"]["kept"])
        from talkbook_checkpoint import undo

        result = undo(engine, saved["id"])
        self.assertEqual([item["path"] for item in result["files"]["left"]], ["big.bin"])
        with open("small.txt") as f:
            self.assertEqual(f.read(), "small")

    def test_hidden_files_and_links_are_not_part_of_the_state(self):
        os.mkdir(".git")
        with open(".git/config", "w") as f:
            f.write("x")
        os.symlink("/etc/passwd", "passwd")
        with open("seen.txt", "w") as f:
            f.write("seen")
        entries, _ = self.engine.workspace.scan()
        self.assertEqual(list(entries), ["seen.txt"])

    def test_writing_back_never_goes_through_a_link(self):
        outside = os.path.join(self.base, "outside")
        os.mkdir(outside)
        os.mkdir("sub")
        with open("sub/f.txt", "w") as f:
            f.write("original")
        saved = self.cell("x = 1", "c1")
        entry = self.engine.store.manifests[saved["id"]]["files"]["sub/f.txt"]
        os.unlink("sub/f.txt")
        os.rmdir("sub")
        os.symlink(outside, "sub")
        current, _ = self.engine.workspace.scan()
        written, left = self.engine.workspace.write_back({"sub/f.txt": entry}, current)
        self.assertEqual(written, [])
        self.assertEqual([item["path"] for item in left], ["sub/f.txt"])
        self.assertEqual(os.listdir(outside), [])

    def test_paths_must_be_plain_and_relative(self):
        for path in ("../x", "/etc/passwd", "a/../b", "", ".hidden", "a//b", "a/./b", "x\0y"):
            with self.subTest(path=path):
                with self.assertRaises(ValueError):
                    check_path(path)
        self.assertEqual(check_path("a/b.txt"), ["a", "b.txt"])


if __name__ == "__main__":
    unittest.main()
