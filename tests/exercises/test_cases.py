"""The case runner behind every self-check: it names the first failing case,
and the mistake a wrong answer matches, NaN-giving mistakes included."""

import numpy as np

from rmc_lib.exercises._cases import run_cases, run_with_mistakes


def test_run_cases_passes_and_names_the_failing_case(capsys):
    assert run_cases("check", [("one", lambda: 1.0, lambda: 1.0), ("two", lambda: 2.0, lambda: 2.0)])
    assert capsys.readouterr().out == "check: passed (2 cases)\n"
    assert not run_cases("check", [("one", lambda: 1.0, lambda: 1.0), ("two", lambda: 3.0, lambda: 2.0)])
    assert "failed on two: values differ by up to 1" in capsys.readouterr().out


def test_run_with_mistakes_names_a_matching_mistake_and_a_nan_giving_one(capsys):
    expected = np.array([0.25, 0.75])
    cases = [("a case", lambda: np.array([0.5, 0.5]), expected, [("the uniform guess", np.array([0.5, 0.5]))])]
    assert not run_with_mistakes("check", cases)
    assert capsys.readouterr().out.rstrip().endswith("; it looks like the uniform guess")
    cases = [("a zero row", lambda: np.array([np.nan, 1.0]), expected, [], "the eps left out")]
    assert not run_with_mistakes("check", cases)
    assert capsys.readouterr().out == ("check: failed on a zero row: your result holds NaN or inf; "
                                       "it looks like the eps left out\n")
    cases = [("no name for it", lambda: np.array([np.inf, 1.0]), expected, [])]
    assert not run_with_mistakes("check", cases)
    assert capsys.readouterr().out == "check: failed on no name for it: your result holds NaN or inf\n"
