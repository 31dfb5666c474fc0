"""The self-checks of 00_overview pass the right answers and catch typical mistakes,
naming the case that fails."""

import numpy as np
import pytest

from rmc_lib.exercises import overview as exercises

RIGHT_BY_HAND = {1: 3, 2: 0, 3: 1, 4: 4, 5: 2}     # distances 5, 3, 2, 1.41, 0 from object 2


def test_the_hand_problem_has_the_distances_the_answers_assume():
    vectors, reference = exercises.hand_problem()
    distances = np.linalg.norm(vectors - vectors[reference], axis=1)
    np.testing.assert_allclose(distances, [3, 2, 0, 5, np.sqrt(2)])
    vectors[0] = 99                                          # a copy: the check's problem stays
    assert exercises.hand_problem()[0][0, 0] == 4


def test_right_answers_by_hand_pass(capsys):
    assert exercises.check_answers_by_hand(RIGHT_BY_HAND)
    assert "check_answers_by_hand: passed (5 ranks)" in capsys.readouterr().out
    # numpy integers (e.g. from argsort) are answers too
    assert exercises.check_answers_by_hand({n: np.int64(j) for n, j in RIGHT_BY_HAND.items()})


def test_nearest_first_is_caught_with_the_rank_of_the_object_given(capsys):
    nearest_first = {n: RIGHT_BY_HAND[6 - n] for n in RIGHT_BY_HAND}
    assert not exercises.check_answers_by_hand(nearest_first)
    out = capsys.readouterr().out
    assert "failed on n = 1 (the 1st farthest from object 2): object 2 is at distance 0.00" in out
    assert "the 5th farthest" in out


def test_leaving_the_reference_out_is_caught(capsys):
    # ranking only the other objects agrees up to n = 4; n = 5 is the reference itself
    assert not exercises.check_answers_by_hand({**RIGHT_BY_HAND, 5: 0})
    assert "failed on n = 5" in capsys.readouterr().out


def test_swapped_neighbours_are_caught(capsys):
    assert not exercises.check_answers_by_hand({**RIGHT_BY_HAND, 2: 1, 3: 0})
    out = capsys.readouterr().out
    assert "failed on n = 2" in out and "object 1 is at distance 2.00, which makes it the 3rd farthest" in out


@pytest.mark.parametrize("answers, message", [
    ({1: None, 2: None, 3: None, 4: None, 5: None}, "failed on n = 1: give an object index 0 .. 4, got None"),
    ({1: 3, 2: 0, 3: 1, 4: 4, 5: 5}, "failed on n = 5: give an object index 0 .. 4, got 5"),
    ({1: 3, 2: 0, 3: 1, 4: 4, 5: True}, "got True"),
    ({0: 3, 1: 0, 2: 1, 3: 4, 4: 2}, "expected a dict with one answer for each n = 1 .. 5, got [0, 1, 2, 3, 4]"),
    ([3, 0, 1, 4, 2], "expected a dict with one answer for each n = 1 .. 5, got list"),
])
def test_answers_of_the_wrong_form_are_named(capsys, answers, message):
    assert not exercises.check_answers_by_hand(answers)
    assert message in capsys.readouterr().out


def test_another_problem_can_be_checked(capsys):
    vectors = np.array([[0.0, 0.0], [1.0, 0.0], [0.0, 3.0]])
    assert exercises.check_answers_by_hand({1: 2, 2: 1, 3: 0}, vectors, 0)
    assert not exercises.check_answers_by_hand({1: 1, 2: 2, 3: 0}, vectors, 0)


def right_attention_weights(mem_slots, num_heads, num_blocks):
    return num_blocks * num_heads * (mem_slots + 1) ** 2


def test_the_count_of_attention_weights_is_what_a_real_core_computes(capsys):
    # the check's expected values come from a RelationalMemory; they agree with the formula
    for N, H, b in [(1, 1, 1), (4, 2, 1), (4, 2, 3), (8, 4, 2), (3, 3, 2)]:
        assert exercises.attention_weights_per_step(N, H, b) == right_attention_weights(N, H, b)
    assert exercises.check_attention_weights(right_attention_weights)
    assert "check_attention_weights: passed (5 cases)" in capsys.readouterr().out


@pytest.mark.parametrize("wrong, case", [
    (lambda N, H, b: b * H * N ** 2, "1 slot, 1 head, 1 block"),                 # the input row forgotten
    (lambda N, H, b: b * H * (N + 1) * N // 2, "1 slot, 1 head, 1 block"),       # unordered pairs
    (lambda N, H, b: b * (N + 1) ** 2, "4 slots, 2 heads, 1 block"),             # heads forgotten
    (lambda N, H, b: H * (N + 1) ** 2, "4 slots, 2 heads, 3 blocks"),            # blocks forgotten
])
def test_typical_counting_mistakes_are_caught(capsys, wrong, case):
    assert not exercises.check_attention_weights(wrong)
    assert f"check_attention_weights: failed on {case}" in capsys.readouterr().out


def test_the_count_of_distinct_slots_is_what_a_real_core_holds(capsys):
    for N, F in [(4, 4), (3, 8), (5, 4), (6, 4), (8, 2), (7, 3)]:
        assert exercises.distinct_slots(N, F) == min(N, F + 1)
    assert exercises.check_distinct_slots(lambda N, F: min(N, F + 1))
    assert "check_distinct_slots: passed (6 cases)" in capsys.readouterr().out


@pytest.mark.parametrize("wrong, case", [
    (lambda N, F: N, "6 slots of size 4 (two slots beyond the columns)"),     # the cut ignored
    (lambda N, F: min(N, F), "5 slots of size 4 (one slot beyond the columns)"),  # the zero rows not counted
    (lambda N, F: F, "3 slots of size 8 (padded with zeros)"),                # columns, not slots
])
def test_typical_mistakes_about_distinct_slots_are_caught(capsys, wrong, case):
    assert not exercises.check_distinct_slots(wrong)
    assert f"check_distinct_slots: failed on {case}" in capsys.readouterr().out


def test_a_stub_that_raises_is_reported(capsys):
    def stub(*args):
        raise NotImplementedError("replace this line with your code")
    assert not exercises.check_distinct_slots(stub)
    assert not exercises.check_attention_weights(stub)
    out = capsys.readouterr().out
    assert "check_distinct_slots: failed on 4 slots of size 4 (square): your function raised NotImplementedError" in out
    assert "check_attention_weights: failed on 1 slot, 1 head, 1 block: your function raised" in out
