"""The self-checks of 10_memn2n pass correct answers and catch typical mistakes."""

from types import SimpleNamespace

import numpy as np
import pytest

from rmc_lib.cores.memn2n import MemN2N
from rmc_lib.exercises import memn2n as exercises
from rmc_lib.nn.memory_hops import hop_forward, position_encoding, released_position_encoding
from rmc_lib.tasks.babi import parse_babi
from rmc_lib.tasks.babi_task import BabiTask

from .messages import fails_naming, one_line, reports_an_error, reports_the_stub


# ----------------------------------------------------------------------------
# check_position_encoding
# ----------------------------------------------------------------------------

def encoding(J, d, *, j_from=1, k_from=1, swapped=False, k_term=True):
    """l_kj entry by entry; the keywords reproduce typical mistakes."""
    out = np.zeros((J, d))
    for row in range(J):
        for column in range(d):
            j, k = row + j_from, column + k_from
            word, dimension = (j / d, k / J) if swapped else (j / J, k / d)
            out[row, column] = (1 - word) - (dimension * (1 - 2 * word) if k_term else 0)
    return out


def test_position_encoding_check_passes_rmc_lib_and_a_plain_loop(capsys):
    assert exercises.check_position_encoding(position_encoding)
    assert one_line(capsys) == "check_position_encoding: passed (5 cases)\n"
    assert exercises.check_position_encoding(encoding), capsys.readouterr()


@pytest.mark.parametrize("fn, words", [
    (lambda J, d: encoding(J, d, j_from=0, k_from=0), "j and k counted from 0"),
    (lambda J, d: encoding(J, d, j_from=0), "j and k counted from 0"),
    (lambda J, d: encoding(J, d, k_from=0), "j and k counted from 0"),
    (lambda J, d: encoding(J, d, swapped=True), "j and k swapped"),
    (released_position_encoding, "the released code's formula"),
    (lambda J, d: encoding(J, d, k_term=False), "(1 - j/J) alone"),
])
def test_position_encoding_mistakes_are_named(capsys, fn, words):
    fails_naming(capsys, exercises.check_position_encoding, fn, "a sentence of 3 words, d = 5", words)


@pytest.mark.parametrize("fn", [lambda J, d: position_encoding(J, d).T, lambda J, d: position_encoding(d, J)])
def test_a_d_by_J_answer_is_named_as_swapped(capsys, fn):
    out = fails_naming(capsys, exercises.check_position_encoding, fn, "a sentence of 3 words, d = 5",
                       "j and k swapped")
    assert "expected shape (3, 5), got (5, 3)" in out, out


def test_one_word_is_caught(capsys):
    def no_single_words(J, d):
        return position_encoding(J, d) if J > 1 else np.full((1, d), 0.5)
    out = fails_naming(capsys, exercises.check_position_encoding, no_single_words, "J = 1", "values differ")
    assert "looks like" not in out


# ----------------------------------------------------------------------------
# check_hop
# ----------------------------------------------------------------------------

def hop(u, m, c, mask, *, masked=True, renormalise=True, read_from="c", softmax=True, subtract="valid"):
    """p = softmax(m u) over the valid slots, o = p c, row by row; the
    keywords reproduce typical mistakes."""
    B, M = mask.shape
    o, p = np.zeros(u.shape), np.zeros((B, M))
    for b in range(B):
        scores = m[b] @ u[b]
        if not softmax:
            p[b] = scores
        else:
            over = mask[b] if masked and renormalise else np.ones(M, dtype=bool)
            top = {"valid": scores[over].max(), "every": scores.max(), "none": 0.0}[subtract]
            e = np.where(over, np.exp(np.where(over, scores - top, 0.0)), 0.0)
            p[b] = e / e.sum()
            if masked and not renormalise:
                p[b] = p[b] * mask[b]
        o[b] = p[b] @ (c[b] if read_from == "c" else m[b])
    return o, p


def test_hop_check_passes_rmc_lib_and_a_plain_loop(capsys):
    assert exercises.check_hop(lambda *a: hop_forward(*a)[:2])
    assert one_line(capsys) == "check_hop: passed (5 cases)\n"
    assert exercises.check_hop(hop), capsys.readouterr()


