"""Self-checks for the exercises of lesson 08 (the Neural Turing Machine).

Each check runs a learner's function against rmc_lib's own on several cases
(including awkward ones), prints one line: the first case that fails and,
when the answer matches a typical mistake, which one; or that it passed.
It returns True or False.

    check_shift(fn)             the convolutional shift   nn.addressing.shift_forward
    check_content_weights(fn)   content addressing        nn.addressing.content_weights_forward
    check_write(fn)             erase, then add           nn.memory_access.write_forward
    check_memory_size(fn)       a trained core with another memory size (the memory is state)
"""

import numpy as np

from ..nn.addressing import COSINE_EPS, content_weights_forward, shift_forward, shift_offsets
from ..nn.attention import softmax
from ..nn.memory_access import write_forward
from ._cases import run_with_mistakes


# ----------------------------------------------------------------------------
# Exercise 1: the convolutional shift
# ----------------------------------------------------------------------------

def _moved(weights, offset, wrap=True):
    """weights [B, H, N] moved by `offset` locations (an int, or one per head
    [B, H]): out[..., i] = weights[..., i - offset], wrapping round the ends,
    or (wrap=False) with zeros coming in and weight moved past an end lost."""
    N = weights.shape[-1]
    source = np.arange(N) - np.broadcast_to(offset, weights.shape[:-1])[..., None]
    out = np.take_along_axis(weights, source % N, axis=-1)
    return out if wrap else np.where((source >= 0) & (source < N), out, 0.0)


def _shift_mistakes(weights, shifts):
    """What typical wrong shifts give, with what each one gets wrong."""
    offsets = list(shift_offsets(shifts.shape[-1]))

    def mixed(offset_of, wrap=True):
        return sum(shifts[..., k:k + 1] * _moved(weights, offset_of(k, o), wrap) for k, o in enumerate(offsets))

    most_likely = np.array(offsets)[np.argmax(shifts, axis=-1)]        # [B, H]
    return [("the shift in the wrong direction: offset +1 moves weight from location i to i + 1",
             mixed(lambda k, o: -o)),
            ("the offsets read as 0 .. S-1; shift weight k is for offset k - R (-R .. +R, shifts[..., R] is 0)",
             mixed(lambda k, o: k)),
            ("no wrap-around: weight moved past one end must come back at the other (i - j mod N)",
             mixed(lambda k, o: o, wrap=False)),
            ("the shift weights not used: a plain roll by the most likely offset; "
             "the result mixes every offset o, each with its weight s_o", _moved(weights, most_likely))]


def check_shift(fn):
    """fn(weights, shifts) must return the circular convolution

        w~(i) = sum_j w(j) s((i - j) mod N)

    weights: [B, H, N], one weighting per head; shifts: [B, H, S], the shift
    weights of the S = 2R + 1 offsets -R .. +R in that order (shifts[..., R]
    is offset 0) -> [B, H, N]. Offset +1 moves weight from location i to
    i + 1, and the last location's to location 0. NTM paper: equation (8);
    rmc_lib: nn.addressing.shift_forward."""
    rng = np.random.default_rng(81)

    def on_zero(N):
        return np.eye(N)[None, None, 0]                                  # [1, 1, N]

    settings = [
        ("a weighting all on location 0 shifted by +1 (it must land on location 1), N = 5, S = 3",
         on_zero(5), np.array([[[0.0, 0.0, 1.0]]])),
        ("a weighting all on location 0 shifted by -1 (it must wrap round to location N-1 = 4), N = 5, S = 3",
         on_zero(5), np.array([[[1.0, 0.0, 0.0]]])),
        ("a spread weighting and a spread shift, N = 6, S = 3",
         rng.dirichlet(np.ones(6), size=(1, 1)), np.array([[[0.15, 0.25, 0.6]]])),
        ("S = 5 shift weights (offsets -2 .. +2), N = 7",
         rng.dirichlet(np.ones(7), size=(1, 1)), np.array([[[0.1, 0.4, 0.05, 0.15, 0.3]]])),
        ("B = 2 and H = 3 at once, N = 6, S = 3",
         rng.dirichlet(np.ones(6), size=(2, 3)), rng.dirichlet(np.ones(3), size=(2, 3))),
        ("N = S = 5: the shift as wide as the memory",
         rng.dirichlet(np.ones(5), size=(1, 2)), rng.dirichlet(np.ones(5), size=(1, 2))),
    ]
    cases = [(d, lambda w=w, s=s: fn(w.copy(), s.copy()), shift_forward(w, s)[0], _shift_mistakes(w, s), None)
             for d, w, s in settings]
    return run_with_mistakes("check_shift", cases)


