import unittest

import numpy as np
import pandas as pd

import support  # noqa: F401
from talkbook_checkpoint.graph import co_variable_groups, stop_ids, walk


def groups(ns):
    stop = stop_ids(ns)
    return co_variable_groups({name: walk(value, stop) for name, value in ns.items()})


class CoVariableTest(unittest.TestCase):
    def test_aliases_and_nested_sharing_are_one_group(self):
        a = [1, 2]
        ns = {"a": a, "b": a, "d": {"k": a}, "other": [1, 2], "n": 5, "m": 5}
        self.assertEqual(groups(ns), [["a", "b", "d"], ["m"], ["n"], ["other"]])

    def test_immutables_do_not_link(self):
        shared = "the same string"
        ns = {"t1": (1, 2, shared), "t2": (1, 2, shared), "s1": shared, "s2": shared}
        self.assertEqual(groups(ns), [["s1"], ["s2"], ["t1"], ["t2"]])

    def test_a_tuple_holding_a_list_links_to_the_list(self):
        inner = []
        self.assertEqual(groups({"t": (inner,), "inner": inner}), [["inner", "t"]])

    def test_numpy_views_follow_their_base(self):
        base = np.arange(10.0)
        ns = {"base": base, "view": base[2:5], "copy": base.copy()}
        self.assertEqual(groups(ns), [["base", "view"], ["copy"]])

    def test_dataframes_sharing_only_an_index_are_apart(self):
        df = pd.DataFrame({"a": np.arange(5.0), "b": np.arange(5.0)})
        ns = {"df": df, "df2": df.copy(), "col": df["a"]}
        result = groups(ns)
        self.assertIn(["df2"], result)
        self.assertIn(["col", "df"], result)  # pandas 1.5: a column is a cached view of the frame

    def test_classes_group_with_their_instances(self):
        import types

        module = types.ModuleType("__main__")
        exec("class C:\n    pass\nc1 = C()\nc2 = C()\nclass D:\n    pass\n", module.__dict__)
        ns = {name: module.__dict__[name] for name in ("C", "c1", "c2", "D")}
        self.assertEqual(groups(ns), [["C", "c1", "c2"], ["D"]])

    def test_closures_but_not_globals_are_followed(self):
        import types

        module = types.ModuleType("__main__")
        exec("items = []\nother = {}\ndef make():\n    mine = items\n    def add(x):\n        mine.append(x)\n        return other\n    return add\nadd = make()\n", module.__dict__)
        ns = {name: module.__dict__[name] for name in ("items", "other", "add")}
        self.assertEqual(groups(ns), [["add", "items"], ["other"]])
        stop = stop_ids(ns)
        self.assertIn("other", walk(ns["add"], stop).global_names)


if __name__ == "__main__":
    unittest.main()
