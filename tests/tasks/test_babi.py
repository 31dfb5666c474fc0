"""bAbI-style tasks: the generator writes the real file format with answers
right by construction (re-derived here from the text alone), and the reader
parses, encodes and refuses malformed lines."""

import re

import numpy as np
import pytest

from rmc_lib.tasks.babi import build_vocab, encode, parse_babi, read_babi, tokenize
from rmc_lib.tasks.babi_generate import MAX_STATEMENTS, PLACES, TASK_NAMES, file_names, generate, write_task

TASKS = sorted(TASK_NAMES)

REAL_QA1 = ("1 Mary moved to the bathroom.\n"
            "2 John went to the hallway.\n"
            "3 Where is Mary? \tbathroom\t1\n"
            "1 Daniel went back to the hallway.\n")


def stories(text):
    """[[(number, text, answer or None, support or None), ...], ...] split on line number 1."""
    result = []
    for line in text.splitlines():
        number, rest = line.split(" ", 1)
        if number == "1":
            result.append([])
        if "\t" in rest:
            question, answer, support = rest.split("\t")
            result[-1].append((int(number), question.strip(), answer, [int(s) for s in support.split()]))
        else:
            result[-1].append((int(number), rest, None, None))
    return result


# ---- re-deriving each task's answers from the text, independently of the generator ----

MOVE = re.compile(r"^(?:(Mary|John|Daniel|Sandra)|(?:Afterwards|Then|Following that|After that) (he|she)) "
                  r"(?:moved|went|journeyed|travelled|went back) to the (\w+)\.$")
GRAB = re.compile(r"^(\w+) (?:got|picked up|grabbed) the (\w+)\.$")
DROP = re.compile(r"^(\w+) (?:dropped|put down|discarded) the (\w+)\.$")
GENDER = {"Mary": "she", "Sandra": "she", "John": "he", "Daniel": "he"}


def derive_people(story):
    """Tasks 1, 6, 11: (answer, support) of each question from moves and pronouns."""
    where, named, last_named, found = {}, {}, None, []
    for number, text, answer, _ in story:
        if answer is not None:
            m = re.match(r"^Where is (\w+)\?$", text) or re.match(r"^Is (\w+) in the (\w+)\?$", text)
            person = m.group(1)
            place, support = where[person], named[person]
            if text.startswith("Is"):
                found.append(("yes" if m.group(2) == place else "no", support))
            else:
                found.append((place, support))
            continue
        m = MOVE.match(text)
        assert m, f"not a move: {text!r}"
        name, pronoun, place = m.groups()
        assert place in PLACES
        if name:
            where[name], named[name], last_named = place, [number], (name, number)
        else:
            person, antecedent = last_named
            assert GENDER[person] == pronoun
            where[person], named[person] = place, [antecedent, number]
    return found


def derive_objects(story, task):
    """Tasks 2 and 3: follow people, who holds what, and where each object has been."""
    where, moved, holds = {}, {}, {}           # person -> place, line of the move; object -> (person, grab line)
    lying = {}                                  # object -> (place, drop line, dropper's move line)
    visits = {}                                 # object -> [(place, the three facts of getting there)]
    found = []
    for number, text, answer, _ in story:
        if answer is not None:
            obj = re.match(r"^Where (?:is|was) the (\w+)", text).group(1)
            if task == 2:
                if obj in holds:
                    person, grab = holds[obj]
                    found.append((where[person], [grab, moved[person]]))    # the real qa2's order
                else:
                    place, drop, move = lying[obj]
                    found.append((place, [drop, move]))
            else:
                last = re.match(r"^Where was the \w+ before the (\w+)\?$", text).group(1)
                places = [p for p, _ in visits[obj]]
                assert places[-1] == last and places.count(last) == 1
                found.append((places[-2], sorted(visits[obj][-1][1])))
            continue
        if m := MOVE.match(text):
            person, _, place = m.groups()
            before = moved.get(person)
            where[person], moved[person] = place, number
            for obj, (holder, grab) in holds.items():
                if holder == person:
                    visits[obj].append((place, [before, grab, number]))
        elif m := GRAB.match(text):
            person, obj = m.groups()
            assert obj not in holds, "grabbed an object someone holds"
            if obj in lying:
                assert lying.pop(obj)[0] == where[person], "grabbed an object somewhere else"
            holds[obj] = (person, number)
            visits.setdefault(obj, [(where[person], None)])
        elif m := DROP.match(text):
            person, obj = m.groups()
            assert holds.pop(obj)[0] == person, "dropped an object not held"
            lying[obj] = (where[person], number, moved[person])
        else:
            raise AssertionError(f"not a statement of task {task}: {text!r}")
    return found


