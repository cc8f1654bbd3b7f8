import unittest

import support  # noqa: F401  (puts the package on sys.path)
from talkbook_checkpoint.names import analyze


class AnalyzeTest(unittest.TestCase):
    def test_assignments_and_references(self):
        a = analyze("df = df.dropna()\nrows.append(x)\nfor i in range(3): total += i\ndel old\n")
        self.assertFalse(a.everything)
        self.assertEqual(a.assigned, {"df", "i", "total", "old"})
        self.assertEqual(a.referenced & {"df", "rows", "x", "range", "total"}, {"df", "rows", "x", "range", "total"})

    def test_definitions_imports_and_patterns(self):
        a = analyze(
            "import numpy as np, os.path\nfrom math import sqrt as root\n"
            "def f(): pass\nclass C: pass\n"
            "try:\n  pass\nexcept ValueError as err:\n  pass\n"
            "match p:\n  case [first, *rest]: pass\n  case {'k': v, **others}: pass\n"
            "if (n := 3): pass\n"
        )
        self.assertTrue({"np", "os", "root", "f", "C", "err", "first", "rest", "v", "others", "n"} <= a.assigned)
        self.assertFalse(a.everything)

    def test_namespace_by_string_is_everything(self):
        for source in ("exec('x = 1')", "globals()['x'] = 1", "from os import *", "eval('x')", "vars()['y'] = 2",
                       "import sys\nsys.modules['__main__'].z = 1", "get_ipython().user_ns['q'] = 1", "import __main__"):
            with self.subTest(source=source):
                a = analyze(source)
                self.assertTrue(a.everything)
                self.assertTrue(a.reason)

    def test_syntax_error_is_everything(self):
        self.assertTrue(analyze("def (:").everything)

    def test_magics(self):
        timed = analyze("%time x = compute(y)")
        self.assertFalse(timed.everything)
        self.assertIn("x", timed.assigned)
        self.assertIn("y", timed.referenced)
        captured = analyze("%%capture out\nz = 1\n")
        self.assertFalse(captured.everything)
        self.assertTrue({"out", "z"} <= captured.assigned)
        timeit = analyze("%timeit -n 3 -r 1 f(a)")
        self.assertFalse(timeit.everything)
        self.assertIn("a", timeit.referenced)
        inert = analyze("!ls\nlisting = !ls\n%matplotlib inline\n")
        self.assertFalse(inert.everything)
        self.assertIn("listing", inert.assigned)
        self.assertFalse(analyze("%%bash\necho hi\n").everything)
        self.assertTrue(analyze("%%bash --out result\necho hi\n").everything)
        self.assertTrue(analyze("%run other.py").everything)
        self.assertTrue(analyze("%reset -f").everything)
        self.assertTrue(analyze("get_ipython().run_cell('x = 1')").everything)


if __name__ == "__main__":
    unittest.main()