# ----------------------------------------------------------------------------
# Exercise 2: content addressing
# ----------------------------------------------------------------------------

def _content_mistakes(memory, keys, strengths):
    """What typical wrong content weightings give, with what each one gets wrong."""
    beta = strengths[..., None]
    dots = keys @ memory.transpose(0, 2, 1)                                # [B, H, N]
    norms = np.linalg.norm(keys, axis=-1)[..., None] * np.linalg.norm(memory, axis=-1)[:, None, :]
    cos = dots / (norms + COSINE_EPS)
    everything = np.exp(beta * cos - np.max(beta * cos))
    return [("the dot product k.M_i instead of the cosine k.M_i / (|k| |M_i| + eps)", softmax(beta * dots)),
            ("the softmax over the wrong axis: over the heads (axis 1), not over each head's locations (the last axis)",
             softmax(beta * cos, axis=1)),
            ("the softmax over the wrong axis: over the batch (axis 0), not over each head's locations (the last axis)",
             softmax(beta * cos, axis=0)),
            ("the softmax over the whole array at once, not over each head's locations (the last axis)",
             everything / everything.sum()),
            ("beta outside the softmax, softmax(cos) * beta: beta scales the scores inside it, softmax(beta * cos)",
             softmax(cos) * beta)]


def check_content_weights(fn):
    """fn(memory, keys, strengths) must return the content weighting

        w_c[b, h, i] = softmax over i of beta_h * cos(k_h, M_i),
        cos(k, M_i) = k.M_i / (|k| |M_i| + eps),   eps = 1e-8

    (eps is rmc_lib's COSINE_EPS; another tiny eps, 1e-6 .. 1e-12, passes
    too). memory: [B, N, W]; keys: [B, H, W]; strengths (beta >= 0): [B, H]
    -> [B, H, N], each head's row summing to 1. A zero row or a zero key has
    a similarity of 0 (not NaN), and the softmax must subtract its maximum so
    that a large beta cannot overflow. NTM paper: equations (5) and (6);
    rmc_lib: nn.addressing.content_weights_forward."""
    rng = np.random.default_rng(82)
    zero_row = rng.normal(size=(1, 4, 3))
    zero_row[0, 2] = 0.0
    zero_key = rng.normal(size=(1, 2, 3))
    zero_key[0, 0] = 0.0
    sharp_memory = rng.normal(size=(1, 5, 4))
    sharp_keys = np.stack([sharp_memory[0, 3] + 0.01 * rng.normal(size=4), rng.normal(size=4)])[None]
    identical = np.tile(rng.normal(size=(1, 1, 4)), (2, 5, 1))
    no_eps = "the eps missing from |k| |M_i| + eps: a zero {} makes 0/0"
    settings = [
        ("an ordinary memory, B = 2, H = 3, N = 5, W = 4",
         rng.normal(size=(2, 5, 4)), rng.normal(size=(2, 3, 4)), rng.uniform(0.5, 5, size=(2, 3)), None),
        ("a memory with a zero row (its similarity is 0, not NaN), N = 4, W = 3",
         zero_row, rng.normal(size=(1, 2, 3)), np.array([[2.0, 10.0]]), no_eps.format("row")),
        ("a zero key (head 0: every location equally likely)",
         rng.normal(size=(1, 4, 3)), zero_key, np.array([[3.0, 3.0]]), no_eps.format("key")),
        ("beta = 0 (every location equally likely)",
         rng.normal(size=(2, 4, 3)), rng.normal(size=(2, 2, 3)), np.zeros((2, 2)), None),
        ("beta = 1000 with a key close to row 3 (exp(1000 * cos) overflows unless the maximum is subtracted)",
         sharp_memory, sharp_keys, np.full((1, 2), 1000.0),
         "the maximum not subtracted in the softmax: exp(1000 * cos) overflows to inf, and inf / inf is NaN"),
        ("a memory of identical rows (every location equally likely)",
         identical, rng.normal(size=(2, 3, 4)), rng.uniform(0.5, 5, size=(2, 3)), None),
    ]
    cases = [(d, lambda m=m, k=k, b=b: fn(m.copy(), k.copy(), b.copy()), content_weights_forward(m, k, b)[0],
              _content_mistakes(m, k, b), non_finite) for d, m, k, b, non_finite in settings]
    # another eps moves the weights by about beta * eps / (|k| |M_i|): by at
    # most 3e-7 here for any eps from 1e-12 to 1e-6; each mistake by 0.08 or more
    return run_with_mistakes("check_content_weights", cases, rtol=1e-5, atol=1e-5)


