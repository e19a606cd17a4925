"""The profile seed: a person's name, a short bio and their interests."""

from pydantic import BaseModel


class UserProfile(BaseModel):
    name: str
    bio: str
    interests: list[str]