def derive_deduction(story):
    plural = {"mice": "mouse", "sheep": "sheep", "wolves": "wolf", "cats": "cat"}
    fears, kinds, found = {}, {}, []
    for number, text, answer, _ in story:
        if answer is not None:
            name = re.match(r"^What is (\w+) afraid of\?$", text).group(1)
            kind, kind_line = kinds[name]
            feared, fear_line = fears[kind]
            found.append((feared, sorted([kind_line, fear_line])))
        elif m := re.match(r"^(\w+) are afraid of (\w+)\.$", text):
            fears[plural[m.group(1).lower()]] = (plural[m.group(2)], number)
        else:
            m = re.match(r"^(\w+) is an? (\w+)\.$", text)
            kinds[m.group(1).lower()] = (m.group(2), number)
    return found


def derive(story, task):
    if task in (1, 6, 11):
        return derive_people(story)
    if task in (2, 3):
        return derive_objects(story, task)
    return derive_deduction(story)


@pytest.mark.parametrize("task", TASKS)
def test_answers_and_supporting_facts_follow_from_the_text(task):
    text = generate(task, 1000, np.random.default_rng(task))
    count = 0
    for story in stories(text):
        asked = [(answer, support) for _, _, answer, support in story if answer is not None]
        assert derive(story, task) == asked
        assert story[-1][2] is not None and len(story) - len(asked) <= MAX_STATEMENTS
        count += len(asked)
    assert count == 1000
    if task == 6:
        answers = [a for s in stories(text) for _, _, a, _ in s if a is not None]
        assert 0.3 < answers.count("yes") / len(answers) < 0.7
    if task == 3:
        assert all(len(s) == 3 for story in stories(text) for *_, s in story if s is not None)


# ---- the file format ----

@pytest.mark.parametrize("task", TASKS)
def test_numbering_restarts_at_one_and_question_lines_have_three_tab_fields(task):
    text = generate(task, 50, np.random.default_rng(0))
    assert text.endswith("\n") and "\n\n" not in text
    found = stories(text)
    assert len(found) >= 2
    for story in found:
        assert [n for n, *_ in story] == list(range(1, len(story) + 1))
        assert story[-1][2] is not None                     # a story ends with a question
    for line in text.splitlines():
        if "\t" in line:
            question, answer, support = line.split("\t")
            assert question.endswith("? ") and answer and re.fullmatch(r"\d+( \d+)*", support)
        else:
            assert line.endswith(".")


@pytest.mark.parametrize("task", TASKS)
def test_generated_text_parses_back(task):
    text = generate(task, 40, np.random.default_rng(3))
    questions = parse_babi(text)
    raw = [s for story in stories(text) for s in story]
    asked = [r for r in raw if r[2] is not None]
    assert len(questions) == 40
    for q, (number, question, answer, support) in zip(questions, asked):
        assert q.line == number and q.answer == answer and q.question == tokenize(question)
        assert len(q.supporting) == len(support)


def test_qa1_asks_after_every_two_statements_five_questions_a_story():
    story = stories(generate(1, 5, np.random.default_rng(0)))[0]
    assert [n for n, _, a, _ in story if a is not None] == [3, 6, 9, 12, 15]


