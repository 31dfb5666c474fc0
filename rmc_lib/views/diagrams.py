"""Diagrams drawn with matplotlib patches: the RMC cell in one picture
(`draw_rmc`), the cell unrolled over time with its gradients (`draw_bptt`), and an
end-to-end memory network with its tied tables (`draw_memn2n`).

Nothing here computes anything; it draws what `rmc_lib` computes, so that a
figure and the code never tell two different stories. The picture of one step
follows Sonnet's `RelationalMemory._build` step by step (see the module
docstrings of `attention`, `gates` and `memory`); the unrolled picture follows
`RelationalMemory.forward` and `backward`.
"""

import matplotlib.pyplot as plt
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch, Rectangle

# Colours: memory rows, the input row, the attention block, the gates.
MEMORY_COLOUR = "#9ecae1"
INPUT_COLOUR = "#fdae6b"
BLOCK_COLOUR = "#e5f5e0"
STEP_COLOUR = "#ffffff"
GATE_COLOUR = "#dadaeb"
UPDATE_COLOUR = "#fee6ce"
LINE_COLOUR = "#333333"

FONT = 9          # main labels
SMALL = 7.5       # row labels and notes
ROW_H = 2.6       # height of one memory row, in diagram units
N_ROWS = 4        # memory slots drawn (the picture of N)


def _box(ax, x, y, w, h, text, colour, fontsize=FONT, style="round,pad=0.3", **kwargs):
    """A rounded box with centred text; (x, y) is the lower-left corner."""
    ax.add_patch(FancyBboxPatch((x, y), w, h, boxstyle=style, facecolor=colour,
                                edgecolor=LINE_COLOUR, linewidth=1.0, **kwargs))
    if text:
        ax.text(x + w / 2, y + h / 2, text, ha="center", va="center", fontsize=fontsize)


def _rows(ax, x, y, w, colours, labels=None, dashed=()):
    """A stack of rows, the first at the top; (x, y) is the lower-left corner."""
    n = len(colours)
    for r, colour in enumerate(colours):
        top = y + (n - r - 1) * ROW_H
        ax.add_patch(Rectangle((x, top), w, ROW_H, facecolor=colour, edgecolor=LINE_COLOUR,
                               linewidth=0.8, linestyle="--" if r in dashed else "-"))
        if labels and labels[r]:
            ax.text(x + w / 2, top + ROW_H / 2, labels[r], ha="center", va="center", fontsize=SMALL)
    return y + n * ROW_H  # the top edge


def _arrow(ax, points, label=None, label_at=None, dashed=False, ha="left", va="center"):
    """A polyline through `points` with an arrow head on the last segment."""
    style = (0, (4, 3)) if dashed else "-"
    xs, ys = zip(*points)
    if len(points) > 2:
        ax.plot(xs[:-1], ys[:-1], color=LINE_COLOUR, linewidth=1.1, linestyle=style,
                solid_capstyle="butt")
    ax.add_patch(FancyArrowPatch(points[-2], points[-1], arrowstyle="-|>", mutation_scale=11,
                                 color=LINE_COLOUR, linewidth=1.1, linestyle=style,
                                 shrinkA=0, shrinkB=0))
    if label:
        ax.text(*label_at, label, ha=ha, va=va, fontsize=SMALL)


