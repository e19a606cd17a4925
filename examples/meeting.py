"""The meeting-extraction seed: people in a meeting and its logistics."""

from pydantic import BaseModel


class User(BaseModel):
    name: str
    email: str
    twitter: str


class MeetingInfo(BaseModel):
    users: list[User]
    date: str
    location: str
    budget: int
    deadline: str
