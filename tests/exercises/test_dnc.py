"""The self-checks of 09_dnc pass correct answers and catch typical mistakes."""

import numpy as np
import pytest

from rmc_lib.nn.dnc_addressing import EPSILON, allocation_forward, usage_forward
from rmc_lib.nn.dnc_linkage import link_forward
from rmc_lib.exercises import dnc as exercises

from .messages import fails_naming, one_line, reports_an_error, reports_the_stub


# ----------------------------------------------------------------------------
# check_allocation
# ----------------------------------------------------------------------------

def allocation(usage, *, eps=EPSILON, order="least used first", inclusive=False, unsort=True, divide=False):
    """a[phi_j] = (1 - u[phi_j]) prod_{k<j} u[phi_k], row by row; the
    keywords reproduce typical mistakes."""
    usage = eps + (1 - eps) * usage
    out = np.empty_like(usage)
    for b, u in enumerate(usage):
        phi = {"least used first": np.argsort(u, kind="stable"),
               "most used first": np.argsort(-u, kind="stable"),
               "most used first, reversed": np.argsort(u, kind="stable")[::-1],
               "ties to the higher index": sorted(range(len(u)), key=lambda i: (u[i], -i))}[order]
        phi = np.asarray(phi)
        sorted_u = u[phi]
        inclusive_product = np.cumprod(sorted_u)
        if inclusive:
            product = inclusive_product
        elif divide:
            product = inclusive_product / sorted_u
        else:
            product = np.concatenate([[1.0], inclusive_product[:-1]])
        a = (1 - sorted_u) * product
        if unsort:
            out[b, phi] = a
        else:
            out[b] = a
    return out


def test_allocation_check_passes_rmc_lib_and_a_plain_loop(capsys):
    assert exercises.check_allocation(lambda u: allocation_forward(u)[0])
    assert one_line(capsys) == "check_allocation: passed (6 cases)\n"
    assert exercises.check_allocation(allocation), capsys.readouterr()


def test_allocation_check_accepts_the_1e6_left_out(capsys):
    assert exercises.check_allocation(lambda u: allocation(u, eps=0.0)), capsys.readouterr()
    assert exercises.check_allocation(lambda u: allocation(u, eps=1e-12)), capsys.readouterr()


def test_the_docstring_states_deepminds_1e6():
    assert EPSILON == 1e-6
    assert "1e-6 + (1 - 1e-6) u" in exercises.check_allocation.__doc__


@pytest.mark.parametrize("eps", [EPSILON, 0.0], ids=["with the 1e-6", "without it"])
@pytest.mark.parametrize("keywords, case, words", [
    (dict(inclusive=True), "a clear order", "an inclusive cumulative product"),
    (dict(order="most used first"), "a clear order", "sorted the wrong way (most used first)"),
    (dict(order="most used first, reversed"), "a clear order", "sorted the wrong way (most used first)"),
    (dict(unsort=False), "a clear order", "the result left in sorted order"),
    (dict(order="ties to the higher index"), "every location free", "equal usages ranked higher index first"),
])
def test_allocation_mistakes_are_named(capsys, eps, keywords, case, words):
    fails_naming(capsys, exercises.check_allocation, lambda u: allocation(u, eps=eps, **keywords), case, words)


@pytest.mark.parametrize("eps", [EPSILON, 0.0])
def test_one_minus_usage_alone_is_named(capsys, eps):
    fails_naming(capsys, exercises.check_allocation, lambda u: 1 - (eps + (1 - eps) * u), "a clear order",
                 "1 - u alone")


def test_dividing_by_a_zero_usage_is_named_at_the_free_memory(capsys):
    with np.errstate(invalid="ignore"):
        out = fails_naming(capsys, exercises.check_allocation, lambda u: allocation(u, eps=0.0, divide=True),
                           "every location free", "cumprod(u) / u")
    assert "holds NaN or inf" in out


def test_dividing_by_the_usage_with_the_1e6_passes(capsys):
    assert exercises.check_allocation(lambda u: allocation(u, divide=True)), capsys.readouterr()


def test_a_sort_over_the_batch_is_caught_without_a_name(capsys):
    def sorted_over_the_batch(usage):
        order = np.argsort(usage.ravel(), kind="stable")
        return allocation(usage.ravel()[None, order])[0, np.argsort(order)].reshape(usage.shape)
    out = fails_naming(capsys, exercises.check_allocation, sorted_over_the_batch, "B = 2", "values differ")
    assert "looks like" not in out


# ----------------------------------------------------------------------------
# check_usage
# ----------------------------------------------------------------------------