def draw_rmc(ax=None):
    """Draw one step of the Relational Memory Core, (x_t, M_{t-1}) -> (output_t, M_t).

    The picture follows Sonnet's RelationalMemory (the reference of this
    series, see `attention`, `gates` and `memory`):

    1. the input is projected to one extra row, x' = x_t W_in + b_in;
    2. it is appended to the memory, A = [M_{t-1}; x'] (N + 1 rows);
    3. a block, repeated num_blocks times: Q, K, V = LN(A W_qkv + b_qkv),
       multi-head attention softmax(Q K^T / sqrt(d_k)) V of every row
       over every row (d_k = key_size), A = LN(A + attended),
       A = LN(A + MLP(A));
    4. the input row is cropped: M~ = the first N rows;
    5. gates [G_i | G_f] from x' and tanh(M_{t-1}): i = sigmoid(G_i + beta_i),
       f = sigmoid(G_f + beta_f) (beta_i = input_bias, beta_f = forget_bias),
       and M_t = i * tanh(M~) + f * M_{t-1};
    6. output_t = flatten(M_t), and M_t is the memory of the next step.

    Four memory rows stand for the N slots. The symbols are those of the
    series' notation page (notebooks/NOTATION.md): K is the key matrix.
    Every label is a Text artist of `ax` (so tests can look for them).

    ax: a matplotlib Axes to draw on; if None, a new figure of size (11, 6)
    is made. Returns the Axes.
    """
    if ax is None:
        _, ax = plt.subplots(figsize=(11, 6))
    ax.set_xlim(0, 110)
    ax.set_ylim(0, 60)
    ax.set_aspect("equal")
    ax.axis("off")

    mem = [MEMORY_COLOUR] * N_ROWS
    slot_labels = [f"slot {r}" for r in range(N_ROWS)]   # 0-based, as in code and heatmaps

    # -- the previous memory and the input ------------------------------------
    top = _rows(ax, 3, 38, 12, mem, slot_labels)
    ax.text(9, top + 1.0, r"$M_{t-1}$", ha="center", va="bottom", fontsize=FONT + 1)
    ax.text(9, 36.8, "N slots × F", ha="center", va="top", fontsize=SMALL)

    _box(ax, 3, 24, 12, 4, r"$x_t$  (size D)", INPUT_COLOUR)
    _box(ax, 20.5, 24, 17, 4, r"$x' = x_t W_{in} + b_{in}$", INPUT_COLOUR)
    _arrow(ax, [(15.3, 26), (20.2, 26)])

    # -- [memory; input] ------------------------------------------------------
    top = _rows(ax, 23, 33, 12, mem + [INPUT_COLOUR], slot_labels + [r"$x'$"])
    ax.text(29, top + 1.0, r"$A = [M_{t-1};\ x']$", ha="center", va="bottom", fontsize=FONT)
    ax.text(29, 31.8, "N + 1 rows", ha="center", va="top", fontsize=SMALL)
    _arrow(ax, [(15, 43), (23, 43)])
    _arrow(ax, [(29, 28.3), (29, 31.6 - 1.4)])

    # -- the attention + MLP block ---------------------------------------------
    _box(ax, 40, 21.5, 31, 30.5, None, BLOCK_COLOUR, style="round,pad=0.4")
    ax.text(55.5, 50.2, r"attention + MLP block ($\times$ num_blocks)", ha="center", va="center",
            fontsize=FONT - 0.5)
    steps = [
        (43.0, r"$Q, K, V = \mathrm{LN}(A\,W_{qkv} + b_{qkv})$"),
        (36.5, "multi-head attention (H heads)\n"
               r"$\mathrm{softmax}(Q K^{\top} / \sqrt{d_k})\; V$"),
        (30.0, r"$A \leftarrow \mathrm{LN}(A + \mathrm{attended})$"),
        (23.5, r"$A \leftarrow \mathrm{LN}(A + \mathrm{MLP}(A))$"),
    ]
    for y, text in steps:
        _box(ax, 42, y, 27, 4.6, text, STEP_COLOUR, fontsize=FONT - 0.5)
    for y_from, y_to in [(43.0, 41.1), (36.5, 34.6), (30.0, 28.1)]:
        _arrow(ax, [(55.5, y_from - 0.3), (55.5, y_to + 0.3)])
    _arrow(ax, [(35, 41), (39.6, 41)])
    ax.text(55.5, 20.4, "LN: layer norm of each row;  MLP shared by all blocks",
            ha="center", va="top", fontsize=SMALL, style="italic")

    # -- crop the input row -----------------------------------------------------
    _rows(ax, 75, 33.4, 10, mem + ["#eeeeee"], dashed=(N_ROWS,))
    ax.text(80, 33.4 + ROW_H / 2, r"$x'$ row cropped", ha="center", va="center", fontsize=SMALL, color="#777777")
    ax.text(80, 33.4 + (N_ROWS + 1) * ROW_H + 1.0, r"$\tilde M$ (first N rows)",
            ha="center", va="bottom", fontsize=FONT)
    _arrow(ax, [(71.4, 41), (75, 41)])

    # -- gates ------------------------------------------------------------------
    _box(ax, 39, 7.5, 45, 8,
         r"$[G_i \,|\, G_f] = x' W_{gi} + b_{gi} + \tanh(M_{t-1})\, W_{gm} + b_{gm}$" "\n"
         r"$i = \sigma(G_i + \beta_i)$,  $f = \sigma(G_f + \beta_f)$",
         GATE_COLOUR, fontsize=FONT - 0.5)
    _arrow(ax, [(29, 23.7), (29, 11.5), (38.6, 11.5)], label=r"$x'$", label_at=(30, 17.5))

    # the previous memory, routed below everything, to the gates and the update
    _arrow(ax, [(3, 43), (1.2, 43), (1.2, 3), (62, 3), (62, 7.1)],
           label=r"$\tanh(M_{t-1})$", label_at=(63, 5.2))
    _arrow(ax, [(62, 3), (104, 3), (104, 21.6)], label=r"$M_{t-1}$", label_at=(105, 12), ha="left")

    # -- the gated update and the new memory -----------------------------------
    _box(ax, 84, 22, 24, 7, r"$M_t = i \odot \tanh(\tilde M) + f \odot M_{t-1}$",
         UPDATE_COLOUR, fontsize=FONT - 0.5)
    _arrow(ax, [(84.4, 11.5), (92, 11.5), (92, 21.6)], label=r"$i,\ f$", label_at=(93, 16))
    _arrow(ax, [(85, 41), (88.5, 41), (88.5, 29.4)])

    top = _rows(ax, 93, 36.5, 12, mem)
    ax.text(94, top + 0.8, r"$M_t$", ha="left", va="bottom", fontsize=FONT + 1)
    _arrow(ax, [(99, 29.4), (99, 36.5)])
    _arrow(ax, [(101.5, top), (101.5, top + 3.5)])
    ax.text(98, top + 4.0, r"$\mathrm{output}_t = \mathrm{flatten}(M_t)$",
            ha="center", va="bottom", fontsize=FONT)

    # -- recurrence ----------------------------------------------------------
    _arrow(ax, [(105, 44), (108.5, 44), (108.5, 58), (9, 58), (9, 53.5)], dashed=True,
           label=r"next step: $M_t$ becomes $M_{t-1}$", label_at=(58, 57.3), ha="center", va="top")

    ax.set_title("The Relational Memory Core: one time step", fontsize=FONT + 3)
    return ax


