"""The exception tree: every error carries its status, code and exit code on its class, and
pickles as itself (worker processes hand errors back as they are)."""

from __future__ import annotations

import pickle
import re

import pytest

from pios_ld import errors
from pios_ld.errors import PiosError


def _tree(cls: type[PiosError]) -> list[type[PiosError]]:
    return [cls] + [c for sub in cls.__subclasses__() for c in _tree(sub)
                    if c.__module__ == errors.__name__]


TREE = _tree(PiosError)


def test_the_module_docstring_draws_every_class_of_the_tree():
    drawn = re.findall(r"^[\s│├└─]*(\w+) +\((\d{3})\)", errors.__doc__, re.M)
    assert sorted(drawn) == sorted((c.__name__, str(c.status)) for c in TREE)


@pytest.mark.parametrize("cls", TREE, ids=lambda c: c.__name__)
def test_an_error_pickles_with_its_class_and_both_messages(cls):
    error = cls("The record is gone.", "Posten finns inte.")
    back = pickle.loads(pickle.dumps(error))
    assert type(back) is cls
    assert (back.message, back.message_sv, str(back)) == ("The record is gone.",
                                                          "Posten finns inte.",
                                                          "The record is gone.")
    assert (back.status, back.code, back.exit_code) == (cls.status, cls.code, cls.exit_code)


def test_an_error_pickles_with_its_retry_after_and_a_message_in_english_only():
    error = errors.QueueFull("3 queries are waiting.", retry_after=7)
    back = pickle.loads(pickle.dumps(error))
    assert (type(back), back.retry_after, back.message_sv) == (errors.QueueFull, 7,
                                                               "3 queries are waiting.")
    assert errors.Busy("All busy.").retry_after == 2  # on the class
    assert errors.QueryTimeout("Too slow.").retry_after is None


def test_each_class_sets_its_own_attributes_and_inherits_the_rest():
    assert (errors.ReadOnly.status, errors.ReadOnly.code) == (403, "forbidden-query")
    assert issubclass(errors.ReadOnly, errors.InputError)
    assert (errors.BudgetError.status, errors.BudgetError.code) == (502, "budget")
    assert (errors.WriterBusy.status, errors.WriterBusy.code) == (409, "writer-busy")
    assert errors.QueueBusy.status == 503 and issubclass(errors.QueueBusy, errors.QueueFull)
    assert errors.Interrupted.exit_code == 1  # the demo's
    assert {c.exit_code for c in TREE if not issubclass(c, errors.DemoError)} == {2}
