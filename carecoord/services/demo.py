"""Re-export of :mod:`carecoord.demo` for callers not yet moved (ui/app.py); new code
imports ``carecoord.demo`` directly."""

from carecoord.demo import DEMO_PASSWORD, DEMO_USERNAMES, DemoRefused, DemoSummary, fill_demo

__all__ = ["DEMO_PASSWORD", "DEMO_USERNAMES", "DemoRefused", "DemoSummary", "fill_demo"]
