"""Self-checks for the exercises of lesson 09 (the Differentiable Neural Computer).

Each check runs a learner's function against rmc_lib's own on several cases
(including awkward ones), prints one line: the first case that fails and,
when the answer matches a typical mistake, which one; or that it passed.
It returns True or False.

    check_allocation(fn)             allocation, least used first      nn.dnc_addressing.allocation_forward
    check_usage(fn)                  usage after writing and freeing   nn.dnc_addressing.usage_forward
    check_link(fn)                   the temporal link, one write head nn.dnc_linkage.link_forward
    check_fill_order(usage, answer)  a prediction, no function: the order allocation fills the locations in
"""

import numpy as np

from ..nn.dnc_addressing import EPSILON, allocation_forward, usage_forward
from ..nn.dnc_linkage import link_forward, precedence_forward
from ._cases import run_with_mistakes


# ----------------------------------------------------------------------------
# Exercise 1: allocation
# ----------------------------------------------------------------------------

def _allocation(usage, eps, most_used_first=False, ties_to_higher=False, inclusive=False, unsort=True):
    """The allocation of `usage` [B, N] written the plain way; the keywords
    reproduce typical mistakes (eps=0 leaves deepmind's 1e-6 out)."""
    usage = eps + (1 - eps) * usage
    N = usage.shape[1]
    if most_used_first:
        order = np.argsort(-usage, axis=1, kind="stable")
    elif ties_to_higher:      # sort the locations reversed, then number them back
        order = N - 1 - np.argsort(usage[:, ::-1], axis=1, kind="stable")
    else:
        order = np.argsort(usage, axis=1, kind="stable")
    sorted_usage = np.take_along_axis(usage, order, axis=1)
    product = np.cumprod(sorted_usage, axis=1)
    if not inclusive:         # the product over the locations before j only
        product = np.concatenate([np.ones_like(product[:, :1]), product[:, :-1]], axis=1)
    sorted_allocation = (1 - sorted_usage) * product
    if not unsort:
        return sorted_allocation
    allocation = np.empty_like(sorted_allocation)
    np.put_along_axis(allocation, order, sorted_allocation, axis=1)
    return allocation


def _allocation_mistakes(usage):
    """What typical wrong allocations give, each with and without the 1e-6
    (leaving it out is allowed), with what each one gets wrong."""
    mistakes = []
    for eps in (EPSILON, 0.0):
        mistakes += [
            ("an inclusive cumulative product: location phi_j's own usage is in its product; "
             "it takes prod over k < j only", _allocation(usage, eps, inclusive=True)),
            ("the locations sorted the wrong way (most used first): the least used location is filled first",
             _allocation(usage, eps, most_used_first=True)),
            ("the result left in sorted order: a[phi_j] belongs at location phi_j, put it back there",
             _allocation(usage, eps, unsort=False)),
            ("1 - u alone, without the product over the less used locations: that is not a weighting "
             "(its sum can exceed 1); each location gets only what the ones before it leave",
             1 - (eps + (1 - eps) * usage)),
            ("equal usages ranked higher index first: ties go to the lower index (a stable sort, as tf.nn.top_k)",
             _allocation(usage, eps, ties_to_higher=True)),
        ]
    return mistakes


def check_allocation(fn):
    """fn(usage) must return the allocation weighting, least used location
    first, each next one getting what the ones before it leave:

        phi = the locations sorted by usage, least used first
              (equal usages: the lower index first)
        a[phi_j] = (1 - u[phi_j]) prod_{k < j} u[phi_k]

    usage: [B, N] in [0, 1] -> allocation [B, N], each row summing to at
    most 1, at the locations themselves (not in sorted order). A usage of
    all zeros gives everything to location 0, a usage of all ones (nearly)
    nothing to anyone, and never NaN.

    deepmind first maps u to 1e-6 + (1 - 1e-6) u (so that no factor of the
    product is below 1e-6, for the gradient); you may leave that out: the
    check allows differences up to 1e-5, and the 1e-6 moves no weight by
    more than N * 1e-6 (N <= 6 here), while each mistake it names is off
    by 0.5 or more on the case that catches it. Paper: the allocation weighting a_t with
    the free list phi_t (Methods, "Dynamic memory allocation");
    rmc_lib: nn.dnc_addressing.allocation_forward."""
    rng = np.random.default_rng(91)
    settings = [
        ("a clear order, N = 5 (least used: location 1, then 3, 4, 0, 2)",
         np.array([[0.6, 0.1, 0.9, 0.3, 0.5]]), None),
        ("every location free (usage all 0: everything goes to location 0, the lowest index)",
         np.zeros((1, 4)),
         "the exclusive product computed as cumprod(u) / u: a usage of 0 makes 0/0 (multiply the usages "
         "before j instead)"),
        ("every location full (usage all 1: next to nothing is allocated, and no NaN)",
         np.ones((1, 4)), None),
        ("a tie: locations 1 and 3 equally used (the lower index, 1, comes first), N = 5",
         np.array([[0.5, 0.2, 0.7, 0.2, 0.9]]), None),
        ("B = 2 with a different order in each row, N = 6",
         np.stack([rng.permutation(6), rng.permutation(6)]) / 6 + 0.05, None),
        ("N = 1 (one location: a = 1 - u)", np.array([[0.3]]), None),
    ]
    cases = [(d, lambda u=u: fn(u.copy()), allocation_forward(u)[0], _allocation_mistakes(u), non_finite)
             for d, u, non_finite in settings]
    return run_with_mistakes("check_allocation", cases, rtol=1e-5, atol=1e-5)


