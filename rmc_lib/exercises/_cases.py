"""The case runner every self-check uses: run a learner's function and
rmc_lib's on the same inputs, and name the first case that differs."""

import numpy as np


def run_cases(name, cases, rtol=1e-6, atol=1e-8, allow_nan=False, hint=None):
    """cases: list of (description, learner_call, expected_call).
    allow_nan: nan is a possible answer, right where the expected one is nan.
    hint: optional hint(got, expected) -> text added to the message when
    the values differ (e.g. a likely mistake)."""
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
                print(f"{name}: failed on {description}{part}: your result holds NaN or inf")
                return False
            if not np.allclose(g, e, rtol=rtol, atol=atol, equal_nan=allow_nan):
                worst = float(np.nanmax(np.abs(g - e)))
                extra = hint(g, e) if hint is not None else ""
                print(f"{name}: failed on {description}{part}: values differ by up to {worst:.3g}{extra}")
                return False
    print(f"{name}: passed ({len(cases)} cases)")
    return True


def run_with_mistakes(name, cases, **kwargs):
    """run_cases over (description, learner_call, expected, mistakes), where
    mistakes is a list of (what the mistake is, the answer it gives): a
    failing answer equal to one of them is named in the message."""
    known = {id(expected): mistakes for _, _, expected, mistakes in cases}

    def hint(got, expected):
        for what, value in known.get(id(expected), []):
            if np.shape(value) == got.shape and np.allclose(got, value, rtol=1e-6, atol=1e-8):
                return f"; it looks like {what}"
        return ""

    plain = [(description, call, lambda e=expected: e) for description, call, expected, _ in cases]
    return run_cases(name, plain, hint=hint, **kwargs)
