"""What the self-check tests ask of a check's printed line: exactly one line,
naming the failing case and the mistake; and the stub a lesson ships."""


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