def usage(prev_usage, prev_write_weights, free_gate, prev_read_weights, *, summed_writes=False, plus=False,
          free_first=False, summed_frees=False, gated=True):
    """u = (u + w - u w) psi over the heads; the keywords reproduce typical mistakes."""
    if summed_writes:
        w = prev_write_weights.sum(axis=1)
    else:
        w = 1 - np.prod(1 - prev_write_weights, axis=1)
    frees = free_gate[:, :, None] * prev_read_weights if gated else prev_read_weights
    psi = 1 - frees.sum(axis=1) if summed_frees else np.prod(1 - frees, axis=1)
    u = prev_usage * psi if free_first else prev_usage
    u = u + w if plus else u + w - u * w
    return u if free_first else u * psi


def test_usage_check_passes_rmc_lib_and_the_formula(capsys):
    assert exercises.check_usage(lambda *a: usage_forward(*a)[0])
    assert one_line(capsys) == "check_usage: passed (5 cases)\n"
    assert exercises.check_usage(usage), capsys.readouterr()


@pytest.mark.parametrize("keywords, case, words", [
    (dict(summed_writes=True), "two write heads on the same location", "the write weights summed"),
    (dict(plus=True), "one write head and no read head freeing", "u + w instead of u + w - u w"),
    (dict(free_first=True), "one read head freeing fully", "free before the write"),
    (dict(summed_frees=True), "two read heads freeing the same location", "the frees summed over the read heads"),
    (dict(gated=False), "one write head and no read head freeing", "the free gates not used"),
])
def test_usage_mistakes_are_named(capsys, keywords, case, words):
    fails_naming(capsys, exercises.check_usage, lambda *a: usage(*a, **keywords), case, words)


# ----------------------------------------------------------------------------
# check_link
# ----------------------------------------------------------------------------

def link(prev_link, prev_precedence, write_weights, *, transposed=False, zero_diagonal=True,
         new_precedence=False, fade=True):
    """L[i, j] = (1 - w(i) - w(j)) L_prev[i, j] + w(i) p_prev(j), entry by
    entry; the keywords reproduce typical mistakes."""
    B, N = write_weights.shape
    p = prev_precedence
    if new_precedence:
        p = (1 - write_weights.sum(axis=1, keepdims=True)) * p + write_weights
    out = np.zeros_like(prev_link)
    for b in range(B):
        w = write_weights[b]
        for i in range(N):
            for j in range(N):
                if i == j and zero_diagonal:
                    continue
                kept = (1 - w[i] - w[j]) if fade else 1.0
                new = w[j] * p[b, i] if transposed else w[i] * p[b, j]
                out[b, i, j] = kept * prev_link[b, i, j] + new
    return out


def test_link_check_passes_rmc_lib_and_the_formula(capsys):
    def rmc_lib_link(prev_link, prev_precedence, write_weights):
        return link_forward(prev_link[:, None], prev_precedence[:, None], write_weights[:, None])[0][:, 0]
    assert exercises.check_link(rmc_lib_link)
    assert one_line(capsys) == "check_link: passed (5 cases)\n"
    assert exercises.check_link(link), capsys.readouterr()


@pytest.mark.parametrize("fn, case, words", [
    (lambda *a: link(*a, transposed=True), "a sharp write at location 3 right after one at location 1", "transposed"),
    (lambda *a: link(*a).transpose(0, 2, 1), "a sharp write at location 3 right after one at location 1",
     "transposed"),
    (lambda *a: link(*a, zero_diagonal=False), "a spread write", "the diagonal not set to zero"),
    (lambda *a: link(*a, new_precedence=True), "a sharp write at location 3 right after one at location 1",
     "the new precedence used"),
    (lambda *a: link(*a, fade=False), "a spread write", "the factor (1 - w(i) - w(j)) left out"),
])
def test_link_mistakes_are_named(capsys, fn, case, words):
    fails_naming(capsys, exercises.check_link, fn, case, words)


def test_adding_no_link_is_named_with_the_new_precedence(capsys):
    def old_links_only(prev_link, prev_precedence, write_weights):
        w_i, w_j = write_weights[:, :, None], write_weights[:, None, :]
        return (1 - w_i - w_j) * prev_link * (1 - np.eye(write_weights.shape[1]))
    fails_naming(capsys, exercises.check_link, old_links_only, "a sharp write at location 3 right after one",
                 "no link added: the new precedence used")


def test_links_that_never_fade_are_named_at_the_overwrite_too(capsys):
    def fades_only_where_spread(prev_link, prev_precedence, write_weights):
        sharp = np.isclose(write_weights.max(axis=1), 1.0)[:, None, None]
        return np.where(sharp, link(prev_link, prev_precedence, write_weights, fade=False),
                        link(prev_link, prev_precedence, write_weights))
    fails_naming(capsys, exercises.check_link, fades_only_where_spread, "location 2 written again",
                 "the factor (1 - w(i) - w(j)) left out")


# ----------------------------------------------------------------------------
# every function check
# ----------------------------------------------------------------------------

