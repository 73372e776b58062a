"""The UI kit: building blocks every screen shares (record tables, service dialogs).

Feature folders (chart, referrals, letters …) import these instead of each other.
"""
