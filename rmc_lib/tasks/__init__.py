"""Tasks: seeded, vectorised data generators with fixed held-out sets.

  nth_farthest   the Nth-farthest task of Santoro et al. 2018 (appendix A.1)

`make_task(name, **sizes)` builds one by its command-line name.
"""

from .nth_farthest import NthFarthest, nth_farthest_index, one_hot  # noqa: F401 (re-exported)

TASKS = {"nth-farthest": NthFarthest}


def make_task(name, **kwargs):
    """A task by its command-line name, e.g. make_task('nth-farthest', num_objects=4)."""
    if name not in TASKS:
        raise ValueError(f"task must be one of {sorted(TASKS)}, got {name!r}")
    return TASKS[name](**kwargs)
