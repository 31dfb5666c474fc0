"""Self-checks for the exercises of lesson 10 (end-to-end memory networks).

Each check runs a learner's function against rmc_lib's own on several cases
(including awkward ones), prints one line: the first case that fails and,
when the answer matches a typical mistake, which one; or that it passed.
It returns True or False.

    check_position_encoding(fn)    the paper's l_kj                  nn.memory_hops.position_encoding
    check_hop(fn)                  one hop over the valid slots      nn.memory_hops.hop_forward
    check_parameter_count(fn)      the size of a MemN2N              cores.memn2n.MemN2N.num_params
    check_supporting_facts(task, index, answer)
                                   a prediction, no function: the supporting facts of a task-2 story,
                                   in the order they are used (show_story prints the story)
"""

import numpy as np

from ..cores.memn2n import MemN2N
from ..nn.memory_hops import hop_forward, masked_softmax, position_encoding, released_position_encoding
from ._cases import run_cases, run_with_mistakes


# ----------------------------------------------------------------------------
# Exercise 1: position encoding
# ----------------------------------------------------------------------------

def _encoding(J, d, j_from=1, k_from=1, swapped=False, k_term=True):
    """(1 - j/J) - (k/d)(1 - 2j/J) as [J, d]; the keywords reproduce typical
    mistakes (j_from, k_from = 0: counted from 0; swapped: j divided by d
    and k by J; k_term=False: (1 - j/J) alone)."""
    j = np.arange(j_from, j_from + J)[:, None] * np.ones((1, d))
    k = np.arange(k_from, k_from + d)[None, :] * np.ones((J, 1))
    # l is symmetric in j/J and k/d, so only dividing each by the other's size changes it
    word, dimension = (j / d, k / J) if swapped else (j / J, k / d)
    if not k_term:
        return 1 - word
    return (1 - word) - dimension * (1 - 2 * word)


SWAPPED = ("j and k swapped: row j - 1 is word j (J rows), column k - 1 is dimension k (d columns); "
           "j goes with J, k with d")


def _encoding_mistakes(J, d):
    """What typical wrong encodings give, with what each one gets wrong."""
    from_zero = "j and k counted from 0: the paper counts both from 1 (j = 1..J, k = 1..d; row 0 is word 1)"
    return [(from_zero, _encoding(J, d, j_from=0, k_from=0)),
            (from_zero, _encoding(J, d, j_from=0)),
            (from_zero, _encoding(J, d, k_from=0)),
            (SWAPPED, _encoding(J, d, swapped=True)),
            ("the released code's formula, 1 + 4 (k - (d+1)/2)(j - (J+1)/2) / (d J); the paper's is "
             "(1 - j/J) - (k/d)(1 - 2j/J)", released_position_encoding(J, d)),
            ("(1 - j/J) alone: the term - (k/d)(1 - 2j/J) gives each dimension its own weights "
             "(without it every dimension weighs the words alike)", _encoding(J, d, k_term=False))]


def check_position_encoding(fn):
    """fn(num_words, dim) must return the paper's position encoding of a
    sentence of J = num_words words, embedding size d = dim:

        l_kj = (1 - j/J) - (k/d)(1 - 2j/J),   j = 1..J the word, k = 1..d the dimension

    as an array [J, d]: row j - 1 for word j, column k - 1 for dimension k.
    Paper: Sukhbaatar et al. 2015, section 4.1 (position encoding, PE);
    rmc_lib: nn.memory_hops.position_encoding."""
    settings = [("a sentence of 3 words, d = 5 (J < d)", 3, 5),
                ("J = d = 4 (square)", 4, 4),
                ("J > d: 7 words, d = 3", 7, 3),
                ("J = 1, one word (l_k1 = k/d), d = 6", 1, 6),
                ("6 words at the paper's d = 20", 6, 20)]
    if _transposed(fn, settings):
        return False
    cases = [(description, lambda J=J, d=d: fn(J, d), position_encoding(J, d), _encoding_mistakes(J, d), None)
             for description, J, d in settings]
    return run_with_mistakes("check_position_encoding", cases)


