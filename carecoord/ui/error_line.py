"""The look of the red error line under a field.

Its own small module below both :mod:`carecoord.ui.forms` and
:mod:`carecoord.ui.date_field`: the date field draws its own error line, and the form
helpers build on the date field, so the shared style cannot live in either of them.
"""

from __future__ import annotations

from carecoord.ui.style import fg


def error_style() -> str:
    """The style of an error line beside a field (red that reads on this palette)."""
    return f"color: {fg('danger')}; font-size: 11px;"