# ----------------------------------------------------------------------------
# Exercise 2: usage
# ----------------------------------------------------------------------------

def _usage(prev_usage, prev_write_weights, free_gate, prev_read_weights, written_by="product", after_write="or",
           free_first=False, kept_by="product", gated=True):
    """Usage written the plain way; the keywords reproduce typical mistakes."""
    if written_by == "product":
        written = 1 - np.prod(1 - prev_write_weights, axis=1)
    else:
        written = np.sum(prev_write_weights, axis=1)
    freeing = free_gate[..., None] * prev_read_weights if gated else prev_read_weights
    if kept_by == "product":
        psi = np.prod(1 - freeing, axis=1)
    else:
        psi = 1 - np.sum(freeing, axis=1)

    def write(u):
        return u + written - u * written if after_write == "or" else u + written

    return write(prev_usage * psi) if free_first else write(prev_usage) * psi


def _usage_mistakes(*args):
    """What typical wrong usages give, with what each one gets wrong."""
    return [("the write weights summed over the write heads: the part written is 1 - prod_v (1 - w_v), "
             "which stays at most 1 where heads write the same location", _usage(*args, written_by="sum")),
            ("u + w instead of u + w - u w: a location already in use cannot be used more than fully",
             _usage(*args, after_write="plus")),
            ("the read heads free before the write: u is first raised by last step's writes, then freed",
             _usage(*args, free_first=True)),
            ("the frees summed over the read heads, 1 - sum_r f_r w^r: psi is the product prod_r (1 - f_r w^r), "
             "which stays in [0, 1] where heads free the same location", _usage(*args, kept_by="sum")),
            ("the free gates not used, psi = prod_r (1 - w^r): read head r frees only f_r of what it read",
             _usage(*args, gated=False))]


def check_usage(fn):
    """fn(prev_usage, prev_write_weights, free_gate, prev_read_weights) must
    return this step's usage: raised by last step's writes, then lowered by
    what the read heads free now,

        u = u_{t-1} + w - u_{t-1} w,   w = 1 - prod_v (1 - w^w_{t-1, v})   (all write heads together)
        u = u * psi,                   psi = prod_r (1 - f_r w^r_{t-1, r})

    prev_usage: [B, N] in [0, 1]; prev_write_weights: [B, V, N], one row
    per write head; free_gate: [B, R] in [0, 1], one per read head;
    prev_read_weights: [B, R, N] -> usage [B, N], in [0, 1]. Paper (one
    write head): u_t = (u_{t-1} + w^w_{t-1} - u_{t-1} w^w_{t-1}) psi_t
    (Methods, "Dynamic memory allocation"); rmc_lib:
    nn.dnc_addressing.usage_forward (deepmind's Freeness._build)."""
    rng = np.random.default_rng(92)

    def spread(B, H, N, scale=0.9):
        return scale * rng.dirichlet(np.ones(N), size=(B, H))

    read_location_2 = np.array([[[0.05, 0.05, 0.8, 0.05, 0.05]]])
    two_writes = np.array([[[0.1, 0.6, 0.1, 0.1, 0.1], [0.05, 0.7, 0.05, 0.1, 0.1]]])
    two_reads = np.array([[[0.05, 0.05, 0.05, 0.8, 0.05], [0.0, 0.1, 0.1, 0.8, 0.0]]])
    settings = [
        ("one write head and no read head freeing (free gate 0), N = 5",
         rng.uniform(0, 1, size=(1, 5)), spread(1, 1, 5), np.zeros((1, 1)), spread(1, 1, 5, 1.0)),
        ("one read head freeing fully (free gate 1) what it read, mostly location 2",
         rng.uniform(0.2, 1, size=(1, 5)), spread(1, 1, 5), np.ones((1, 1)), read_location_2),
        ("two write heads on the same location 1 (the part written there must stay at most 1)",
         np.array([[0.3, 0.2, 0.5, 0.0, 0.9]]), two_writes, np.full((1, 1), 0.5), spread(1, 1, 5, 1.0)),
        ("two read heads freeing the same location 3 (free gates 0.7 and 0.9)",
         rng.uniform(0.2, 1, size=(1, 5)), spread(1, 1, 5), np.array([[0.7, 0.9]]), two_reads),
        ("B = 2 with two write heads and three read heads, N = 6",
         rng.uniform(0, 1, size=(2, 6)), spread(2, 2, 6), rng.uniform(0, 1, size=(2, 3)), spread(2, 3, 6, 1.0)),
    ]
    cases = [(d, lambda a=a: fn(*(x.copy() for x in a)), usage_forward(*a)[0], _usage_mistakes(*a), None)
             for d, *a in settings]
    return run_with_mistakes("check_usage", cases)