def test_the_same_seed_gives_the_same_text_and_another_seed_another():
    for task in TASKS:
        assert generate(task, 30, np.random.default_rng(7)) == generate(task, 30, np.random.default_rng(7))
        assert generate(task, 30, np.random.default_rng(7)) != generate(task, 30, np.random.default_rng(8))


def test_write_task_sizes_names_and_a_fixed_test_set(tmp_path):
    train1, test1 = write_task(tmp_path / "en", 1, "1k", seed=0)
    train10, test10 = write_task(tmp_path / "en-10k", 1, "10k", seed=0)
    assert train1.name == "qa1_single-supporting-fact_train.txt" and test1.name == "qa1_single-supporting-fact_test.txt"
    assert len(read_babi(train1)) == 1000 and len(read_babi(train10)) == 10000
    assert len(read_babi(test1)) == 1000
    assert test1.read_text() == test10.read_text()          # the same whatever the training size
    assert train1.read_text() not in test1.read_text()
    _, again = write_task(tmp_path / "again", 1, "1k", seed=0)
    assert again.read_text() == test1.read_text()
    _, other = write_task(tmp_path / "other", 1, "1k", seed=1)
    assert other.read_text() != test1.read_text()
    assert file_names(15) == ("qa15_basic-deduction_train.txt", "qa15_basic-deduction_test.txt")


def test_generator_arguments_are_checked(tmp_path):
    with pytest.raises(ValueError, match="task must be one of"):
        generate(4, 10, np.random.default_rng(0))
    with pytest.raises(ValueError, match="num_questions"):
        generate(1, 0, np.random.default_rng(0))
    with pytest.raises(ValueError, match="rng must be an np.random.Generator"):
        generate(1, 10, 0)
    with pytest.raises(ValueError, match="size must be one of"):
        write_task(tmp_path, 1, "5k")


# ---- the reader ----

def test_a_file_in_the_real_format_parses_exactly(tmp_path):
    path = tmp_path / "qa1_single-supporting-fact_train.txt"
    path.write_text(REAL_QA1 + "2 Sandra journeyed to the garden.\n3 Where is Daniel? \thallway\t1\n")
    q1, q2 = read_babi(path)
    assert q1.story == [["mary", "moved", "to", "the", "bathroom"], ["john", "went", "to", "the", "hallway"]]
    assert q1.question == ["where", "is", "mary"] and q1.answer == "bathroom" and q1.supporting == [0] and q1.line == 3
    assert q2.story == [["daniel", "went", "back", "to", "the", "hallway"],
                        ["sandra", "journeyed", "to", "the", "garden"]]
    assert q2.answer == "hallway" and q2.supporting == [0]


def test_the_real_qa2_keeps_its_supporting_facts_in_their_order():
    text = ("1 Mary moved to the bathroom.\n2 Sandra journeyed to the bedroom.\n3 Mary got the football there.\n"
            "4 John went to the kitchen.\n5 Mary went back to the kitchen.\n6 Mary went back to the garden.\n"
            "7 Where is the football? \tgarden\t3 6\n8 Sandra went back to the office.\n9 John moved to the office.\n"
            "10 Sandra journeyed to the hallway.\n11 Daniel went back to the kitchen.\n12 Mary dropped the football.\n"
            "13 John got the milk there.\n14 Where is the football? \tgarden\t12 6\n")
    first, second = parse_babi(text, "qa2_two-supporting-facts_train.txt")
    assert first.supporting == [2, 5] and first.story[2] == ["mary", "got", "the", "football", "there"]
    assert second.supporting == [10, 5] and len(second.story) == 12 and second.line == 14


def test_questions_are_not_memories_and_supporting_facts_index_the_statements():
    text = "1 Mary moved to the bathroom.\n2 Where is Mary? \tbathroom\t1\n3 John went to the office.\n" \
           "4 Mary went to the garden.\n5 Where is Mary? \tgarden\t4\n"
    _, q = parse_babi(text)
    assert len(q.story) == 3 and q.supporting == [2]


