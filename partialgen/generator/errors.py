"""Errors of the build step; the CLI turns them into exit code 2 with the message."""


class GeneratorError(Exception):
    """A model, field or type the generator cannot handle, named precisely."""