CHECKS = [exercises.check_allocation, exercises.check_usage, exercises.check_link]


@pytest.mark.parametrize("check", CHECKS, ids=lambda c: c.__name__)
def test_a_stub_that_raises_is_reported(capsys, check):
    reports_the_stub(capsys, check)


@pytest.mark.parametrize("check", CHECKS, ids=lambda c: c.__name__)
def test_a_function_that_raises_is_reported(capsys, check):
    def indexes_too_far(*args):
        return args[0][args[0].shape[0]]
    reports_an_error(capsys, check, indexes_too_far)


WRONG_SHAPES = [(exercises.check_allocation, lambda u: u[:, :-1], "expected shape (1, 5), got (1, 4)"),
                (exercises.check_usage, lambda u, w, f, r: w, "expected shape (1, 5), got (1, 1, 5)"),
                (exercises.check_link, lambda L, p, w: L[0], "expected shape (1, 5, 5), got (5, 5)")]


@pytest.mark.parametrize("check, fn, words", WRONG_SHAPES, ids=lambda c: getattr(c, "__name__", ""))
def test_a_wrong_shape_is_reported(capsys, check, fn, words):
    assert not check(fn)
    out = one_line(capsys)
    assert words in out and "looks like" not in out, out


# ----------------------------------------------------------------------------
# check_fill_order
# ----------------------------------------------------------------------------

USAGE = np.array([0.4, 0.7, 0.1, 0.1, 1.0, 0.0])        # fills 5, 2, 3, 0, 1, 4


def test_the_right_fill_order_passes(capsys):
    assert exercises.check_fill_order(USAGE, [5, 2, 3, 0, 1, 4])
    assert one_line(capsys) == "check_fill_order: passed (6 locations)\n"
    assert exercises.check_fill_order(list(USAGE), np.array([5, 2, 3, 0, 1, 4]))
    assert exercises.check_fill_order(USAGE, (5, 2, 3, 0, 1, 4))
    capsys.readouterr()


def test_a_wrong_order_names_the_position_and_the_usages(capsys):
    assert not exercises.check_fill_order(USAGE, [5, 2, 3, 1, 0, 4])
    assert one_line(capsys) == ("check_fill_order: failed at position 3: expected location 0, you wrote 1: "
                                "location 0 has usage 0.4, less than location 1's 0.7, so it is filled first\n")


def test_a_tie_broken_the_wrong_way_says_lower_index_first(capsys):
    assert not exercises.check_fill_order(USAGE, [5, 3, 2, 0, 1, 4])
    out = one_line(capsys)
    assert "failed at position 1: expected location 2, you wrote 3" in out, out
    assert "both have usage 0.1: the lower index, 2, is filled first" in out, out


def test_the_most_used_first_fails_at_position_0(capsys):
    assert not exercises.check_fill_order(USAGE, [4, 1, 0, 2, 3, 5])
    assert "failed at position 0: expected location 5, you wrote 4" in one_line(capsys)


@pytest.mark.parametrize("answer, words", [
    ([5, 2, 3, 0, 1], "5 indices for 6 locations; missing [4]"),
    ([5, 2, 3, 0, 1, 4, 4], "7 indices for 6 locations; repeated [4]"),
    ([5, 2, 2, 0, 1, 4], "missing [3]; repeated [2]"),
    ([5, 2, 3, 0, 1, 6], "not a location [6]"),
    ([6, 5, 4, 3, 2, 1], "missing [0]; not a location [6]"),
])
def test_an_answer_that_is_not_a_permutation_is_reported(capsys, answer, words):
    assert not exercises.check_fill_order(USAGE, answer)
    out = one_line(capsys)
    assert "expected each location 0 .. 5 exactly once" in out and words in out, out


@pytest.mark.parametrize("answer, words", [(None, "in place of None"),
                                           ([5.0, 2, 3, 0, 1, 4], "expected a list of location indices"),
                                           ("520314", "expected a list of location indices"),
                                           ([True, 2, 3, 0, 1, 4], "expected a list of location indices")])
def test_an_answer_that_is_not_a_list_of_indices_is_reported(capsys, answer, words):
    assert not exercises.check_fill_order(USAGE, answer)
    assert words in one_line(capsys)


@pytest.mark.parametrize("bad, words", [(np.ones((2, 3)) / 2, "1-D"), (np.array([]), "1-D"),
                                        (np.array([0.2, 1.5]), "[0, 1]"), (np.array([-0.1, 0.5]), "[0, 1]"),
                                        (np.array([np.nan, 0.5]), "[0, 1]")])
def test_bad_usage_raises(bad, words):
    with pytest.raises(ValueError, match=words.replace("[", r"\[").replace("]", r"\]")):
        exercises.check_fill_order(bad, [0, 1])
