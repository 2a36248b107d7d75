"""Text guarded against running as a formula reads back as it was written."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from stepback.lib.tabular import guard_formula, unguard_formula


@pytest.mark.parametrize(
    ("text", "guarded"),
    [
        ("=SUM(A1)", "'=SUM(A1)"),
        ("-3 after the test", "'-3 after the test"),
        ("@home", "'@home"),
        ("'=typed with an apostrophe", "''=typed with an apostrophe"),
        ("'tis fine", "'tis fine"),
        ("plain", "plain"),
        ("", ""),
    ],
)
def test_it_guards_only_what_a_spreadsheet_would_run(text: str, guarded: str) -> None:
    assert guard_formula(text) == guarded
    assert unguard_formula(guarded) == text


@given(st.text(alphabet=st.sampled_from("'=+-@\tab"), max_size=8) | st.text(max_size=20))
def test_any_guarded_text_reads_back_as_itself(text: str) -> None:
    assert unguard_formula(guard_formula(text)) == text
    assert not guard_formula(text).startswith(("=", "+", "-", "@", "\t", "\r"))
