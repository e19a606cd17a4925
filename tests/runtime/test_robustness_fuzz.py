"""Robustness, part 3: bounded property-based fuzzing (the long run is scripts/fuzz.py).

Properties, whatever the input and the chunking:

* only documented errors (`InvalidOutputError` and subclasses from `feed`,
  `IncompleteOutputError` or the same sticky error from `close`), each carrying the
  last snapshot and all the received text;
* every snapshot, and the one an error carries, holds values of its declared types;
* for well-formed documents, snapshots never go backwards;
* the verdict and the value agree with `Model.model_validate_json` (where partialgen
  accepts a text pydantic rejects as a whole, pydantic must accept the root alone:
  docs/streaming.md skips text around the root).

The inputs: random `Kinds` documents mixing plausible and arbitrary JSON values with
random formatting; the same with one to three characters inserted, deleted or replaced
(control characters, surrogates, a BOM, brackets, quotes, backslashes...); arbitrary
JSON-ish text as a value typed `Any`. Examples are derandomized: the same inputs on
every run of the same test files (hypothesis also mixes in constants it finds in the
loaded modules, so running this file alone draws other inputs); scripts/fuzz.py
explores with fresh seeds.
"""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.runtime.robustness_support import (
    check_mutated_document,
    check_random_document,
    check_raw_value,
    generated_kinds,
)

generated_kinds()  # built before hypothesis times the first example

BOUNDED = settings(
    max_examples=150,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@BOUNDED
@given(st.data())
def test_random_documents_in_random_chunkings(data: st.DataObject) -> None:
    trial = check_random_document(data)
    assert not trial.problems, trial.problems


@BOUNDED
@given(st.data())
def test_mutated_documents_in_random_chunkings(data: st.DataObject) -> None:
    trial = check_mutated_document(data)
    assert not trial.problems, trial.problems


@BOUNDED
@given(st.data())
def test_arbitrary_text_as_a_value_typed_any(data: st.DataObject) -> None:
    trial = check_raw_value(data)
    assert not trial.problems, trial.problems
