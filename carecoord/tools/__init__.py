"""Developer tools run from a checkout (``python -m carecoord.tools.…``), never by the app.

Nothing else in ``carecoord`` imports this package (an import-linter contract keeps it so):
tools may read the product's code, the product never depends on a tool.
"""