def _transposed(fn, settings):
    """A [d, J] answer fails on its shape before any value is compared, so it
    is named here, on the first case with J != d. True if it was."""
    description, J, d = next(s for s in settings if s[1] != s[2])
    try:
        shape = np.shape(fn(J, d))
    except Exception:       # the learner's code may raise anything; the run reports it
        return False
    if shape != (d, J):
        return False
    print(f"check_position_encoding: failed on {description}: expected shape {(J, d)}, got {shape}; "
          f"it looks like {SWAPPED}")
    return True


# ----------------------------------------------------------------------------
# Exercise 2: one hop
# ----------------------------------------------------------------------------

def _hop_mistakes(u, m, c, mask):
    """What typical wrong hops give as (o, p), with what each one gets wrong."""
    scores = np.einsum("bmd,bd->bm", m, u)
    everywhere = masked_softmax(scores, np.ones_like(mask))
    correct = masked_softmax(scores, mask)

    def read(p, memories=c):
        return np.einsum("bm,bmd->bd", p, memories), p

    linear = "no softmax: p = m u is the paper's linear start (for training only); the hop takes softmax(m u)"
    return [("the softmax over every slot, the mask ignored: empty slots must get p = 0", read(everywhere)),
            ("the mask applied after a softmax over every slot, without renormalising: the valid slots' "
             "weights must sum to 1 (take the softmax over the valid slots only)", read(everywhere * mask)),
            ("the output read from m: o = sum_i p_i c_i, the output memories c (m only gives the scores)",
             read(correct, m)),
            (linear, read(scores * mask)),
            (linear, read(scores))]


def check_hop(fn):
    """fn(u, m, c, mask) must return (o, p), one memory hop:

        p = softmax(m u)   over the slots where mask is True (the others get 0)
        o = sum_i p_i c_i

    u: [B, d] the controller state; m: [B, M, d] the input memories; c:
    [B, M, d] the output memories; mask: [B, M] bool, True where a slot
    holds a sentence (every row has at least one) -> o [B, d], p [B, M].
    The softmax must subtract the largest score of the valid slots, so that
    large scores cannot overflow. Paper: Sukhbaatar et al. 2015, equations
    (1) to (3); rmc_lib: nn.memory_hops.hop_forward."""
    rng = np.random.default_rng(101)

    def near(u, scale, size):
        """Memories whose score u.m_i is about `scale` times u.u."""
        return scale * u[:, None, :] + 0.1 * rng.normal(size=size)

    u2 = rng.normal(size=(1, 3))
    m2 = np.concatenate([near(u2, 0.2, (1, 2, 3)), near(u2, 2.0, (1, 2, 3))], axis=1)
    u3 = np.array([[20.0, 20.0, 0.0]])
    m3 = np.array([[[5.0, 45.0, 1.0], [0.3, -0.2, 0.5], [-1.0, 0.4, 0.0]]])      # u.m_0 = 1000
    u4 = np.array([[3.0, -4.0]])
    m4 = np.array([[[0.1, 0.2], [-0.2, 0.1], [90.0, -120.0], [-60.0, -135.0]]])   # empty slots: 750 and 360
    settings = [
        ("every slot valid (the mask all True), B = 2, M = 4, d = 3",
         rng.normal(size=(2, 3)), rng.normal(size=(2, 4, 3)), rng.normal(size=(2, 4, 3)),
         np.ones((2, 4), dtype=bool), None),
        ("slots 2 and 3 empty and their scores the highest (they would win if not masked), M = 4",
         u2, m2, rng.normal(size=(1, 4, 3)), np.array([[True, True, False, False]]), None),
        ("one valid slot with a score of 1000 (exp(1000) overflows unless the maximum is subtracted)",
         u3, m3, rng.normal(size=(1, 3, 3)), np.array([[True, False, False]]),
         "the maximum not subtracted in the softmax: exp(1000) overflows to inf, and inf / inf is NaN"),
        ("the empty slots' scores (750, 360) far above the valid ones' (near 0), M = 4",
         u4, m4, rng.normal(size=(1, 4, 2)), np.array([[True, True, False, False]]),
         "the maximum taken over every slot, empty ones included: exp(score - 750) is 0 on every valid "
         "slot, and 0 / 0 is NaN; subtract the largest valid score"),
        ("B = 3 with 5, 2 and 1 valid slots, M = 5, d = 4",
         rng.normal(size=(3, 4)), rng.normal(size=(3, 5, 4)), rng.normal(size=(3, 5, 4)),
         np.arange(5)[None, :] < np.array([[5], [2], [1]]), None),
    ]
    cases, mistakes, non_finite = [], {}, {}
    for description, u, m, c, mask, overflow in settings:
        o, p, _ = hop_forward(u, m, c, mask)
        cases.append((description, lambda a=(u, m, c, mask): fn(*(x.copy() for x in a)), lambda e=(o, p): e))
        for item, value in enumerate((o, p)):
            # run_with_mistakes looks mistakes up by the whole expected value, and the runner
            # compares (o, p) item by item: so they are looked up by each item here
            mistakes[id(value)] = [(what, wrong[item]) for what, wrong in _hop_mistakes(u, m, c, mask)]
            non_finite[id(value)] = overflow
    return run_cases("check_hop", cases, hint=_item_hint(mistakes), nan_hint=_item_nan_hint(non_finite))


