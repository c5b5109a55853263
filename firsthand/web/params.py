"""Ids from query strings and forms, read one way: a row id the database can hold, or nothing.

`"12".isdigit()` is not enough: "²" passes it and int() refuses it, and "99999999999999999999" passes both
and then overflows SQLite's and PostgreSQL's 64-bit integers inside the query: each was an HTTP 500.
"""

from django import forms

MAX_ID = 2**63 - 1  # the largest SQLite INTEGER and PostgreSQL bigint


def an_id(value, *, zero: bool = False) -> int | None:
    """The id written in `value`, or None when it is not one (not digits, too large, or 0 unless `zero`:
    "nothing yet", as a page's marks of what it has seen say)."""
    if not isinstance(value, str) or not (value.isascii() and value.isdigit()):
        return None
    number = int(value)
    return number if (0 if zero else 1) <= number <= MAX_ID else None


def page_number(value, *, last: int = 9_999) -> int:
    """The page of a list asked for, or the first: an id's digits, no further than `last`."""
    number = an_id(value)
    return number if number is not None and number <= last else 1


def ids(values) -> list[int]:
    """The ids among `values` (a form's getlist), in order, the rest left out."""
    return [number for number in map(an_id, values) if number is not None]


class IdConverter:
    """<id:...> in URL patterns: <int:...> matches any run of digits, and one too large for the database
    then overflowed inside the query (HTTP 500); here it matches nothing, so the address is a 404."""

    regex = "[0-9]{1,19}"

    def to_python(self, value: str) -> int:
        number = an_id(value, zero=True)
        if number is None:
            raise ValueError("not an id")  # Django: this pattern does not match
        return number

    def to_url(self, value) -> str:
        return str(int(value))


class IdsField(forms.ModelMultipleChoiceField):
    """ModelMultipleChoiceField whose every value must be an id first: Django's own catches ValueError
    but not the OverflowError a too-large one raises inside the query."""

    def _check_values(self, value):
        wrong = [v for v in value if an_id(str(v)) is None]
        if wrong:
            raise forms.ValidationError(
                self.error_messages["invalid_pk_value"], code="invalid_pk_value", params={"pk": wrong[0]}
            )
        return super()._check_values(value)
