"""Placeholder: being written (see the issue)."""


def register():
    """Nothing yet."""