# ----------------------------------------------------------------------------
# Exercise 3: writing
# ----------------------------------------------------------------------------

def _write_mistakes(memory, weights, erase, add):
    """What typical wrong writes give, with what each one gets wrong."""
    heads = range(weights.shape[1])

    def head_by_head(order, write_one):
        m = memory
        for h in order:
            m = write_one(m, weights[:, h, :, None], erase[:, h, None, :], add[:, h, None, :])
        return m

    kept = np.prod(1 - weights[..., None] * erase[:, :, None, :], axis=1)           # [B, N, W]
    papers = memory * kept + np.einsum("bvn,bvw->bnw", weights, add)
    return [("add before erase: each head erases first (M * (1 - w e^T)), then adds (+ w a^T)",
             head_by_head(heads, lambda m, w, e, a: (m + w * a) * (1 - w * e))),
            ("the erase not multiplied by the weighting, so every row is erased: row i loses only w(i) e",
             head_by_head(heads, lambda m, w, e, a: m * (1 - e) + w * a)),
            ("every head's erase before any add: the NTM paper's form; this library writes head by head "
             "(head h + 1 erases after head h has added), the other convention, not a mistake in the paper",
             papers),
            ("the heads in reverse order: head 0 writes first, then head 1, ...",
             head_by_head(reversed(heads), lambda m, w, e, a: m * (1 - w * e) + w * a))]


