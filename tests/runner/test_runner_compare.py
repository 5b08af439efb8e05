"""The verdict: every example of the runner issue, plus property tests."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from quizapp.runner import ExceptionInfo, RunResult, Verdict, judge_code, judge_prediction
from quizapp.runner.compare import compare_output, logical_lines, parse_exception_prediction
from quizapp.runner.values import Unreadable, parse_value, same_real


def shows(text: str) -> RunResult:
    return RunResult(shown=text + "\n")


def verdict(expected: str, prediction: str) -> Verdict:
    return judge_prediction(shows(expected), prediction).verdict


CORRECT = [
    ("tensor([1, 2, 3])", "tensor([ 1,  2,  3])"),
    ("tensor([1, 2, 3])", "tensor([1,2,3])"),
    ("tensor([2., 1.])", "tensor([2.0, 1.0])"),
    ("tensor([11.2000])", "tensor([11.2])"),
    ("tensor([[1, 2],\n        [3, 4]])", "tensor([[1, 2], [3, 4]])"),
    ("tensor([[1, 2], [3, 4]])", "tensor([[1, 2],\n        [3, 4]])"),
    ("tensor([ True, False])", "tensor([True, False])"),
    ("['a', 'b']", "['a','b']"),
    ("['a', 'b']", '["a", "b"]'),
    ("torch.Size([2, 3])", "torch.Size([2,3])"),
    ("hello\nworld", "hello\n  world  "),
    ("tensor(3.5000)", "tensor(3.5)"),
    ("tensor([0.3333])", "tensor([0.333333])"),
    ("tensor([0.3333])", "tensor([0.33])"),
    ("tensor([1.0000e-05, 2.0000e+03])", "tensor([1e-05, 2000.])"),
    ("tensor([nan, inf, -inf])", "tensor([nan, inf, -inf])"),
    ("tensor([1.+2.j, 3.-1.j])", "tensor([1+2j, 3-1j])"),
    ("tensor([1., 3.])", "torch.tensor([1., 3.])"),
    ("tensor([1., 3.])", "tensor([1., 3.], dtype=torch.float32)"),
    ("tensor([1., 3.])", "tensor([1, 3], dtype=torch.float)"),
    ("tensor([1., 2.], dtype=torch.float64)", "tensor([1., 2.], dtype=torch.double)"),
    ("tensor([2., 4.], grad_fn=<MulBackward0>)", "tensor([2., 4.], grad_fn=<MulBackward0>)"),
    ("tensor([2., 4.], requires_grad=True)", "tensor([2., 4.], requires_grad=True)"),
    ("tensor([], size=(0, 3))", "tensor([], size=(0, 3))"),
    ("tensor([], dtype=torch.int64)", "tensor([], dtype=torch.long)"),
    ("torch.float32", "torch.float"),
    ("{'a': 1, 'b': [1, 2]}", "{'b': [1,2], 'a': 1}"),
    ("(1, 'x', None, True)", "(1,'x',None,True)"),
    ("sum: tensor(10)", "sum:   tensor(10)"),
    ("tensor([1, 2]) tensor([3, 4])", "tensor([1,2]) tensor([3,4])"),
    (
        "Parameter containing:\ntensor([1., 2.], requires_grad=True)",
        "Parameter containing:\ntensor([1., 2.], requires_grad=True)",
    ),
    ("tensor([0, 1, 2,  ..., 7, 8, 9])", "tensor([0, 1, 2, ..., 7, 8, 9])"),
    (
        "torch.return_types.max(\nvalues=tensor([2, 4]),\nindices=tensor([1, 1]))",
        "torch.return_types.max(values=tensor([2, 4]), indices=tensor([1, 1]))",
    ),
    ("3\n4", "3\n\n4\n"),
    ("0.30000000000000004", "0.30000000000000004"),
]

WRONG = [
    ("tensor([1, 2, 3])", "tensor([1, 2, 4])", "element [2] is 3, you wrote 4"),
    ("tensor([1, 2, 3])", "tensor([[1, 2, 3]])", "the shape is (3,), you wrote (1, 3)"),
    ("tensor([[1], [2]])", "tensor([1, 2])", "the shape is (2, 1), you wrote (2,)"),
    ("tensor([1., 3.])", "tensor([1, 3])", "the snippet shows floats, you wrote integers"),
    ("tensor([1, 3])", "tensor([1., 3.])", "the snippet shows integers, you wrote floats"),
    ("tensor([11.2000])", "tensor([11.])", "element [0] is 11.2000, you wrote 11."),
    ("tensor(2.)", "tensor(2.5)", "the value is 2., you wrote 2.5"),
    ("tensor([True, False])", "tensor([1, 0])", "the snippet shows bools"),
    ("torch.Size([2, 3])", "torch.Size([3, 2])", "the size is torch.Size([2, 3])"),
    ("['a', 'b']", "['a', 'c']", "item 1: the string is 'b', you wrote 'c'"),
    ("[1, 2]", "[1, 2, 3]", "the list has 2 items, you wrote 3"),
    ("3", "3.0", "the snippet shows an int (3), you wrote a float (3.0)"),
    ("hello", "goodbye", "the snippet shows 'hello', you wrote 'goodbye'"),
    ("3\n4", "3", "the snippet shows 2 lines, you wrote 1"),
    ("3\n4", "3\n5", "line 2: the value is 4, you wrote 5"),
    ("tensor([0, 1, 2,  ..., 7, 8, 9])", "tensor([0, 1, 2, ..., 7, 8, 10])", "the snippet shows"),
    ("tensor([1., 2.], dtype=torch.float64)", "tensor([1, 2])", "floats"),
]

CLOSE = [
    (
        "tensor([1., 3.], dtype=torch.float64)",
        "tensor([1., 3.])",
        "right values, but dtype=torch.float64 is missing",
    ),
    (
        "tensor([1, 3], dtype=torch.int32)",
        "tensor([1, 3], dtype=torch.int16)",
        "right values, but the dtype is torch.int32, not torch.int16",
    ),
    (
        "tensor([1., 3.])",
        "tensor([1., 3.], dtype=torch.float64)",
        "the dtype is torch.float32 (the default, so it is not printed), not torch.float64",
    ),
    (
        "tensor([1., 3.], requires_grad=True)",
        "tensor([1., 3.])",
        "right values, but requires_grad=True is missing",
    ),
    (
        "tensor([1., 3.])",
        "tensor([1., 3.], requires_grad=True)",
        "right values, but this tensor does not require grad",
    ),
    (
        "tensor([2., 6.], grad_fn=<MulBackward0>)",
        "tensor([2., 6.])",
        "right values, but grad_fn=<MulBackward0> is missing",
    ),
    (
        "tensor([2., 6.], grad_fn=<MulBackward0>)",
        "tensor([2., 6.], requires_grad=True)",
        "right values, but grad_fn=<MulBackward0> is missing",
    ),
    (
        "tensor([2., 6.], grad_fn=<MulBackward0>)",
        "tensor([2., 6.], grad_fn=<AddBackward0>)",
        "right values, but grad_fn is <MulBackward0>, not <AddBackward0>",
    ),
    (
        "torch.Size([2, 3])",
        "(2, 3)",
        "right sizes, but the snippet shows torch.Size([2, 3]), not a tuple",
    ),
    ("torch.Size([2, 3])", "[2, 3]", "not a list"),
    ("(1, 2)", "[1, 2]", "right items, but the snippet shows a tuple, not a list"),
    ("tensor([1.], device='cuda:0')", "tensor([1.])", "on cuda:0, not cpu"),
]


@pytest.mark.parametrize(("expected", "prediction"), CORRECT)
def test_correct(expected, prediction):
    judgement = judge_prediction(shows(expected), prediction)
    assert judgement.verdict is Verdict.CORRECT, judgement.explanation
    assert judgement.explanation == "correct"
    assert judgement.diff == ()


@pytest.mark.parametrize(("expected", "prediction", "why"), WRONG)
def test_wrong(expected, prediction, why):
    judgement = judge_prediction(shows(expected), prediction)
    assert judgement.verdict is Verdict.WRONG
    assert why in judgement.explanation
    assert "\n" not in judgement.explanation
    assert judgement.diff  # a diff says where


@pytest.mark.parametrize(("expected", "prediction", "why"), CLOSE)
def test_close(expected, prediction, why):
    judgement = judge_prediction(shows(expected), prediction)
    assert judgement.verdict is Verdict.CLOSE
    assert why in judgement.explanation


INDEX_ERROR = ExceptionInfo(
    "IndexError",
    "builtins.IndexError",
    "index_select(): Index is supposed to be a vector",
    ("line 1, in <snippet>: torch.index_select(...)",),
    1,
    "code",
    ("builtins.LookupError", "builtins.Exception", "builtins.BaseException"),
)
RAISED = RunResult(exception=INDEX_ERROR)


@pytest.mark.parametrize(
    ("prediction", "expected", "why"),
    [
        ("IndexError", Verdict.CORRECT, "raised IndexError, as you said"),
        ("raises IndexError", Verdict.CORRECT, "as you said"),
        ("  Raises IndexError ", Verdict.CORRECT, "as you said"),
        ("IndexError: whatever message", Verdict.CORRECT, "as you said"),
        ("builtins.IndexError", Verdict.CORRECT, "as you said"),
        ("LookupError", Verdict.CLOSE, "right family: it raised IndexError, a kind of LookupError"),
        ("KeyError", Verdict.CLOSE, "right family (LookupError), but it raised IndexError"),
        ("Exception", Verdict.WRONG, "it raised IndexError, not Exception"),
        ("ValueError", Verdict.WRONG, "it raised IndexError, not ValueError"),
        ("raises RuntimeError", Verdict.WRONG, "it raised IndexError, not RuntimeError"),
        ("tensor([1])", Verdict.WRONG, "the snippet raised IndexError: index_select()"),
    ],
)
def test_exceptions(prediction, expected, why):
    judgement = judge_prediction(RAISED, prediction)
    assert judgement.verdict is expected
    assert why in judgement.explanation


def test_subclass_named_for_its_base_is_close():
    runtime = ExceptionInfo(
        "RuntimeError",
        "builtins.RuntimeError",
        "boom",
        bases=("builtins.Exception", "builtins.BaseException"),
    )
    judgement = judge_prediction(RunResult(exception=runtime), "NotImplementedError")
    assert judgement.verdict is Verdict.CLOSE
    assert "NotImplementedError is a kind of RuntimeError" in judgement.explanation


def test_torch_exception_by_short_or_qualified_name():
    oom = ExceptionInfo(
        "OutOfMemoryError",
        "torch.OutOfMemoryError",
        "",
        bases=("builtins.RuntimeError", "builtins.Exception", "builtins.BaseException"),
    )
    for name in ("OutOfMemoryError", "torch.OutOfMemoryError", "raises torch.OutOfMemoryError"):
        assert judge_prediction(RunResult(exception=oom), name).verdict is Verdict.CORRECT
    assert judge_prediction(RunResult(exception=oom), "RuntimeError").verdict is Verdict.CLOSE


def test_predicting_an_exception_when_none_is_raised_is_wrong():
    judgement = judge_prediction(shows("tensor([1])"), "raises IndexError")
    assert judgement.verdict is Verdict.WRONG
    assert judgement.explanation == "it did not raise IndexError; it shows 'tensor([1])'"


def test_a_printed_exception_name_is_output_when_nothing_was_raised():
    assert verdict("IndexError", "IndexError") is Verdict.CORRECT
    assert verdict("IndexError", "raises IndexError") is Verdict.WRONG


def test_a_stopped_run_is_wrong_whatever_the_prediction():
    stopped = RunResult(exit_code=None, signal=9, limits_hit=("stopped after 5 s (time limit)",))
    judgement = judge_prediction(stopped, "tensor([1])")
    assert judgement.verdict is Verdict.WRONG
    assert "did not finish: stopped after 5 s (time limit)" in judgement.explanation


def test_a_run_that_could_not_start_is_wrong_and_says_why():
    skipped = RunResult(exit_code=None, missing=("torchvision",))
    judgement = judge_prediction(skipped, "tensor([1])")
    assert judgement.verdict is Verdict.WRONG
    assert judgement.explanation == "the snippet could not run: needs torchvision (not installed)"


def test_exception_prediction_parsing():
    assert parse_exception_prediction("IndexError") == ("IndexError", False)
    assert parse_exception_prediction("raises IndexError") == ("IndexError", True)
    assert parse_exception_prediction("StopIteration") == ("StopIteration", False)
    assert parse_exception_prediction("hello") is None
    assert parse_exception_prediction("raises hello") == ("hello", True)
    assert parse_exception_prediction("tensor([1])") is None
    assert parse_exception_prediction("") is None


def test_multiline_values_are_one_logical_line():
    text = "first\ntensor([[1, 2],\n        [3, 4]])\n\nlast"
    assert logical_lines(text) == ["first", "tensor([[1, 2], [3, 4]])", "last"]
    # An unbalanced bracket in plain text does not swallow the rest.
    assert logical_lines("a (b\nc") == ["a (b", "c"]


def test_reader_never_evaluates():
    for text in (
        "__import__('os').system('true')",
        "tensor([1]).sum()",
        "[x for x in y]",
        "open('f')",
        "torch.zeros(2)",
        "lambda: 1",
        "tensor([1], foo=1)",
        "2 * 3",
        "tensor([1, ...])",
        "x",
        "!!python/object",
    ):
        with pytest.raises(Unreadable):
            parse_value(text)


def test_precision_rule():
    assert same_real("11.2000", "11.2")
    assert same_real("0.3333", "0.333333")
    assert not same_real("11.2000", "11.")
    assert not same_real("11.", "11.2")
    assert same_real("2.", "2.0000")
    assert not same_real("0.2500", "0.4")
    assert same_real("1.0000e-05", "0.00001")


def test_predicting_none_for_a_cell_that_shows_nothing_is_close():
    judgement = judge_prediction(RunResult(shown=""), "None")
    assert judgement.verdict is Verdict.CLOSE
    assert "a last expression that is None is not shown" in judgement.explanation
    assert judge_prediction(RunResult(shown=""), "").verdict is Verdict.CORRECT
    assert judge_prediction(RunResult(shown=""), "0").verdict is Verdict.WRONG


def test_unreadable_answers_compare_as_text():
    assert verdict("The answer is 42", "The  answer is 42") is Verdict.CORRECT
    assert verdict("The answer is 42", "The answer is 41") is Verdict.WRONG


def test_judge_code_against_the_solution():
    solution = shows("tensor([[1],\n        [4]])")
    assert judge_code(shows("tensor([[1], [4]])"), solution).verdict is Verdict.CORRECT
    wrong = judge_code(shows("tensor([1, 4])"), solution)
    assert wrong.verdict is Verdict.WRONG
    assert wrong.explanation == "the shape is (2, 1), your code shows (2,)"
    raised = judge_code(RunResult(exception=INDEX_ERROR), solution)
    assert raised.verdict is Verdict.WRONG
    assert raised.explanation.startswith("your code raised IndexError")
    # When the solution raises, the learner's code must raise the same class.
    assert judge_code(RunResult(exception=INDEX_ERROR), RAISED).verdict is Verdict.CORRECT
    assert judge_code(shows("1"), RAISED).verdict is Verdict.WRONG
    stopped = RunResult(exit_code=None, limits_hit=("stopped after 5 s (time limit)",))
    assert "did not finish" in judge_code(stopped, solution).explanation


def test_judgement_to_dict():
    data = judge_prediction(shows("tensor([1])"), "tensor([2])").to_dict()
    assert data["verdict"] == "wrong"
    assert data["expected"] == "tensor([1])"
    assert data["given"] == "tensor([2])"
    assert data["diff"][0] == "--- shown"


# --- property tests with real tensor reprs ------------------------------------------

torch = pytest.importorskip("torch")

DTYPES = {
    "int64": (torch.int64, st.integers(-(10**6), 10**6)),
    "int32": (torch.int32, st.integers(-1000, 1000)),
    "bool": (torch.bool, st.booleans()),
    "float32": (torch.float32, st.floats(-1e6, 1e6, width=32, allow_nan=False)),
    "float64": (torch.float64, st.floats(-1e8, 1e8, allow_nan=False)),
    "small": (torch.float32, st.floats(-0.0009765625, 0.0009765625, width=32, allow_nan=False)),
}


@st.composite
def tensors(draw):
    name = draw(st.sampled_from(sorted(DTYPES)))
    dtype, elements = DTYPES[name]
    shape = draw(st.lists(st.integers(1, 4), min_size=0, max_size=3))
    count = 1
    for n in shape:
        count *= n
    values = draw(st.lists(elements, min_size=count, max_size=count))
    tensor = torch.tensor(values, dtype=dtype).reshape(shape)
    if dtype.is_floating_point and draw(st.booleans()):
        tensor = tensor.requires_grad_(True)
        if draw(st.booleans()):
            tensor = tensor * 2
    return tensor


def respace(text: str, style: int) -> str:
    if style == 0:
        return " ".join(text.split())  # one line
    if style == 1:
        return text.replace(", ", ",")
    if style == 2:
        return text.replace("[", "[ ").replace(",", " , ")
    return "\n" + text.replace(", ", ",  ") + "\n"


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tensors(), st.integers(0, 3))
def test_any_tensor_repr_is_correct_against_itself_respaced(tensor, style):
    text = repr(tensor)
    judgement = judge_prediction(shows(text), respace(text, style))
    assert judgement.verdict is Verdict.CORRECT, (text, judgement.explanation)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tensors(), st.data())
def test_a_changed_element_is_wrong(tensor, data):
    assume(tensor.numel() > 0)
    changed = tensor.detach().clone()
    flat = changed.view(-1)
    index = data.draw(st.integers(0, flat.numel() - 1))
    if changed.dtype == torch.bool:
        flat[index] = not bool(flat[index])
    else:
        value = flat[index].item()
        flat[index] = value + max(1, abs(value))
    if tensor.requires_grad:
        changed.requires_grad_(True)
        if tensor.grad_fn is not None:
            changed = changed * 1  # a grad_fn, though not the same: values decide first
    original, edited = repr(tensor), repr(changed)
    assume(
        " ".join(original.split()).split("grad_fn")[0]
        != " ".join(edited.split()).split("grad_fn")[0]
    )
    judgement = judge_prediction(shows(original), edited)
    assert judgement.verdict is Verdict.WRONG, (original, edited, judgement.explanation)


@settings(max_examples=100, deadline=None)
@given(
    st.recursive(
        st.none()
        | st.booleans()
        | st.integers()
        | st.text(max_size=5)
        | st.floats(allow_nan=False, allow_infinity=False),
        lambda children: (
            st.lists(children, max_size=3)
            | st.tuples(children, children)
            | st.dictionaries(st.text(max_size=3), children, max_size=3)
        ),
        max_leaves=8,
    )
)
def test_python_literals_equal_their_own_repr(value):
    text = repr(value)
    assert compare_output(text, text).verdict is Verdict.CORRECT


ALPHABET = st.sampled_from(
    list("tensor([1., 2])torch.Size,dtype=<>'\"\n :-+ejnaif{}...IndexErorraises_")
)


@settings(max_examples=300, deadline=None)
@given(st.text(ALPHABET, max_size=60), st.text(ALPHABET, max_size=60))
def test_any_text_gets_a_judgement_never_an_error(shown, prediction):
    judgement = judge_prediction(RunResult(shown=shown), prediction)
    assert judgement.verdict in Verdict
    assert judgement.explanation and "\n" not in judgement.explanation
    assert judge_prediction(RunResult(shown=shown), shown).verdict is Verdict.CORRECT


def test_deeply_nested_answers_are_refused_not_crashed():
    deep = "[" * 5000 + "]" * 5000
    assert judge_prediction(shows("[[1]]"), deep).verdict is Verdict.WRONG
    assert judge_prediction(shows(deep), deep).verdict is Verdict.CORRECT
    huge = "tensor([" + ", ".join(["1"] * 100_000) + "])"
    assert judge_prediction(shows(huge), huge).verdict is Verdict.CORRECT
