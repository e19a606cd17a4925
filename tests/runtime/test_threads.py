"""A parser is fed by one thread at a time, but its completed items may be taken by
another (a consumer handing them on): none may be lost or taken twice (issue 13)."""

from __future__ import annotations

import json
import sys
import threading
from collections.abc import Iterator

import pytest

from generated.meeting import MeetingInfoParser, User
from tests.helpers import fixed_chunks

COUNT = 3000
TEXT = json.dumps(
    {
        "users": [
            {"name": f"u{i}", "email": f"u{i}@x.io", "twitter": f"@u{i}"}
            for i in range(COUNT)
        ],
        "date": "d",
        "location": "l",
        "budget": 1,
        "deadline": "x",
    }
)


@pytest.fixture
def busy_switching() -> Iterator[None]:
    # Switch threads as often as CPython allows, so that a race shows up in a test run.
    before = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    yield
    sys.setswitchinterval(before)


@pytest.mark.parametrize("trial", range(8))
@pytest.mark.usefixtures("busy_switching")
def test_items_taken_on_another_thread_are_each_delivered_once(trial: int) -> None:
    parser = MeetingInfoParser()
    taken: list[User] = []
    done = threading.Event()

    def consume() -> None:
        while not done.is_set():
            taken.extend(parser.take_items(User))
        taken.extend(parser.take_items(User))

    consumer = threading.Thread(target=consume)
    consumer.start()
    for chunk in fixed_chunks(TEXT, 13 + trial):
        parser.push(chunk)
    parser.close()
    done.set()
    consumer.join()
    assert [u.name for u in taken] == [f"u{i}" for i in range(COUNT)]
