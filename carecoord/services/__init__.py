"""Use cases: validate, authorise, change, audit, commit; return plain data.

Every read or change of patient information enters through a function here that takes
the acting user, checks the permission matrix and writes an audit event.
"""

# Registers the session hooks that keep the dashboard's summary current in every commit.
from carecoord.services import dashboard_summary as _dashboard_summary  # noqa: F401
