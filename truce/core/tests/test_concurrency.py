import pytest

from truce.core.concurrency import version_from_form, version_from_if_match
from truce.core.errors import PreconditionFailed, PreconditionRequired


def test_if_match_parsing():
    assert version_from_if_match('W/"7-3"', pk=7) == 3
    assert version_from_if_match('"7-12"', pk=7) == 12


@pytest.mark.parametrize("header", ['"8-3"', "garbage", 'W/"7-x"'])
def test_if_match_for_another_object_or_garbage_is_412(header):
    with pytest.raises(PreconditionFailed):
        version_from_if_match(header, pk=7)


@pytest.mark.parametrize("header", [None, ""])
def test_missing_if_match_is_428(header):
    with pytest.raises(PreconditionRequired):
        version_from_if_match(header, pk=7)


def test_form_version():
    assert version_from_form("4") == 4
    with pytest.raises(PreconditionRequired):
        version_from_form("")
