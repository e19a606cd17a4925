"""Long fuzz run of the stream parser (not part of the test suite).

    python scripts/fuzz.py --minutes 5            # all properties, time split evenly
    python scripts/fuzz.py --minutes 2 --property raw_value

Runs the properties of tests/runtime/robustness_support.py (the bounded versions run in
tests/runtime/test_robustness_fuzz.py) with hypothesis, batch after batch with fresh
random seeds, until the time is up. Nothing stops at the first finding: every broken
invariant is recorded, grouped by a normalized description, with the shortest input that
showed it. An exception that is not a documented `PartialgenError` is a finding too.

Invariants: only documented errors (carrying the last snapshot and all the text), no
snapshot value outside its declared type, snapshots never going backwards (well-formed
documents), verdict and value agreeing with `Model.model_validate_json`.

Exit status 1 when anything was found.
"""

from __future__ import annotations

import argparse
import collections
import re
import sys
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from tests.runtime.robustness_support import (
    PROPERTIES,
    Trial,
    generated_kinds,
)


@dataclass
class Finding:
    signature: str
    count: int = 0
    text: str = ""
    chunks: list[str] = field(default_factory=list)
    detail: str = ""


@dataclass
class Tally:
    examples: int = 0
    seconds: float = 0.0
    outcomes: collections.Counter[str] = field(default_factory=collections.Counter)
    findings: dict[str, Finding] = field(default_factory=dict)


def signature(problem: str) -> str:
    """Group findings: quoted text, numbers and offsets do not tell bugs apart."""
    problem = re.sub(r"'(?:[^'\\]|\\.)*'", "'…'", problem)
    problem = re.sub(r'"(?:[^"\\]|\\.)*"', '"…"', problem)
    problem = re.sub(r"\d+", "#", problem)
    return problem[:240]


def record(tally: Tally, text: str, chunks: list[str], problem: str) -> None:
    key = signature(problem)
    found = tally.findings.setdefault(key, Finding(key))
    found.count += 1
    if not found.text or len(text) < len(found.text):
        found.text, found.chunks, found.detail = text, chunks, problem


def run_batch(name: str, tally: Tally, examples: int) -> None:
    check = PROPERTIES[name]

    @settings(
        max_examples=examples,
        deadline=None,
        database=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(st.data())
    def body(data: Any) -> None:
        try:
            trial: Trial = check(data)
        except Exception as e:  # an undocumented exception: the worst finding
            tally.examples += 1
            record(
                tally,
                "",
                [],
                f"CRASH {type(e).__name__}: {e}\n{traceback.format_exc(limit=-4)}",
            )
            return
        tally.examples += 1
        outcome = trial.outcome
        tally.outcomes[
            "accepted" if outcome.accepted else type(outcome.error).__name__
        ] += 1
        for problem in trial.problems:
            record(tally, trial.text, trial.chunks, problem)

    body()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=5.0)
    parser.add_argument("--property", choices=sorted(PROPERTIES), action="append")
    parser.add_argument("--batch", type=int, default=200)
    args = parser.parse_args()
    names = args.property or list(PROPERTIES)
    generated_kinds()  # build the generated module before the clock starts
    budget = args.minutes * 60 / len(names)
    tallies: dict[str, Tally] = {}
    for name in names:
        tally = tallies[name] = Tally()
        start = time.monotonic()
        while time.monotonic() - start < budget:
            run_batch(name, tally, args.batch)
        tally.seconds = time.monotonic() - start
        print(
            f"{name}: {tally.examples} examples in {tally.seconds:.0f} s, "
            f"{len(tally.findings)} distinct findings; outcomes: "
            + ", ".join(f"{k} {v}" for k, v in tally.outcomes.most_common()),
            flush=True,
        )
    total = sum(t.examples for t in tallies.values())
    findings = [(n, f) for n, t in tallies.items() for f in t.findings.values()]
    print(f"\ntotal: {total} examples, {len(findings)} distinct findings")
    for name, found in sorted(findings, key=lambda nf: -nf[1].count):
        print(f"\n[{name}] x{found.count}: {found.detail}")
        if found.text:
            print(f"  shortest input ({len(found.text)} chars): {found.text!r}")
            print(f"  chunks: {found.chunks!r}"[:400])
    return 1 if findings else 0


if __name__ == "__main__":
    sys.exit(main())
