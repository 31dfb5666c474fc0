"""Pictures of the appendix on backward passes (A1): every gradient check of
the appendix in one chart.

    checks = [("linear", "dx", 1e-11), ("linear", "dW", 3e-12), ...]
    ax = plot_gradient_checks(checks, bounds={"one layer: 1e-7": 1e-7})

Each check is (section, gradient name, relative error against centred
finite differences). The chart has one column per section and one dot per
gradient, on a log scale, with the bounds drawn as dashed lines.
"""

import textwrap

import numpy as np

from .common import new_axes

#: the smallest error drawn: an error of exactly 0 has no place on a log scale
FLOOR = 1e-16


def plot_gradient_checks(checks, bounds=None, ax=None, title=None, figsize=(9, 4.2)):
    """One column per section (in the order they first appear), one dot per
    gradient at its relative error, on a log scale.

    checks: a list of (section, name, error) with a finite error >= 0
    (errors below FLOOR are drawn at FLOOR). bounds: a dict label -> error,
    drawn as horizontal lines (e.g. the 1e-7 a single layer must stay
    below). The dots of a column are spread sideways in the order given, so
    that they do not hide each other. Returns the axes.
    """
    checks = list(checks)
    if not checks:
        raise ValueError("checks must hold at least one (section, name, error), got none")
    for check in checks:
        if len(check) != 3 or not np.isfinite(check[2]) or check[2] < 0:
            raise ValueError(f"each check must be (section, name, error) with a finite error >= 0, got {check!r}")
    ax = new_axes(figsize) if ax is None else ax
    sections = list(dict.fromkeys(section for section, _, _ in checks))
    for column, section in enumerate(sections):
        errors = np.array([max(error, FLOOR) for s, _, error in checks if s == section])
        spread = np.linspace(-0.3, 0.3, len(errors)) if len(errors) > 1 else np.zeros(1)
        ax.plot(column + spread, errors, "o", ms=4, color=f"C{column % 10}", alpha=0.8)
    bounds = bounds or {}
    for index, (label, bound) in enumerate(bounds.items()):
        ax.axhline(bound, color="k", ls="--" if index == 0 else ":", lw=1, label=label)
    ax.set_yscale("log")
    values = [max(error, FLOOR) for _, _, error in checks] + list(bounds.values())
    ax.set_ylim(10 ** np.floor(np.log10(min(values)) - 0.5), 10 ** np.ceil(np.log10(max(values)) + 1))
    ax.set_xlim(-0.6, len(sections) - 0.4)
    ax.set_xticks(range(len(sections)), [textwrap.fill(section, 12) for section in sections], fontsize=8)
    ax.set_ylabel("relative error against\nfinite differences (log scale)")
    ax.grid(True, axis="y", alpha=0.3)
    if bounds:
        ax.legend(loc="upper left", fontsize=8, ncols=len(bounds))
    if title is not None:
        ax.set_title(title)
    return ax
