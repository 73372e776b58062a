"""The demo clinic: fictional patients built from clinical archetypes, written in bulk with
values computed by the clinical rules the services use (``carecoord.clinical``).

``fill_demo`` is the entry point (``carecoord demo``); ``check`` is the coherence checker
run on a filled database (``carecoord demo --check``). Layout: ``archetypes`` (what a
presentation brings), ``catalogue`` and ``texts`` (drugs, allergies, referral wording),
the builder's steps (``directory``, ``chart``, ``assessments``, ``plans``,
``referrals``, assembled in ``builder``), ``sink`` (bulk writes) and the later fills
(``workflow``, ``pain_drawings``, ``allergy``, ``monitoring``, ``document_review``).
"""

from carecoord.demo.common import DEMO_PASSWORD, DEMO_USERNAMES, report_pdf
from carecoord.demo.fill import DemoRefused, DemoSummary, fill_demo

__all__ = [
    "DEMO_PASSWORD",
    "DEMO_USERNAMES",
    "DemoRefused",
    "DemoSummary",
    "fill_demo",
    "report_pdf",
]
