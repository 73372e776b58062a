"""How many rows one printed list holds (a small module: the list pages import it at start,
long before ReportLab is needed for printing)."""

from __future__ import annotations

from carecoord.ui.translation import translate

# The most rows one printed list holds: about 40 pages. Reading and setting more on the GUI
# thread (a whole 100,000-patient clinic) would freeze the window for minutes for a
# printout nobody reads; the list says so and asks for a narrower search.
PRINT_LIMIT = 1000


def limit_note(shown: int) -> str:
    """The filter line of a list cut at :data:`PRINT_LIMIT` rows."""
    return translate(
        "ListPrinting", "First {shown} rows only: narrow the search to print the others"
    ).format(shown=f"{shown:,}")