# Colours of the unrolled graph: the forward pass in LINE_COLOUR, the backward pass in red.
GRADIENT_COLOUR = "#c0392b"
CELL_SPACING = 3.0     # diagram units from one step's box to the next


def draw_bptt(ax=None, steps=3):
    """Draw the RMC unrolled over `steps` time steps, with the flow of gradients.

    Each step is one box "RMC step (θ)", the same parameters θ in every box.
    Forward (black, solid): the memory M_0 -> M_1 -> ... -> M_T from left to
    right, the input x_t entering each step from below and output_t leaving
    it upwards to its loss term ℓ_t. Backward (red, dashed): the gradients
    \\bar M_t = dL/dM_t from right to left along the memory, and dL/d out_t
    entering each step from its output. This is the graph whose
    backward pass `RelationalMemory.backward` computes.

    Every label is a Text artist of `ax` (so tests can look for them):
    "$M_{t}$" and "$\\bar M_{t}$" for t = 0..steps, "$x_{t}$" for t = 1..steps.

    ax: a matplotlib Axes to draw on; if None, a new figure is made, 4.4
    inches high and wide enough for the steps (11 inches for 4 steps, at least 7).
    steps: the number of time steps T drawn, a positive int.
    Returns the Axes.
    """
    if isinstance(steps, bool) or not isinstance(steps, int) or steps < 1:
        raise ValueError(f"steps must be a positive int, got {steps!r}")
    right = CELL_SPACING * steps + 1.6
    if ax is None:
        width = max(7.0, round(11 * (right + 0.2) / 13.8, 1))
        _, ax = plt.subplots(figsize=(width, 4.4))
    ax.set_xlim(-0.2, right)
    ax.set_ylim(-0.4, 5.0)
    ax.axis("off")

    def arrow(start, end, colour=LINE_COLOUR, dashed=False):
        ax.add_patch(FancyArrowPatch(start, end, arrowstyle="-|>", mutation_scale=12, color=colour,
                                     linewidth=1.3, linestyle=(0, (4, 3)) if dashed else "-"))

    def memory_labels(x, t):
        # M_t above the forward arrow, its gradient below the backward arrow
        ax.text(x, 2.35, rf"$M_{{{t}}}$", ha="center", va="bottom", fontsize=10)
        ax.text(x, 1.65, rf"$\bar M_{{{t}}}$", ha="center", va="top", fontsize=10,
                color=GRADIENT_COLOUR)

    for t in range(1, steps + 1):
        cx = CELL_SPACING * t
        ax.add_patch(FancyBboxPatch((cx - 0.8, 1.4), 1.6, 1.2, boxstyle="round,pad=0.05",
                                    facecolor=BLOCK_COLOUR, edgecolor=LINE_COLOUR))
        ax.text(cx, 2.0, "RMC step\n(θ)", ha="center", va="center", fontsize=9)
        left = 0.3 if t == 1 else cx - CELL_SPACING + 0.8
        arrow((left, 2.2), (cx - 0.85, 2.2))                                      # memory forward
        arrow((cx - 0.85, 1.8), (left, 1.8), GRADIENT_COLOUR, dashed=True)        # gradient backward
        memory_labels((left + cx - 0.85) / 2, t - 1)
        arrow((cx, 0.35), (cx, 1.35))                                             # input
        ax.text(cx, 0.2, rf"$x_{{{t}}}$", ha="center", va="top", fontsize=11)
        arrow((cx - 0.25, 2.65), (cx - 0.25, 3.75))                               # output
        arrow((cx + 0.25, 3.75), (cx + 0.25, 2.65), GRADIENT_COLOUR, dashed=True)
        ax.text(cx, 3.85, rf"output$_{{{t}}}$ $\to$ loss $\ell_{{{t}}}$", ha="center", va="bottom",
                fontsize=9)
        ax.text(cx + 0.35, 3.2, rf"$\partial L / \partial\,\mathrm{{out}}_{{{t}}}$", ha="left",
                va="center", fontsize=8, color=GRADIENT_COLOUR)

    last = CELL_SPACING * steps + 0.85
    arrow((last, 2.2), (right - 0.1, 2.2))
    arrow((right - 0.1, 1.8), (last, 1.8), GRADIENT_COLOUR, dashed=True)
    memory_labels((last + right - 0.1) / 2, steps)

    ax.text((right - 0.2) / 2, 4.95,
            "forward: memory left to right (black)\n"
            "backward: gradients right to left (red, dashed)\n"
            "θ is shared by every step, so its gradient is the sum over the steps",
            ha="center", va="top", fontsize=8.5)
    ax.set_title(f"The RMC unrolled over T = {steps} step{'s' if steps > 1 else ''}", fontsize=11)
    return ax


