"""What moderation refuses, and why."""


class ModerationError(ValueError):
    """Something the data team or a head asked for that cannot be done: the message says why."""
