"""Referrals: the editor with its workflow buttons, the front desk's worklist, report filing."""
