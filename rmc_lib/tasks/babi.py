"""A reader for bAbI files (the real ones, or those of babi_generate), and
their encoding into padded integer arrays for an end-to-end memory network.

A file is a run of stories; each line is "<number> <text>", the number
starting at 1 with each story. A statement is a sentence; a question line
is "<number> <question>\\t<answer>\\t<supporting line numbers>". Each
question sees the statements of its story before it (questions are not
memories), as in Sukhbaatar et al. 2015.

Preprocessing is the usual one: words lower-cased, '.' and '?' dropped.
The vocabulary numbers words from 1; 0 is the padding.
"""

from collections import namedtuple
from pathlib import Path

import numpy as np

from ..nn.checks import check_positive_int

BabiQuestion = namedtuple("BabiQuestion", "story question answer supporting line")
BabiQuestion.__doc__ = """One question with the statements before it.

story: list of sentences (each a list of words) in story order;
question: list of words; answer: one word (a few tasks have answers such
as 'apple,football', kept as one word); supporting: the positions of the
supporting facts in `story` (0-based); line: the question's line number."""


def tokenize(sentence):
    """Lower-case words with '.' and '?' dropped: 'Where is Mary?' -> ['where', 'is', 'mary']."""
    return sentence.lower().replace(".", " ").replace("?", " ").split()


def line_error(source, file_line, line, expected):
    """The ValueError of a malformed line: which file, which line, what it was, what was expected."""
    return ValueError(f"{source}, line {file_line}: {line!r}: expected {expected}")


def parse_babi(text, source="<text>"):
    """The questions of a bAbI file's text, in file order: a list of BabiQuestion.

    source names the file in error messages. A malformed line raises
    ValueError naming the file, the line (its place in the file), the line
    itself and what was expected.
    """
    questions = []
    previous = 0                # the last line number of the current story
    statements = {}             # line number -> position in `story`, for this story
    story = []
    for file_line, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip():
            continue
        number, _, rest = raw.partition(" ")
        if not number.isdigit() or not rest.strip():
            raise line_error(source, file_line, raw,
                             "'<line number> <text>', e.g. '1 Mary moved to the bathroom.'")
        number = int(number)
        if number == 1:
            previous, statements, story = 0, {}, []
        elif number != previous + 1:
            raise line_error(source, file_line, raw,
                             f"line number {previous + 1} (or 1 to start a story), got {number}")
        previous = number
        if "\t" not in rest:
            if "?" in rest:         # statements never ask
                raise line_error(source, file_line, raw,
                                 "a question line with a tab, the answer, a tab and the supporting line numbers")
            statements[number] = len(story)
            story.append(tokenize(rest))
            continue
        fields = rest.split("\t")
        if len(fields) != 3 or not fields[1].strip():
            raise line_error(source, file_line, raw, "'<question>\\t<answer>\\t<supporting line numbers>', "
                             f"got {len(fields)} tab-separated fields")
        question, answer, support = fields
        support = support.split()
        if not support or not all(s.isdigit() for s in support):
            raise line_error(source, file_line, raw,
                             f"supporting facts as line numbers separated by spaces, got {fields[2]!r}")
        positions = []
        for s in map(int, support):
            if s not in statements:
                what = "a question line" if 1 <= s < number else "not an earlier line of this story"
                raise line_error(source, file_line, raw,
                                 f"supporting facts pointing at earlier statements of this story; {s} is {what}")
            positions.append(statements[s])
        questions.append(BabiQuestion([list(w) for w in story], tokenize(question), answer.strip().lower(),
                                      positions, number))
    return questions


def read_babi(path):
    """The questions of a bAbI file (a list of BabiQuestion); errors name the file."""
    path = Path(path)
    return parse_babi(path.read_text(), source=str(path))


def build_vocab(*question_lists):
    """word -> index (from 1, sorted, so the same data give the same numbers)
    over the stories, questions and answers of the given question lists;
    0 is the padding."""
    words = set()
    for questions in question_lists:
        for q in questions:
            words.update(w for sentence in q.story for w in sentence)
            words.update(q.question)
            words.add(q.answer)
    return {w: i for i, w in enumerate(sorted(words), start=1)}


def encode(questions, vocab, memory_size=50, sentence_size=None):
    """Padded integer arrays of questions (a list of BabiQuestion).

    Only the last `memory_size` statements before each question are kept
    (50 in Sukhbaatar et al. 2015, section 4.2), in story order.
    sentence_size: the words kept per sentence and question (default: the
    longest found). Returns a dict of

      stories   [Q, M, W] word indices, 0 = padding (M = most statements kept)
      questions [Q, W]
      answers   [Q] the answer's index
      lengths   [Q] the number of statements kept for each question
      supporting list of Q lists: the supporting facts' rows in stories
                 (a fact that fell out of the memory is left out)
    """
    memory_size = check_positive_int("memory_size", memory_size)
    if not questions:
        raise ValueError("questions must hold at least one question, got an empty list")
    stories = [q.story[-memory_size:] for q in questions]
    longest = max([len(s) for sentences in stories for s in sentences] + [len(q.question) for q in questions])
    W = longest if sentence_size is None else check_positive_int("sentence_size", sentence_size)
    if W < longest:
        raise ValueError(f"sentence_size must be at least the longest sentence ({longest} words), got {W}")
    M = max(1, max(len(s) for s in stories))

    def index(word):
        if word not in vocab:
            raise ValueError(f"every word must be in the vocabulary; {word!r} is not (build_vocab over all files)")
        return vocab[word]

    Q = len(questions)
    story_array = np.zeros((Q, M, W), dtype=np.int64)
    question_array = np.zeros((Q, W), dtype=np.int64)
    answers = np.zeros(Q, dtype=np.int64)
    lengths = np.zeros(Q, dtype=np.int64)
    supporting = []
    for i, (q, sentences) in enumerate(zip(questions, stories)):
        for j, sentence in enumerate(sentences):
            story_array[i, j, :len(sentence)] = [index(w) for w in sentence]
        question_array[i, :len(q.question)] = [index(w) for w in q.question]
        answers[i] = index(q.answer)
        lengths[i] = len(sentences)
        dropped = len(q.story) - len(sentences)
        supporting.append([p - dropped for p in q.supporting if p >= dropped])
    return dict(stories=story_array, questions=question_array, answers=answers, lengths=lengths,
                supporting=supporting)