# ----------------------------------------------------------------------------
# Exercise 3: the temporal link matrix
# ----------------------------------------------------------------------------

def _one_head_link(prev_link, prev_precedence, write_weights):
    """link_forward for one write head: [B, N, N], [B, N], [B, N] -> [B, N, N]."""
    return link_forward(prev_link[:, None], prev_precedence[:, None], write_weights[:, None])[0][:, 0]


def _link_mistakes(prev_link, prev_precedence, write_weights):
    """What typical wrong links give, with what each one gets wrong."""
    w_i, w_j = write_weights[:, :, None], write_weights[:, None, :]
    faded = (1 - w_i - w_j) * prev_link
    diagonal = np.arange(write_weights.shape[1])

    def zero_diagonal(link):
        link = link.copy()
        link[:, diagonal, diagonal] = 0
        return link

    new_precedence = precedence_forward(prev_precedence[:, None], write_weights[:, None])[0][:, 0]
    transposed = ("transposed: L[i, j] is how much location i was written right after j, "
                  "so the new term is w(i) p_prev(j) (row: the write now, column: the one before)")
    right = _one_head_link(prev_link, prev_precedence, write_weights)
    # After a sharp write the new precedence adds only to the diagonal, so then it looks like adding nothing.
    return [("no link added: the new precedence used (a sharp write then links its location only to itself, "
             "which the zero diagonal drops) or the term w(i) p_prev(j) left out; the link takes p_prev, "
             "the precedence before this write", zero_diagonal(faded)),
            (transposed, zero_diagonal(faded + w_j * prev_precedence[:, :, None])),
            (transposed, right.transpose(0, 2, 1)),
            ("the diagonal not set to zero: a location does not follow itself, L[i, i] = 0",
             faded + w_i * prev_precedence[:, None, :]),
            ("the new precedence used: the link takes p_prev, the precedence before this write "
             "(with the new one, a sharp write links its location only to itself, which the zero diagonal drops)",
             zero_diagonal(faded + w_i * new_precedence[:, None, :])),
            ("the factor (1 - w(i) - w(j)) left out: old links of a location written now must fade",
             zero_diagonal(prev_link + w_i * prev_precedence[:, None, :]))]


