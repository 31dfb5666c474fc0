"""What the self-check tests ask of a check's printed line: exactly one line,
naming the failing case and the mistake; the stub a lesson ships, and what a
check must say of it and of a function that raises."""


def one_line(capsys):
    out = capsys.readouterr().out
    assert out.count("\n") == 1, out
    return out


def fails_naming(capsys, check, fn, case, words):
    assert not check(fn)
    out = one_line(capsys)
    assert f"failed on {case}" in out, out
    assert words in out, out
    return out


def stub(*args):
    raise NotImplementedError("replace this line with your code")


def reports_the_stub(capsys, check):
    """The lesson's stub (raising NotImplementedError) fails, and the line says so."""
    assert not check(stub)
    out = one_line(capsys)
    assert "your function raised NotImplementedError: replace this line with your code" in out, out


def reports_an_error(capsys, check, fn, error="IndexError"):
    """A function that raises fails on a named case, and the line names the error."""
    assert not check(fn)
    out = one_line(capsys)
    assert "failed on" in out and f"your function raised {error}" in out, out
