"""Self-checks for the exercises of lesson 00 (overview).

Each check compares the learner's answer with what rmc_lib computes (the
task's own answer, a real RelationalMemory's attention weights and memory),
prints the first case that differs and why, or that it passed, and returns
True or False.

  check_answers_by_hand    exercise 1: the answers of a small problem, worked out by hand
  check_attention_weights  exercise 2: how many attention weights one RMC step computes
  check_distinct_slots     exercise 3: how many different slots a memory can ever hold
"""

import numpy as np

from ..cores.rmc import RelationalMemory
from ..tasks import nth_farthest_index
from ._cases import run_cases

#: Exercise 1's problem: five objects with integer coordinates (so that the
#: distances can be worked out by hand) and the reference object m = 2.
HAND_VECTORS = np.array([[4.0, 1.0], [1.0, -1.0], [1.0, 1.0], [-2.0, 5.0], [2.0, 2.0]])
HAND_REFERENCE = 2


def _ordinal(n):
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def hand_problem():
    """Exercise 1's problem: (vectors [5, 2], the index m of the reference)."""
    return HAND_VECTORS.copy(), HAND_REFERENCE


def check_answers_by_hand(answers, vectors=None, reference=None):
    """answers: a dict {n: object index} with one answer for every rank
    n = 1 .. C of the problem (default: `hand_problem()`); n = 1 is the
    farthest from the reference, n = C the reference itself. On a wrong
    answer it names the rank and says which rank the given object has."""
    name = "check_answers_by_hand"
    if vectors is None:
        vectors, reference = hand_problem()
    vectors = np.asarray(vectors, dtype=float)
    count = len(vectors)
    if not isinstance(answers, dict) or set(answers) != set(range(1, count + 1)):
        got = sorted(answers, key=str) if isinstance(answers, dict) else type(answers).__name__
        print(f"{name}: expected a dict with one answer for each n = 1 .. {count}, got {got}")
        return False
    distances = np.linalg.norm(vectors - vectors[reference], axis=1)
    order = np.argsort(-distances, kind="stable")            # farthest first
    rank = {int(j): r for r, j in enumerate(order, start=1)}
    for n in range(1, count + 1):
        given = answers[n]
        if isinstance(given, bool) or not isinstance(given, (int, np.integer)) or not 0 <= given < count:
            print(f"{name}: failed on n = {n}: give an object index 0 .. {count - 1}, got {given!r}")
            return False
        if int(given) != nth_farthest_index(vectors, reference, n):
            print(f"{name}: failed on n = {n} (the {_ordinal(n)} farthest from object {reference}): "
                  f"object {given} is at distance {distances[given]:.2f}, which makes it the "
                  f"{_ordinal(rank[int(given)])} farthest")
            return False
    print(f"{name}: passed ({count} ranks)")
    return True


def _core(mem_slots, mem_size, num_blocks=1, seed=0):
    # a small RMC with random weights; heads of size 2 (one head when mem_size is odd)
    num_heads = mem_size // 2 if mem_size % 2 == 0 else 1
    return RelationalMemory(mem_slots=mem_slots, head_size=mem_size // num_heads, num_heads=num_heads,
                            num_blocks=num_blocks, input_size=3, rng=np.random.default_rng(seed))


def attention_weights_per_step(mem_slots, num_heads, num_blocks):
    """How many attention weights a real RelationalMemory computes in one
    step of one sequence: the size of the weights its step records."""
    core = RelationalMemory(mem_slots=mem_slots, head_size=2, num_heads=num_heads, num_blocks=num_blocks,
                            input_size=3, rng=np.random.default_rng(0))
    _, _, cache = core.forward(np.zeros((1, 1, 3)))
    return sum(block[0]["weights"].size for block in cache["steps"][0]["blocks"])


def check_attention_weights(fn):
    """fn(mem_slots, num_heads, num_blocks) must return how many attention
    weights one step of the RMC computes for one sequence (every head of
    every block, every row over every row of A = [M; x']), counted here from
    a real RelationalMemory."""
    settings = [(1, 1, 1, "1 slot, 1 head, 1 block"),
                (4, 1, 1, "4 slots, 1 head, 1 block"),
                (4, 2, 1, "4 slots, 2 heads, 1 block"),
                (4, 2, 3, "4 slots, 2 heads, 3 blocks"),
                (8, 4, 2, "8 slots, 4 heads, 2 blocks")]
    cases = [(text, lambda N=N, H=H, b=b: fn(N, H, b), lambda N=N, H=H, b=b: attention_weights_per_step(N, H, b))
             for N, H, b, text in settings]
    return run_cases("check_attention_weights", cases, rtol=0, atol=0)


def distinct_slots(mem_slots, mem_size, steps=4, seed=0):
    """How many different slots a real RelationalMemory (random weights,
    gates on) holds after `steps` steps of random input, started from its
    initial memory: rows equal to 1e-9 count once."""
    core = _core(mem_slots, mem_size)
    x = np.random.default_rng(seed + 1).normal(size=(1, steps, 3))
    _, memory, _ = core.forward(x)
    rows = memory[0]
    distinct = []
    for row in rows:
        if not any(np.max(np.abs(row - other)) < 1e-9 for other in distinct):
            distinct.append(row)
    return len(distinct)


def check_distinct_slots(fn):
    """fn(mem_slots, mem_size) must return how many different slots the
    RMC's memory can ever hold, started from its initial memory (the
    identity, zero-padded or cut), whatever the weights and the inputs;
    checked against a real RelationalMemory run for four steps."""
    settings = [(4, 4, "4 slots of size 4 (square)"),
                (3, 8, "3 slots of size 8 (padded with zeros)"),
                (5, 4, "5 slots of size 4 (one slot beyond the columns)"),
                (6, 4, "6 slots of size 4 (two slots beyond the columns)"),
                (8, 2, "8 slots of size 2"),
                (4, 32, "4 slots of size 32, as in the series' example")]
    cases = [(text, lambda N=N, F=F: fn(N, F), lambda N=N, F=F: distinct_slots(N, F))
             for N, F, text in settings]
    return run_cases("check_distinct_slots", cases, rtol=0, atol=0)