@pytest.mark.parametrize("keywords, case, words", [
    (dict(masked=False), "slots 2 and 3 empty", "the softmax over every slot, the mask ignored"),
    (dict(renormalise=False), "slots 2 and 3 empty", "without renormalising"),
    (dict(read_from="m"), "every slot valid", "the output read from m"),
    (dict(softmax=False), "every slot valid", "no softmax"),
])
def test_hop_mistakes_are_named(capsys, keywords, case, words):
    fails_naming(capsys, exercises.check_hop, lambda *a: hop(*a, **keywords), case, words)


def test_a_linear_hop_that_masks_is_named(capsys):
    def linear(u, m, c, mask):
        p = np.einsum("bmd,bd->bm", m, u) * mask
        return np.einsum("bm,bmd->bd", p, c), p
    fails_naming(capsys, exercises.check_hop, linear, "every slot valid", "no softmax")


def test_an_unshifted_softmax_overflows_and_is_named(capsys):
    with np.errstate(over="ignore", invalid="ignore"):
        out = fails_naming(capsys, exercises.check_hop, lambda *a: hop(*a, subtract="none"),
                           "one valid slot with a score of 1000", "the maximum not subtracted")
    assert "holds NaN or inf" in out


def test_the_maximum_over_every_slot_is_named(capsys):
    with np.errstate(invalid="ignore"):
        fails_naming(capsys, exercises.check_hop, lambda *a: hop(*a, subtract="every"),
                     "the empty slots' scores (750, 360)", "the maximum taken over every slot")


def test_a_minus_infinity_mask_passes(capsys):
    def with_minus_inf(u, m, c, mask):
        scores = np.where(mask, np.einsum("bmd,bd->bm", m, u), -np.inf)
        e = np.exp(scores - scores.max(axis=1, keepdims=True))
        p = e / e.sum(axis=1, keepdims=True)
        return np.einsum("bm,bmd->bd", p, c), p
    assert exercises.check_hop(with_minus_inf), capsys.readouterr()


@pytest.mark.parametrize("fn, words", [
    (lambda *a: hop(*a)[1], "expected a tuple of 2 arrays, got ndarray"),
    (lambda *a: hop(*a)[::-1], "expected shape (2, 3), got (2, 4)"),
])
def test_a_wrong_result_is_reported_without_a_name(capsys, fn, words):
    assert not exercises.check_hop(fn)
    out = one_line(capsys)
    assert words in out and "looks like" not in out, out


# ----------------------------------------------------------------------------
# check_parameter_count
# ----------------------------------------------------------------------------

def test_parameter_count_check_passes_the_count_and_num_params(capsys):
    assert exercises.check_parameter_count(lambda V, d, K, M: (K + 1) * V * d + (K + 1) * M * d)
    assert one_line(capsys) == "check_parameter_count: passed (4 cases)\n"

    def built(V, d, K, M):
        return MemN2N(V, embedding_size=d, hops=K, memory_size=M, rng=np.random.default_rng(1)).num_params()
    assert exercises.check_parameter_count(built), capsys.readouterr()


@pytest.mark.parametrize("fn, words", [
    (lambda V, d, K, M: (2 * K + 2) * V * d + 2 * K * M * d, "untied tables"),
    (lambda V, d, K, M: (2 * K + 2) * (V + M) * d, "untied tables"),
    (lambda V, d, K, M: (2 * K + 2) * V * d, "untied tables"),
    (lambda V, d, K, M: (K + 1) * V * d, "no temporal tables"),
    (lambda V, d, K, M: (K + 1) * V * d + K * M * d, "K temporal tables, one a hop"),
    (lambda V, d, K, M: (K + 1) * V * d + (K + 2) * M * d, "a temporal table for B"),
])
def test_parameter_count_mistakes_are_named(capsys, fn, words):
    fails_naming(capsys, exercises.check_parameter_count, fn, "V = 20, d = 5, K = 3 hops", words)


def test_an_unknown_count_is_caught_without_a_name(capsys):
    out = fails_naming(capsys, exercises.check_parameter_count, lambda V, d, K, M: (K + 1) * (V + M) * d + 1,
                       "V = 20, d = 5", "values differ by up to 1")
    assert "looks like" not in out


# ----------------------------------------------------------------------------
# every function check
# ----------------------------------------------------------------------------

CHECKS = [exercises.check_position_encoding, exercises.check_hop, exercises.check_parameter_count]


