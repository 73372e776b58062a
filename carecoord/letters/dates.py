"""Re-export of :mod:`carecoord.dates` for the callers that import the letter date formats
from here (the formats moved below ``clinical`` and ``letters`` so neither imports the other).
"""

from carecoord.dates import DATE_FORMATS, DEFAULT_DATE_FORMAT, format_date, long_date

__all__ = ["DATE_FORMATS", "DEFAULT_DATE_FORMAT", "format_date", "long_date"]
