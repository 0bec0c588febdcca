"""The one exception type for input a person got wrong.

Everything a user can type or load is checked against the rules below and refused with a `SpecError` that
names the field (or file row) and what is allowed. The CLI prints `str(error)` as its single line and exits
2; the app shows it inline. Any other exception is a bug in ml101.
"""


class SpecError(ValueError):
    """Bad input: `field` names what was wrong, `message` says what is allowed."""

    def __init__(self, field: str, message: str):
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


class DivergedError(ArithmeticError):
    """Training produced NaN or infinity; the message says what to try."""
