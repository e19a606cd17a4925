"""The async seed: a user with a literal category, the classic mid-stream crash."""

from typing import Literal

from pydantic import BaseModel


class User(BaseModel):
    name: str
    age: int
    category: Literal["admin", "user", "guest"]
