"""Tasks: seeded, vectorised data generators with fixed held-out sets.

  nth_farthest        the Nth-farthest task of Santoro et al. 2018 (appendix A.1)
  copy                copy and repeat copy (Graves et al. 2014, sections 4.1-4.2)
  associative_recall  associative recall (Graves et al. 2014, section 4.3)
  dm_repeat_copy      repeat copy as deepmind/dnc defines it (the DNC's training task there)
  sequences           what the per-step tasks share: SequenceTargets (targets and a mask), padding
  babi                a reader for bAbI files (official or generated) and their encoding
  babi_generate       seeded bAbI-style tasks 1, 2, 3, 6, 11 and 15 in the official file format
  babi_task           a bAbI task for training: batches, validation and test sets (BabiTask)
  transduction        copy, reversal and bigram flipping of symbol strings; parity (for ACT)

`make_task(name, **sizes)` builds one by its command-line name. A task with
`per_step = True` answers at every step (bits, scored on a mask of answer
steps) rather than with one class per sequence.
"""

from .associative_recall import AssociativeRecall  # noqa: F401 (re-exported)
from .babi import BabiQuestion, build_vocab, encode, parse_babi, read_babi, tokenize  # noqa: F401
from .babi_generate import TASK_NAMES, generate, task_texts, write_task  # noqa: F401
from .babi_task import BabiBatch, BabiTask  # noqa: F401
from .copy import Copy, RepeatCopy  # noqa: F401
from .dm_repeat_copy import DMRepeatCopy  # noqa: F401
from .nth_farthest import NthFarthest, nth_farthest_index, one_hot  # noqa: F401
from .sequences import SequenceTargets  # noqa: F401
from .transduction import Parity, SymbolTargets, Transduction  # noqa: F401

TASKS = {"nth-farthest": NthFarthest, "copy": Copy, "repeat-copy": RepeatCopy,
         "associative-recall": AssociativeRecall, "dm-repeat-copy": DMRepeatCopy,
         "babi": BabiTask, "parity": Parity,
         "reversal": lambda **sizes: Transduction("reversal", **sizes),
         "symbol-copy": lambda **sizes: Transduction("copy", **sizes),
         "bigram-flip": lambda **sizes: Transduction("bigram-flip", **sizes)}


def make_task(name, **kwargs):
    """A task by its command-line name, e.g. make_task('nth-farthest', num_objects=4)."""
    if name not in TASKS:
        raise ValueError(f"task must be one of {sorted(TASKS)}, got {name!r}")
    return TASKS[name](**kwargs)