# The memory network's K + 1 tied tables, one colour each (adjacent tying: hop k's output
# memories and hop k+1's input memories are one table, so they share a colour).
TABLE_COLOURS = ("#c6dbef", "#fdd0a2", "#c7e9c0", "#dadaeb", "#fcbba1")
MAX_HOPS_DRAWN = len(TABLE_COLOURS) - 1       # 4 hops fit a 9.4-inch figure with readable labels
HOP_SPACING = 5.2      # diagram units from one hop's column to the next
SQUARE = "round,pad=0.08"


def draw_memn2n(ax=None, hops=3):
    """Draw an end-to-end memory network with `hops` hops and adjacent tying.

    Bottom row: the question q, embedded by E_0 (B = A^1) into u^1, then
    u^{k+1} = u^k + o^k after each hop, and the answer softmax(u^{K+1} E_K^T)
    (W^T = C^K). Above each hop k: the story's sentences embedded twice, as
    input memories m_i (table E_{k-1}, the paper's A^k) and output memories c_i
    (table E_k, C^k), the attention p = softmax(u^k . m_i) and the read
    o^k = sum_i p_i c_i. Boxes of the same table have the same colour, so the
    tying can be read off the picture. This is what `MemN2N.logits` computes.

    Every label is a Text artist of `ax`. Returns the Axes; a new figure,
    9.4 inches wide at most, if ax is None.
    """
    if isinstance(hops, bool) or not isinstance(hops, int) or not 1 <= hops <= MAX_HOPS_DRAWN:
        raise ValueError(f"hops must be an int from 1 to {MAX_HOPS_DRAWN} (more do not fit), got {hops!r}")
    first = 4.5                                   # the first hop's left edge
    last = first + HOP_SPACING * (hops - 1)
    right = last + 7.6
    if ax is None:
        _, ax = plt.subplots(figsize=(min(9.4, 0.42 * right + 1.0), 4.4))
    ax.set_xlim(-0.2, right)
    ax.set_ylim(-0.7, 10.8)
    ax.axis("off")
    _box(ax, 0.0, 0.3, 2.0, 1.0, "question $q$", INPUT_COLOUR, fontsize=SMALL, style=SQUARE)
    _box(ax, 0.0, 8.4, 2.0, 1.3, "the story:\nsentences $x_i$", INPUT_COLOUR, fontsize=SMALL, style=SQUARE)
    _box(ax, 2.5, 0.3, 1.2, 1.0, "$E_0$ (B)", TABLE_COLOURS[0], fontsize=SMALL, style=SQUARE)
    _arrow(ax, [(2.1, 0.8), (2.4, 0.8)])
    ax.plot([1.0, 1.0, last + 3.3], [9.8, 10.4, 10.4], color=LINE_COLOUR, linewidth=1.1)   # the story, to every hop
    start = 3.8                                   # where the state u^k comes from
    for k in range(1, hops + 1):
        x = first + HOP_SPACING * (k - 1)
        m, c = x + 0.9, x + 3.3                   # the two columns' centres
        _arrow(ax, [(m, 10.4), (m, 9.3)])
        _arrow(ax, [(c, 10.4), (c, 9.3)])
        _box(ax, x, 8.0, 1.8, 1.2, f"$m_i$ with $E_{{{k - 1}}}$\n(A$^{k}$)", TABLE_COLOURS[k - 1],
             fontsize=SMALL, style=SQUARE)
        _box(ax, x + 2.4, 8.0, 1.8, 1.2, f"$c_i$ with $E_{{{k}}}$\n(C$^{k}$)", TABLE_COLOURS[k],
             fontsize=SMALL, style=SQUARE)
        _arrow(ax, [(m, 7.9), (m, 6.3)])
        _arrow(ax, [(c, 7.9), (c, 6.3)])
        _box(ax, x, 4.9, 1.8, 1.3, f"softmax\n($u^{k} \\cdot m_i$)", BLOCK_COLOUR, fontsize=SMALL,
             style=SQUARE)
        _box(ax, x + 2.4, 4.9, 1.8, 1.3, f"$o^{k} = \\sum_i p_i\\, c_i$", BLOCK_COLOUR, fontsize=SMALL,
             style=SQUARE)
        _arrow(ax, [(x + 1.9, 5.55), (x + 2.3, 5.55)], label="$p$", label_at=(x + 2.1, 5.8), ha="center",
               va="bottom")
        # the state: along the bottom, up to the attention, and the read added to it
        ax.plot([start, c - 0.25], [0.8, 0.8], color=LINE_COLOUR, linewidth=1.1)
        ax.text((start + m) / 2, 1.0, f"$u^{k}$", ha="center", va="bottom", fontsize=FONT)
        _arrow(ax, [(m, 0.8), (m, 4.8)])
        _arrow(ax, [(c, 4.8), (c, 1.05)], label=f"$o^{k}$", label_at=(c + 0.15, 3.0))
        ax.add_patch(FancyBboxPatch((c - 0.17, 0.63), 0.34, 0.34, boxstyle="circle,pad=0.05",
                                    facecolor=STEP_COLOUR, edgecolor=LINE_COLOUR))
        ax.text(c, 0.8, "+", ha="center", va="center", fontsize=FONT)
        start = c + 0.25
    ax.text(start + 0.5, 1.0, f"$u^{{{hops + 1}}}$", ha="center", va="bottom", fontsize=FONT)
    _arrow(ax, [(start, 0.8), (start + 1.1, 0.8)])
    _box(ax, start + 1.2, 0.3, 2.3, 1.0, f"softmax($u\\, E_{{{hops}}}^\\top$)\n(W$^\\top$ = C$^{hops}$)",
         TABLE_COLOURS[hops], fontsize=SMALL, style=SQUARE)
    ax.text(start + 2.35, -0.35, "the answer", ha="center", va="center", fontsize=FONT)
    return ax
