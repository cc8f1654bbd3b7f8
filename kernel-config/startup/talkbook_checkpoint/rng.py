"""The global random state: `random`'s and numpy's legacy global RandomState (what
`np.random.rand()` draws from), so that after a restore the next draw is the one that would
have come. numpy is only asked when the session imported it."""
import pickle
import random
import sys


def capture():
    state = {"random": random.getstate()}
    numpy = sys.modules.get("numpy")
    if numpy is not None and hasattr(numpy, "random"):
        state["numpy"] = numpy.random.get_state(legacy=False)
    return pickle.dumps(state, protocol=5)


def restore(data):
    state = pickle.loads(data)
    random.setstate(state["random"])
    if "numpy" in state:
        import numpy

        numpy.random.set_state(state["numpy"])