def check_link(fn):
    """fn(prev_link, prev_precedence, write_weights) must return the new
    link matrix of ONE write head:

        L[i, j] = (1 - w(i) - w(j)) L_prev[i, j] + w(i) p_prev(j),    L[i, i] = 0

    L[i, j] is how much location i was written right after location j (the
    row is the later write, the column the earlier one): after writing
    fully at j and then at i, L[i, j] = 1. p_prev is the precedence before
    this write (how much each location was the last one written).

    prev_link: [B, N, N]; prev_precedence, write_weights: [B, N] -> link
    [B, N, N]. Paper: L_t (Methods, "Temporal memory linkage"); rmc_lib:
    nn.dnc_linkage.link_forward, which has an axis for several write heads
    ([B, V, N, N]); here V = 1 and that axis is left out."""
    rng = np.random.default_rng(93)

    def history(B, N, steps):
        """The link and precedence after `steps` random spread writes from nothing."""
        link, precedence = np.zeros((B, 1, N, N)), np.zeros((B, 1, N))
        for _ in range(steps):
            w = rng.uniform(0.3, 1.0, size=(B, 1, 1)) * rng.dirichlet(np.ones(N), size=(B, 1))
            link, precedence = link_forward(link, precedence, w)[0], precedence_forward(precedence, w)[0]
        return link[:, 0], precedence[:, 0]

    def sharp(N, i):
        return np.eye(N)[None, i]                                            # [1, N]

    linked = np.zeros((1, 5, 5))
    linked[0, 2, 0] = linked[0, 3, 2] = 1.0               # written 0, then 2, then 3
    settings = [
        ("an empty link and precedence and a sharp write at location 2 (nothing to link yet), N = 5",
         np.zeros((1, 5, 5)), np.zeros((1, 5)), sharp(5, 2)),
        ("a sharp write at location 3 right after one at location 1 (L[3, 1] becomes 1), N = 5",
         np.zeros((1, 5, 5)), sharp(5, 1), sharp(5, 3)),
        ("a spread write after a few spread ones, N = 5", *history(1, 5, 3), rng.dirichlet(np.ones(5), size=1)),
        ("location 2 written again after 0, 2, 3 (its old links L[2, 0] and L[3, 2] fade to 0), N = 5",
         linked, sharp(5, 3), sharp(5, 2)),
        ("B = 2, spread writes, N = 4", *history(2, 4, 4), 0.8 * rng.dirichlet(np.ones(4), size=2)),
    ]
    cases = [(d, lambda a=a: fn(*(x.copy() for x in a)), _one_head_link(*a), _link_mistakes(*a), None)
             for d, *a in settings]
    return run_with_mistakes("check_link", cases)


# ----------------------------------------------------------------------------
# Exercise 4: predict the fill order
# ----------------------------------------------------------------------------

def fill_order(usage):
    """The locations in the order allocation fills them when every write goes
    fully to the allocated location and nothing is freed: least used first,
    equal usages lower index first, i.e. a stable sort. usage: [N] -> [N] ints."""
    return [int(i) for i in np.argsort(np.asarray(usage, dtype=float), kind="stable")]


def check_fill_order(usage, answer):
    """usage: [N], one example's usage, values in [0, 1]; answer: your list
    of the N location indices in the order allocation would fill them if
    every write went fully to the allocated location (its usage becoming 1)
    and nothing were freed: the least used location first; between equal
    usages, the lower index first. Each location appears once. On a wrong
    answer the check names the first position that differs and says why the
    expected location comes there. Raises ValueError if usage is not a 1-D
    array of values in [0, 1]."""
    name = "check_fill_order"
    usage = np.asarray(usage, dtype=float)
    if usage.ndim != 1 or usage.size == 0:
        raise ValueError(f"usage must be a 1-D array of N >= 1 usages (one example), got shape {usage.shape}")
    if not np.all((usage >= 0) & (usage <= 1)):
        raise ValueError(f"usage must hold values in [0, 1], got {usage}")
    N = usage.size
    if answer is None:
        print(f"{name}: write your answer (a list of the {N} location indices) in place of None")
        return False
    answer = list(np.asarray(answer).ravel()) if isinstance(answer, np.ndarray) else answer
    if not isinstance(answer, (list, tuple)) or any(
            isinstance(i, bool) or not isinstance(i, (int, np.integer)) for i in answer):
        print(f"{name}: expected a list of location indices (integers 0 .. {N - 1}), got {answer!r}")
        return False
    answer = [int(i) for i in answer]
    if sorted(answer) != list(range(N)):
        missing = sorted(set(range(N)) - set(answer))
        repeated = sorted({i for i in answer if answer.count(i) > 1})
        outside = sorted({i for i in answer if not 0 <= i < N})
        problems = [f"{label} {items}" for label, items in
                    (("missing", missing), ("repeated", repeated), ("not a location", outside)) if items]
        if len(answer) != N:
            problems.insert(0, f"{len(answer)} indices for {N} locations")
        print(f"{name}: expected each location 0 .. {N - 1} exactly once, got {answer} ({'; '.join(problems)})")
        return False
    for position, (want, got) in enumerate(zip(fill_order(usage), answer)):
        if want != got:
            if usage[want] == usage[got]:
                why = (f"locations {want} and {got} both have usage {usage[want]:g}: "
                       f"the lower index, {want}, is filled first")
            else:
                why = (f"location {want} has usage {usage[want]:g}, less than location {got}'s "
                       f"{usage[got]:g}, so it is filled first")
            print(f"{name}: failed at position {position}: expected location {want}, you wrote {got}: {why}")
            return False
    print(f"{name}: passed ({N} locations)")
    return True