def _item_hint(mistakes):
    def hint(got, expected):
        for what, value in mistakes.get(id(expected), []):
            if np.shape(value) == got.shape and np.allclose(got, value, rtol=1e-6, atol=1e-8):
                return f"; it looks like {what}"
        return ""
    return hint


def _item_nan_hint(non_finite):
    def nan_hint(got, expected):
        return f"; it looks like {non_finite[id(expected)]}" if non_finite.get(id(expected)) else ""
    return nan_hint


# ----------------------------------------------------------------------------
# Exercise 3: the number of parameters
# ----------------------------------------------------------------------------

def _count_mistakes(V, d, K, M):
    """What typical wrong counts give, with what each one gets wrong."""
    tied = (K + 1) * V * d
    untied = ("untied tables: A^k and C^k for each hop plus B and W are 2K + 2 tables; adjacent tying "
              "(A^{k+1} = C^k, B = A^1, W^T = C^K) leaves K + 1")
    return [(untied, (2 * K + 2) * V * d + t * M * d) for t in (2 * K, 2 * K + 2, K + 1, 0)] + [
        ("no temporal tables: with temporal encoding each embedding table E_k has its own T_k [M, d]", tied),
        ("K temporal tables, one a hop: there is one for each of the K + 1 embedding tables", tied + K * M * d),
        ("a temporal table for B: the question is not a memory; T_k goes with the memories' tables only "
         "(K + 1 of them)", tied + (K + 2) * M * d)]


def check_parameter_count(fn):
    """fn(vocab_size, dim, hops, memory_size) must return the number of
    parameters (numbers, not arrays) of a MemN2N with K = hops hops,
    adjacent weight tying and temporal encoding, embedding size d = dim:
    the embedding tables [vocab_size, d] and the temporal tables
    [memory_size, d] it holds. It must equal MemN2N(vocab_size,
    embedding_size=dim, hops=hops, memory_size=memory_size, rng=...).num_params().
    Paper: Sukhbaatar et al. 2015, sections 2.2 (adjacent tying) and 4.1
    (temporal encoding); rmc_lib: cores.memn2n.MemN2N."""
    settings = [("V = 20, d = 5, K = 3 hops, 10 memory slots", 20, 5, 3, 10),
                ("one hop: V = 30, d = 4, K = 1, 8 slots", 30, 4, 1, 8),
                ("more slots than words: V = 10, d = 6, K = 2, 50 slots", 10, 6, 2, 50),
                ("the paper's sizes: V = 40, d = 20, K = 3, 50 slots", 40, 20, 3, 50)]
    cases = []
    for description, V, d, K, M in settings:
        model = MemN2N(V, embedding_size=d, hops=K, memory_size=M, rng=np.random.default_rng(0))
        # a fresh array each: the runner tells the cases apart by the expected value's identity
        expected = np.array(model.num_params(), dtype=float)
        cases.append((description, lambda a=(V, d, K, M): fn(*a), expected,
                      [(what, float(n)) for what, n in _count_mistakes(V, d, K, M)], None))
    return run_with_mistakes("check_parameter_count", cases, rtol=0, atol=0.5)


