import copy
import os
import unittest

from support import ShellCase
from talkbook_checkpoint import copy_checkpoint, handle, restore
from talkbook_checkpoint.store import Store


class BranchAndTransferTest(ShellCase):
    def make_state(self):
        self.cell("import pandas as pd\nframe = pd.DataFrame({'a': range(100_000)})\nwith open('notes.txt', 'w') as f:\n    f.write('first')", "c1")
        return self.cell("total = int(frame.a.sum())\nimport os\nos.makedirs('sub', exist_ok=True)\nwith open('sub/result.txt', 'w') as f:\n    f.write(str(total))", "c2")

    def test_a_branch_gets_the_variables_and_files_of_one_cell(self):
        saved = self.make_state()
        branch = os.path.join(self.base, "branch-checkpoints")
        branch_workspace = os.path.join(self.base, "branch-workspace")
        os.mkdir(branch_workspace)
        copied = copy_checkpoint(self.folder, saved["id"], branch, ancestors=1)
        self.assertEqual(copied["copied"], [saved["id"], saved["parent"]])

        self.shell.reset(new_session=True)
        self.engine = self.kernel(folder=branch, workspace=branch_workspace)
        result = restore(self.engine, saved["id"], files=True)
        self.assertEqual(self.ns("total"), 4999950000)
        self.assertEqual(sorted(result["files"]["written"]), ["notes.txt", "sub/result.txt"])
        with open(os.path.join(branch_workspace, "sub", "result.txt")) as f:
            self.assertEqual(f.read(), "4999950000")
        # The branch goes on from there; the original folder is untouched.
        self.assertEqual(self.cell("more = total + 1", "b3")["parent"], saved["id"])
        self.assertEqual(len(Store(self.folder).manifests), 2)

    def test_export_and_import_through_blobs(self):
        saved = self.make_state()
        exported, _ = handle(self.engine, {"op": "export", "id": saved["id"]}, [])
        self.assertTrue(exported["ok"])
        other = self.kernel(folder=os.path.join(self.base, "elsewhere"))
        manifest = exported["checkpoint"]
        missing, _ = handle(other, {"op": "has_blobs", "hashes": [blob["hash"] for blob in exported["blobs"]]}, [])
        self.assertEqual(len(missing["missing"]), len(exported["blobs"]))
        early, _ = handle(other, {"op": "import", "checkpoint": manifest}, [])
        self.assertEqual(early["code"], "missing")
        for blob in exported["blobs"]:
            offset = 0
            while True:
                reply, chunks = handle(self.engine, {"op": "read_blob", "hash": blob["hash"], "offset": offset, "length": 100_000}, [])
                final = offset + reply["size"] >= blob["size"]
                put, _ = handle(other, {"op": "put_blob", "hash": blob["hash"], "offset": offset, "final": final}, chunks)
                self.assertTrue(put["ok"], put)
                offset += reply["size"]
                if final:
                    break
        imported, _ = handle(other, {"op": "import", "checkpoint": manifest}, [])
        self.assertEqual(imported, {"id": saved["id"], "ok": True})
        self.shell.reset(new_session=True)
        self.engine = other
        restore(other, saved["id"])
        self.assertEqual(self.ns("total"), 4999950000)

    def test_a_blob_that_does_not_match_its_hash_is_refused(self):
        fake = "0" * 64
        reply, _ = handle(self.engine, {"op": "put_blob", "hash": fake, "offset": 0, "final": True}, [b"not those bytes"])
        self.assertEqual(reply["code"], "bad_hash")
        self.assertFalse(self.engine.store.has(fake))

    def test_a_hostile_manifest_is_refused(self):
        saved = self.make_state()
        manifest = self.engine.store.manifest(saved["id"])
        for change in (
            lambda m: m["files"].update({"../escape.txt": dict(m["files"]["notes.txt"])}),
            lambda m: m["files"].update({"/etc/passwd": dict(m["files"]["notes.txt"])}),
            lambda m: m.update(id="../../x"),
            lambda m: m["groups"][0].update(names=["not an identifier"]),
            lambda m: m["modules"].update(os="os; import this"),
        ):
            hostile = copy.deepcopy(manifest)
            change(hostile)
            hostile["id"] = hostile["id"] if hostile["id"] == "../../x" else "000099-0badc0de"
            reply, _ = handle(self.engine, {"op": "import", "checkpoint": hostile}, [])
            self.assertEqual(reply["code"], "bad_request", reply)

    def test_requests_that_make_no_sense_are_refused(self):
        self.assertEqual(handle(self.engine, {"op": "nope"}, [])[0]["code"], "bad_request")
        self.assertEqual(handle(self.engine, {"op": "restore", "id": "../../etc"}, [])[0]["code"], "bad_request")
        self.assertEqual(handle(self.engine, {"op": "restore", "id": "000001-00000000"}, [])[0]["code"], "not_found")
        self.assertEqual(handle(self.engine, {"op": "read_blob", "hash": "../x", "offset": 0, "length": 1}, [])[0]["code"], "bad_request")
        self.assertEqual(handle(self.engine, "not an object", [])[0]["code"], "bad_request")


if __name__ == "__main__":
    unittest.main()