@pytest.mark.parametrize("check", CHECKS, ids=lambda c: c.__name__)
def test_a_stub_that_raises_is_reported(capsys, check):
    reports_the_stub(capsys, check)


@pytest.mark.parametrize("check", CHECKS, ids=lambda c: c.__name__)
def test_a_function_that_raises_is_reported(capsys, check):
    def indexes_too_far(*args):
        return [][len(args)]
    reports_an_error(capsys, check, indexes_too_far)


# ----------------------------------------------------------------------------
# show_story and check_supporting_facts
# ----------------------------------------------------------------------------

STORY = """1 Mary went back to the kitchen.
2 Mary moved to the bathroom.
3 Mary grabbed the apple.
4 Where is the apple?\tbathroom\t3 2
5 Sandra went to the hallway.
6 Mary got the milk.
7 Mary journeyed to the office.
8 Where is the milk?\toffice\t6 7
"""
TASK = SimpleNamespace(test_questions=parse_babi(STORY))       # statements 3, 2 then 5, 6 in show_story's numbering


def test_show_story_numbers_the_statements_from_1(capsys):
    exercises.show_story(TASK, 1)
    assert capsys.readouterr().out == ("1 mary went back to the kitchen\n2 mary moved to the bathroom\n"
                                       "3 mary grabbed the apple\n4 sandra went to the hallway\n"
                                       "5 mary got the milk\n6 mary journeyed to the office\n"
                                       "question: where is the milk?  answer: office\n")


def test_the_right_facts_pass(capsys):
    assert exercises.check_supporting_facts(TASK, 0, [3, 2])
    assert one_line(capsys) == "check_supporting_facts: passed (2 supporting facts, statements [3, 2])\n"
    assert exercises.check_supporting_facts(TASK, 1, np.array([5, 6]))
    assert exercises.check_supporting_facts(TASK, np.int64(1), (5, 6))
    capsys.readouterr()


@pytest.mark.parametrize("index, answer, words", [
    (0, [2, 3], "the right facts in the wrong order"),
    (1, [6, 5], "the right facts in the wrong order"),
    (0, [2], "only the last fact"),
    (1, [6], "only the last fact"),
    (0, [2, 1], "a 0-based numbering"),
    (1, [4, 5], "a 0-based numbering"),
])
def test_supporting_fact_mistakes_are_named(capsys, index, answer, words):
    assert not exercises.check_supporting_facts(TASK, index, answer)
    out = one_line(capsys)
    assert f"failed on question {index}: expected" in out and words in out, out


def test_a_wrong_answer_shows_the_facts(capsys):
    assert not exercises.check_supporting_facts(TASK, 1, [1, 2])
    out = one_line(capsys)
    assert out == ("check_supporting_facts: failed on question 1: expected [5, 6] (5 'mary got the milk', then "
                   "6 'mary journeyed to the office'), you wrote [1, 2]\n"), out


def test_a_statement_outside_the_story_is_reported(capsys):
    assert not exercises.check_supporting_facts(TASK, 1, [5, 8])
    assert "the story has statements 1 .. 6" in one_line(capsys)


@pytest.mark.parametrize("answer, words", [(None, "in place of None"), ([5.0, 6], "expected a list of statement"),
                                           ("56", "expected a list of statement"),
                                           ([True, 6], "expected a list of statement")])
def test_an_answer_that_is_not_a_list_of_numbers_is_reported(capsys, answer, words):
    assert not exercises.check_supporting_facts(TASK, 1, answer)
    assert words in one_line(capsys)


@pytest.mark.parametrize("task, index, words", [(TASK, 2, "index must be an integer in 0 .. 1"),
                                                (TASK, -1, "index must be"), (TASK, 1.0, "index must be"),
                                                (TASK, True, "index must be"), (object(), 0, "BabiTask")])
def test_a_bad_task_or_index_raises(task, index, words):
    with pytest.raises(ValueError, match=words):
        exercises.check_supporting_facts(task, index, [1])
    with pytest.raises(ValueError, match=words):
        exercises.show_story(task, index)


def test_every_question_of_task_2_passes_with_its_own_facts(capsys):
    task = BabiTask(2)
    for index, q in enumerate(task.test_questions[:200]):
        assert exercises.check_supporting_facts(task, index, [p + 1 for p in q.supporting]), capsys.readouterr()
    capsys.readouterr()