# ----------------------------------------------------------------------------
# Exercise 4: predict the supporting facts
# ----------------------------------------------------------------------------

def _question(task, index):
    """task.test_questions[index], checked."""
    questions = getattr(task, "test_questions", None)
    if questions is None:
        raise ValueError(f"task must be a BabiTask (with test_questions), got {type(task).__name__}")
    if isinstance(index, bool) or not isinstance(index, (int, np.integer)) or not 0 <= index < len(questions):
        raise ValueError(f"index must be an integer in 0 .. {len(questions) - 1} (a test question), got {index!r}")
    return questions[int(index)]


def show_story(task, index):
    """Print test question `index` of a bAbI task: its story, one statement
    a line numbered from 1 as in the bAbI file (questions earlier in the
    story are left out, so after one the file's line numbers run ahead of
    these), then the question and its answer."""
    q = _question(task, index)
    width = len(str(len(q.story)))
    for number, sentence in enumerate(q.story, start=1):
        print(f"{number:>{width}} {' '.join(sentence)}")
    print(f"question: {' '.join(q.question)}?  answer: {q.answer}")


def check_supporting_facts(task, index, answer):
    """answer: your list of the statement numbers (as show_story(task, index)
    prints them, from 1) of the facts needed to answer test question
    `index`, in the order they are used. In task 2 ('where is the
    football?'): first the last statement about the object (who got or
    dropped it), then that person's last move before the question, e.g.
    [3, 7] for 'john picked up the football', then 'john went to the
    garden' (the move can come before the object's statement too). Checked
    against the task's supporting facts (task.test_questions[index].supporting,
    0-based, plus 1); on a wrong answer the check says what it looks like.
    Raises ValueError if task or index is not a BabiTask and a test question."""
    name = "check_supporting_facts"
    q = _question(task, index)
    n = len(q.story)
    expected = [p + 1 for p in q.supporting]
    if answer is None:
        print(f"{name}: write your answer (a list of statement numbers, as show_story prints them) in place of None")
        return False
    answer = list(np.asarray(answer).ravel()) if isinstance(answer, np.ndarray) else answer
    if not isinstance(answer, (list, tuple)) or any(
            isinstance(i, bool) or not isinstance(i, (int, np.integer)) for i in answer):
        print(f"{name}: expected a list of statement numbers (integers 1 .. {n}), got {answer!r}")
        return False
    answer = [int(i) for i in answer]
    if answer == expected:
        print(f"{name}: passed ({len(expected)} supporting facts, statements {expected})")
        return True
    said = ", then ".join(f"{i} '{' '.join(q.story[i - 1])}'" for i in expected)
    failed = f"{name}: failed on question {index}: expected {expected} ({said}), you wrote {answer}"
    looks_like = None
    if answer == [i - 1 for i in expected]:
        looks_like = "a 0-based numbering: show_story numbers the statements from 1, as the bAbI file does"
    elif sorted(answer) == sorted(expected):
        looks_like = ("the right facts in the wrong order: they go in the order they are used, first the "
                      "statement about the object (who got or dropped it), then where that person went")
    elif answer == expected[-1:]:
        looks_like = ("only the last fact: where the person went says nothing about the object; the "
                      "statement that ties the object to that person comes first")
    if looks_like:
        print(f"{failed}; it looks like {looks_like}")
    elif any(not 1 <= i <= n for i in answer):
        print(f"{failed}; the story has statements 1 .. {n}")
    else:
        print(failed)
    return False