def test_encoding_pads_with_zero_and_keeps_story_order():
    questions = parse_babi(REAL_QA1 + "2 Mary went to the kitchen.\n3 Where is Mary? \tkitchen\t2\n")
    vocab = build_vocab(questions)
    assert min(vocab.values()) == 1 and sorted(vocab.values()) == list(range(1, len(vocab) + 1))
    data = encode(questions, vocab)
    assert data["stories"].shape == (2, 2, 6) and data["questions"].shape == (2, 6)
    first = [vocab[w] for w in "mary moved to the bathroom".split()]
    assert data["stories"][0, 0].tolist() == first + [0]
    assert data["questions"][0].tolist() == [vocab["where"], vocab["is"], vocab["mary"], 0, 0, 0]
    assert data["answers"].tolist() == [vocab["bathroom"], vocab["kitchen"]]
    assert data["lengths"].tolist() == [2, 2] and data["supporting"] == [[0], [1]]
    assert encode(questions, vocab, sentence_size=9)["stories"].shape == (2, 2, 9)
    with pytest.raises(ValueError, match="sentence_size must be at least"):
        encode(questions, vocab, sentence_size=3)
    with pytest.raises(ValueError, match="every word must be in the vocabulary; 'daniel' is not"):
        encode(questions, build_vocab(questions[:1]))


def test_memory_keeps_the_last_sentences():
    lines = [f"{i} Mary went to the {PLACES[i % 6]}." for i in range(1, 61)]
    lines.append("61 Where is Mary? \tbathroom\t60")       # 60 % 6 == 0: bathroom
    questions = parse_babi("\n".join(lines))
    data = encode(questions, build_vocab(questions))
    assert data["stories"].shape[1] == 50 and data["lengths"].tolist() == [50]
    vocab = build_vocab(questions)
    assert data["stories"][0, 0, 4] == vocab[PLACES[11 % 6]]     # line 11 is the oldest kept
    assert data["supporting"] == [[49]]
    small = encode(questions, vocab, memory_size=5)
    assert small["stories"].shape[1] == 5 and small["supporting"] == [[4]]
    lines[-1] = "61 Where is Mary? \tbathroom\t1 60"          # a fact that fell out is left out
    assert encode(parse_babi("\n".join(lines)), vocab, memory_size=5)["supporting"] == [[4]]


@pytest.mark.parametrize("text, line, expected", [
    ("1 Mary moved to the bathroom.\n2 Where is Mary?\n", 2, "a question line with a tab"),
    ("1 Mary moved to the bathroom.\n2 Where is Mary? bathroom 1\n", 2, "a question line with a tab"),
    ("1 Mary moved to the bathroom.\n2 Where is Mary? \tbathroom\n", 2, "got 2 tab-separated fields"),
    ("1 Mary moved to the bathroom.\n3 John went to the hallway.\n", 2, "line number 2 .or 1 to start a story., got 3"),
    ("1 Mary moved to the bathroom.\n2 Where is Mary? \tbathroom\t5\n", 2, "5 is not an earlier line"),
    ("1 Mary moved.\n2 Where is Mary? \tx\t1\n3 Where is she? \tx\t2\n", 3, "2 is a question line"),
    ("1 Mary moved.\n2 Where is Mary? \tx\tone\n", 2, "supporting facts as line numbers"),
    ("Mary moved to the bathroom.\n", 1, "'<line number> <text>'"),
])
def test_a_malformed_line_names_the_file_the_line_and_what_was_expected(tmp_path, text, line, expected):
    path = tmp_path / "qa1_bad.txt"
    path.write_text(text)
    bad = text.splitlines()[line - 1]
    with pytest.raises(ValueError, match=f"qa1_bad.txt, line {line}: ") as error:
        read_babi(path)
    assert repr(bad) in str(error.value)
    assert re.search("expected .*" + expected, str(error.value))
