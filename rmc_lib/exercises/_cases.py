"""The case runner every self-check uses: run a learner's function and
rmc_lib's on the same inputs, and name the first case that differs."""

import numpy as np


def run_cases(name, cases, rtol=1e-6, atol=1e-8, allow_nan=False, hint=None, nan_hint=None):
    """cases: list of (description, learner_call, expected_call).
    allow_nan: nan is a possible answer, right where the expected one is nan.
    hint: optional hint(got, expected) -> text added to the message when
    the values differ (e.g. a likely mistake); nan_hint the same for an
    answer that holds NaN or inf."""
    for description, learner_call, expected_call in cases:
        expected = expected_call()
        try:
            got = learner_call()
        except Exception as exc:  # the learner's code may raise anything
            print(f"{name}: failed on {description}: your function raised {type(exc).__name__}: {exc}")
            return False
        if isinstance(expected, tuple):
            if not isinstance(got, tuple) or len(got) != len(expected):
                print(f"{name}: failed on {description}: expected a tuple of {len(expected)} arrays, got {type(got).__name__}")
                return False
        else:
            expected, got = (expected,), (got,)
        for index, (e, g) in enumerate(zip(expected, got)):
            g = np.asarray(g)
            part = f" (item {index} of the result)" if len(expected) > 1 else ""
            if g.shape != np.shape(e):
                print(f"{name}: failed on {description}{part}: expected shape {np.shape(e)}, got {g.shape}")
                return False
            if allow_nan and not np.array_equal(np.isnan(g), np.isnan(e)):
                print(f"{name}: failed on {description}{part}: expected {e}, got {g}")
                return False
            if not allow_nan and not np.all(np.isfinite(g)):
                extra = nan_hint(g, e) if nan_hint is not None else ""
                print(f"{name}: failed on {description}{part}: your result holds NaN or inf{extra}")
                return False
            if not np.allclose(g, e, rtol=rtol, atol=atol, equal_nan=allow_nan):
                worst = float(np.nanmax(np.abs(g - e)))
                extra = hint(g, e) if hint is not None else ""
                print(f"{name}: failed on {description}{part}: values differ by up to {worst:.3g}{extra}")
                return False
    print(f"{name}: passed ({len(cases)} cases)")
    return True


def run_with_mistakes(name, cases, **kwargs):
    """run_cases over (description, learner_call, expected, mistakes) or
    (description, learner_call, expected, mistakes, non_finite), where
    mistakes is a list of (what the mistake is, the answer it gives): a
    failing answer equal to one of them is named in the message; and
    non_finite (or None) names the mistake that gives NaN or inf on that
    case (e.g. an eps left out), for an answer that holds them."""
    known = {id(case[2]): case[3] for case in cases}
    non_finite = {id(case[2]): case[4] for case in cases if len(case) > 4 and case[4]}

    def hint(got, expected):
        for what, value in known.get(id(expected), []):
            if np.shape(value) == got.shape and np.allclose(got, value, rtol=1e-6, atol=1e-8):
                return f"; it looks like {what}"
        return ""

    def nan_hint(got, expected):
        return f"; it looks like {non_finite[id(expected)]}" if id(expected) in non_finite else ""

    plain = [(case[0], case[1], lambda e=case[2]: e) for case in cases]
    return run_cases(name, plain, hint=hint, nan_hint=nan_hint, **kwargs)
