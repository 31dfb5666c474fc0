"""The self-checks of 08_ntm pass correct answers and catch typical mistakes."""

import re

import numpy as np
import pytest

from rmc_lib.nn.addressing import COSINE_EPS
from rmc_lib.exercises import ntm as exercises

from .messages import fails_naming, one_line, reports_the_stub, stub


# ----------------------------------------------------------------------------
# check_shift
# ----------------------------------------------------------------------------

def shift(weights, shifts, *, direction=1, from_zero=False, wrap=True):
    """w~(i) = sum_o s_o w(i - o) over the offsets o = -R..R; the keywords
    reproduce typical mistakes."""
    N, S = weights.shape[-1], shifts.shape[-1]
    out = np.zeros_like(weights)
    for k in range(S):
        offset = direction * (k if from_zero else k - S // 2)
        moved = np.roll(weights, offset, axis=-1)
        if not wrap and offset > 0:
            moved[..., :offset] = 0
        if not wrap and offset < 0:
            moved[..., N + offset:] = 0
        out += shifts[..., k:k + 1] * moved
    return out


def roll_by_the_most_likely_offset(weights, shifts):
    out = np.empty_like(weights)
    for b in range(weights.shape[0]):
        for h in range(weights.shape[1]):
            offset = int(np.argmax(shifts[b, h])) - shifts.shape[-1] // 2
            out[b, h] = np.roll(weights[b, h], offset)
    return out


def test_shift_check_passes_the_convolution(capsys):
    assert exercises.check_shift(shift)
    assert one_line(capsys) == "check_shift: passed (6 cases)\n"


def test_shift_in_the_wrong_direction_is_caught(capsys):
    fails_naming(capsys, exercises.check_shift, lambda w, s: shift(w, s, direction=-1),
                 "a weighting all on location 0 shifted by +1", "the shift in the wrong direction")


def test_offsets_from_zero_are_caught(capsys):
    fails_naming(capsys, exercises.check_shift, lambda w, s: shift(w, s, from_zero=True),
                 "a weighting all on location 0 shifted by +1", "the offsets read as 0 .. S-1")


def test_no_wrap_around_is_caught(capsys):
    fails_naming(capsys, exercises.check_shift, lambda w, s: shift(w, s, wrap=False),
                 "a weighting all on location 0 shifted by -1", "no wrap-around")


def test_a_roll_by_the_most_likely_offset_is_caught(capsys):
    fails_naming(capsys, exercises.check_shift, roll_by_the_most_likely_offset,
                 "a spread weighting and a spread shift", "the shift weights not used")


def test_a_shift_over_the_wrong_heads_is_caught_without_a_name(capsys):
    out = fails_naming(capsys, exercises.check_shift, lambda w, s: shift(w, s[:, ::-1]),
                       "B = 2 and H = 3 at once", "values differ")
    assert "looks like" not in out


# ----------------------------------------------------------------------------
# check_content_weights
# ----------------------------------------------------------------------------

def content_weights(memory, keys, strengths, *, eps=COSINE_EPS, cosine=True, subtract_max=True, axis=-1,
                    beta_inside=True):
    """softmax over locations of beta * cos(k, M_i); the keywords reproduce
    typical mistakes."""
    dots = np.einsum("bhw,bnw->bhn", keys, memory)
    if cosine:
        norms = np.linalg.norm(keys, axis=-1)[:, :, None] * np.linalg.norm(memory, axis=-1)[:, None, :]
        dots = dots / (norms + eps) if eps else dots / norms
    scores = strengths[:, :, None] * dots if beta_inside else dots
    if subtract_max:
        scores = scores - scores.max(axis=axis, keepdims=True)
    e = np.exp(scores)
    weights = e / e.sum(axis=axis, keepdims=True)
    return weights if beta_inside else weights * strengths[:, :, None]


def test_content_check_passes_the_softmax_of_the_cosine(capsys):
    assert exercises.check_content_weights(content_weights)
    assert one_line(capsys) == "check_content_weights: passed (6 cases)\n"


@pytest.mark.parametrize("eps", [1e-6, 1e-7, 1e-10, 1e-12])
def test_content_check_accepts_another_tiny_eps(capsys, eps):
    assert exercises.check_content_weights(lambda m, k, b: content_weights(m, k, b, eps=eps)), capsys.readouterr()


def test_content_check_accepts_a_floor_on_the_norms_instead_of_an_eps(capsys):
    def floored(memory, keys, strengths):
        norms = np.linalg.norm(keys, axis=-1)[:, :, None] * np.linalg.norm(memory, axis=-1)[:, None, :]
        cos = np.einsum("bhw,bnw->bhn", keys, memory) / np.maximum(norms, 1e-8)
        scores = strengths[:, :, None] * cos
        e = np.exp(scores - scores.max(axis=-1, keepdims=True))
        return e / e.sum(axis=-1, keepdims=True)
    assert exercises.check_content_weights(floored), capsys.readouterr()


def test_the_docstring_states_rmc_libs_eps():
    stated = re.search(r"eps = ([0-9.e+-]+)", exercises.check_content_weights.__doc__)
    assert stated and float(stated.group(1)) == COSINE_EPS


def test_a_missing_eps_is_caught_at_the_zero_row(capsys):
    with np.errstate(invalid="ignore"):
        out = fails_naming(capsys, exercises.check_content_weights, lambda m, k, b: content_weights(m, k, b, eps=0),
                           "a memory with a zero row", "the eps missing")
    assert "holds NaN or inf" in out and "a zero row makes 0/0" in out


def test_a_missing_eps_that_guards_zero_rows_only_is_caught_at_the_zero_key(capsys):
    def guards_rows_only(memory, keys, strengths):
        row_norms = np.linalg.norm(memory, axis=-1)
        row_norms[row_norms == 0] = 1                     # a zero row: cos = 0 / 1 = 0
        norms = np.linalg.norm(keys, axis=-1)[:, :, None] * row_norms[:, None, :]
        scores = strengths[:, :, None] * np.einsum("bhw,bnw->bhn", keys, memory) / norms
        e = np.exp(scores - scores.max(axis=-1, keepdims=True))
        return e / e.sum(axis=-1, keepdims=True)
    with np.errstate(invalid="ignore"):
        fails_naming(capsys, exercises.check_content_weights, guards_rows_only, "a zero key", "a zero key makes 0/0")


def test_a_softmax_that_overflows_is_caught_at_large_beta(capsys):
    with np.errstate(over="ignore", invalid="ignore"):
        fails_naming(capsys, exercises.check_content_weights,
                     lambda m, k, b: content_weights(m, k, b, subtract_max=False),
                     "beta = 1000", "the maximum not subtracted")


def test_the_dot_product_is_caught(capsys):
    fails_naming(capsys, exercises.check_content_weights, lambda m, k, b: content_weights(m, k, b, cosine=False),
                 "an ordinary memory", "the dot product k.M_i instead of the cosine")


@pytest.mark.parametrize("axis, words", [(1, "over the heads (axis 1)"), (0, "over the batch (axis 0)"),
                                         (None, "over the whole array at once")])
def test_a_softmax_over_the_wrong_axis_is_caught(capsys, axis, words):
    fails_naming(capsys, exercises.check_content_weights, lambda m, k, b: content_weights(m, k, b, axis=axis),
                 "an ordinary memory", words)


def test_beta_outside_the_softmax_is_caught(capsys):
    fails_naming(capsys, exercises.check_content_weights, lambda m, k, b: content_weights(m, k, b, beta_inside=False),
                 "an ordinary memory", "beta outside the softmax")


def test_a_nan_answer_elsewhere_is_reported_without_a_mistake(capsys):
    out = fails_naming(capsys, exercises.check_content_weights, lambda m, k, b: np.full((2, 3, 5), np.nan),
                       "an ordinary memory", "your result holds NaN or inf")
    assert "looks like" not in out


def test_a_wrong_shape_at_the_zero_row_is_not_called_a_missing_eps(capsys):
    def nan_of_the_wrong_shape(memory, keys, strengths):
        if np.any(np.all(memory == 0, axis=-1)):
            return np.full(3, np.nan)
        return content_weights(memory, keys, strengths)
    out = fails_naming(capsys, exercises.check_content_weights, nan_of_the_wrong_shape,
                       "a memory with a zero row", "expected shape (1, 2, 4), got (3,)")
    assert "looks like" not in out


# ----------------------------------------------------------------------------
# check_write
# ----------------------------------------------------------------------------

def write(memory, weights, erase, add, *, add_first=False, weighted_erase=True, reverse=False):
    """Each head in turn erases, then adds; the keywords reproduce typical mistakes."""
    memory = memory.copy()
    heads = range(weights.shape[1])
    for h in (reversed(heads) if reverse else heads):
        w = weights[:, h, :, None]
        wiped = w * erase[:, h, None, :] if weighted_erase else erase[:, h, None, :]
        if add_first:
            memory = (memory + w * add[:, h, None, :]) * (1 - wiped)
        else:
            memory = memory * (1 - wiped) + w * add[:, h, None, :]
    return memory


def write_as_in_the_paper(memory, weights, erase, add):
    kept = np.ones_like(memory)
    for h in range(weights.shape[1]):
        kept = kept * (1 - weights[:, h, :, None] * erase[:, h, None, :])
    return memory * kept + weights.transpose(0, 2, 1) @ add


def test_write_check_passes_erase_then_add_head_by_head(capsys):
    assert exercises.check_write(write)
    assert one_line(capsys) == "check_write: passed (6 cases)\n"


def test_writing_into_the_memory_in_place_passes(capsys):
    def in_place(memory, weights, erase, add):
        for h in range(weights.shape[1]):
            memory *= 1 - weights[:, h, :, None] * erase[:, h, None, :]
            memory += weights[:, h, :, None] * add[:, h, None, :]
        return memory
    assert exercises.check_write(in_place), capsys.readouterr()


def test_add_before_erase_is_caught(capsys):
    fails_naming(capsys, exercises.check_write, lambda *a: write(*a, add_first=True),
                 "one head, all its weight on row 2, erase all", "add before erase")


def test_an_erase_of_every_row_is_caught(capsys):
    fails_naming(capsys, exercises.check_write, lambda *a: write(*a, weighted_erase=False),
                 "one head, all its weight on row 2, erase all", "the erase not multiplied by the weighting")


def test_the_papers_form_is_named_as_the_other_convention(capsys):
    out = fails_naming(capsys, exercises.check_write, write_as_in_the_paper,
                       "two heads writing the same row", "every head's erase before any add: the NTM paper's form")
    assert "this library writes head by head" in out and "not a mistake" in out


def test_heads_in_reverse_order_are_caught(capsys):
    fails_naming(capsys, exercises.check_write, lambda *a: write(*a, reverse=True),
                 "two heads writing the same row", "the heads in reverse order")


# ----------------------------------------------------------------------------
# every check
# ----------------------------------------------------------------------------

CHECKS = [exercises.check_shift, exercises.check_content_weights, exercises.check_write]


@pytest.mark.parametrize("check", CHECKS, ids=lambda c: c.__name__)
def test_a_stub_that_raises_is_reported(capsys, check):
    reports_the_stub(capsys, check)


NAN_ANSWERS = [(exercises.check_shift, lambda w, s: np.full_like(w, np.nan)),
               (exercises.check_content_weights, lambda m, k, b: np.full(k.shape[:2] + m.shape[1:2], np.nan)),
               (exercises.check_write, lambda m, w, e, a: np.full_like(m, np.nan))]


@pytest.mark.parametrize("check, nan_answer", NAN_ANSWERS, ids=lambda c: getattr(c, "__name__", ""))
def test_a_nan_answer_is_reported(capsys, check, nan_answer):
    assert not check(nan_answer)
    assert "your result holds NaN or inf" in one_line(capsys)


# ----------------------------------------------------------------------------
# check_memory_size
# ----------------------------------------------------------------------------

def _with_memory_size(core, size):
    from rmc_lib import NTM

    new = NTM(**dict(core.config(), memory_size=size), rng=np.random.default_rng(1))
    for name, value in core.params.items():
        new.params[name][...] = value
    return new


def test_check_memory_size_passes_a_copy_with_another_memory(capsys):
    assert exercises.check_memory_size(_with_memory_size)
    assert "passed" in capsys.readouterr().out


@pytest.mark.parametrize("mistake, words", [
    (lambda core, size: core, "the same core"),
    (lambda core, size: _with_memory_size(core, size + 1), "its memory_size is"),
    (lambda core, size: type(core)(**dict(core.config(), memory_size=size), rng=np.random.default_rng(1)),
     "its parameters differ"),
    (lambda core, size: [core.params[k].__imul__(0) for k in core.params] and _with_memory_size(core, size),
     "the trained core's parameters changed"),
])
def test_check_memory_size_names_the_mistake(mistake, words, capsys):
    assert not exercises.check_memory_size(mistake)
    assert words in capsys.readouterr().out


def test_check_memory_size_reports_a_stub(capsys):
    def stub(core, size):
        raise NotImplementedError("replace this line with your code")

    assert not exercises.check_memory_size(stub)
    assert "raised NotImplementedError" in capsys.readouterr().out