def check_write(fn):
    """fn(memory, weights, erase, add) must return the memory after the write
    heads, one after the other (head 0 first), each erasing then adding:

        M <- M * (1 - w_h e_h^T)      row i loses the fraction w_h(i) e_h
        M <- M + w_h a_h^T            and gains w_h(i) a_h

    memory: [B, N, W]; weights: [B, V, N], one weighting per write head;
    erase (in [0, 1]) and add: [B, V, W] -> the new memory [B, N, W]. NTM
    paper: equations (3) and (4); rmc_lib: nn.memory_access.write_forward
    (with several heads the paper does every erase before any add)."""
    rng = np.random.default_rng(83)

    def sharp(N, *rows):
        return np.eye(N)[list(rows)][None]                                   # [1, V, N]

    def vectors(B, V, W):
        return rng.uniform(0.1, 0.9, size=(B, V, W)), rng.normal(size=(B, V, W))

    settings = [
        ("one head, all its weight on row 2, erase all then add (row 2 becomes the add vector), N = 4, W = 3",
         rng.normal(size=(1, 4, 3)), sharp(4, 2), np.ones((1, 1, 3)), rng.normal(size=(1, 1, 3))),
        ("one head, erase 0 (it only adds), a spread weighting",
         rng.normal(size=(1, 4, 3)), rng.dirichlet(np.ones(4), size=(1, 1)), np.zeros((1, 1, 3)),
         rng.normal(size=(1, 1, 3))),
        ("one head, a weighting spread over two rows (0.7 on row 1, 0.3 on row 3)",
         rng.normal(size=(1, 4, 3)), np.array([[[0.0, 0.7, 0.0, 0.3]]]), *vectors(1, 1, 3)),
        ("two heads writing different rows (head 0 row 0, head 1 row 3)",
         rng.normal(size=(1, 4, 3)), sharp(4, 0, 3), *vectors(1, 2, 3)),
        ("two heads writing the same row 1 (head 1 erases part of what head 0 added: the order matters)",
         rng.normal(size=(1, 4, 3)), sharp(4, 1, 1), *vectors(1, 2, 3)),
        ("B = 2, two heads with spread weightings, N = 5, W = 4",
         rng.normal(size=(2, 5, 4)), rng.dirichlet(np.ones(5), size=(2, 2)), *vectors(2, 2, 4)),
    ]
    cases = [(d, lambda m=m, w=w, e=e, a=a: fn(m.copy(), w.copy(), e.copy(), a.copy()),
              write_forward(m, w, e, a)[0], _write_mistakes(m, w, e, a), None) for d, m, w, e, a in settings]
    return run_with_mistakes("check_write", cases)


# ----------------------------------------------------------------------------
# Exercise 4: a bigger memory for a trained model
# ----------------------------------------------------------------------------

def check_memory_size(fn):
    """fn(core, memory_size) must return a new NTM that is `core` with a
    memory of `memory_size` locations: the same configuration otherwise and
    the same parameter values (copies, so that the trained core is left as
    it was). The memory is state, not parameters, so nothing else changes.
    The check runs both on the same input and compares the outputs with
    those of an NTM built here the same way."""
    from ..cores.ntm import NTM

    rng = np.random.default_rng(84)
    core = NTM(memory_size=6, word_size=3, num_reads=2, num_writes=1, hidden_size=5, output_size=2, input_size=3,
               clip_value=20.0, rng=rng)
    original = {k: v.copy() for k, v in core.params.items()}
    x = rng.normal(size=(2, 9, 3))

    def reference(size):
        config = dict(core.config(), memory_size=size)
        other = NTM(**config, rng=np.random.default_rng(0))
        for name, value in core.params.items():
            other.params[name][...] = value
        return other.forward(x)[0]

    for size in (6, 12, 3):
        try:
            new = fn(core, size)
        except Exception as exc:  # the learner's code may raise anything
            print(f"check_memory_size: failed on memory_size {size}: your function raised {type(exc).__name__}: {exc}")
            return False
        problem = None
        if not isinstance(new, NTM):
            problem = f"expected an NTM, got {type(new).__name__}"
        elif new is core:
            problem = "it returned the same core: build a new NTM, so that the trained one keeps its memory size"
        elif new.memory_size != size:
            problem = f"its memory_size is {new.memory_size}, not {size}"
        elif any(not np.array_equal(core.params[k], original[k]) for k in original):
            problem = "the trained core's parameters changed: copy them into the new core, do not modify them"
        elif set(new.params) != set(original):
            problem = f"its parameters are {sorted(new.params)}, expected {sorted(original)}"
        elif any(not np.array_equal(new.params[k], original[k]) for k in original):
            problem = "its parameters differ from the trained core's: copy every array (the initialisation is random)"
        elif any(new.params[k] is core.params[k] for k in original):
            problem = ("it shares the parameter arrays with the trained core: training one would change the other; "
                       "copy them")
        elif not np.allclose(new.forward(x)[0], reference(size), rtol=1e-10, atol=1e-12):
            problem = "its outputs differ from those of the same NTM built with the other memory size"
        if problem:
            print(f"check_memory_size: failed on memory_size {size}: {problem}")
            return False
    print("check_memory_size: passed (3 cases)")
    return True
