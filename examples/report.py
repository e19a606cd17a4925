"""The progress-tracker seed: a report whose fields complete one after another."""

from pydantic import BaseModel


class Report(BaseModel):
    title: str
    summary: str
    conclusion: str
