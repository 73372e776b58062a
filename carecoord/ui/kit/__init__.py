"""The UI kit: building blocks every screen shares (record tables, service dialogs, the
referral action controller and its prompts, marking a letter sent, the score series).

Feature folders (chart, referrals, letters …) import these instead of each other; the kit
imports no feature folder.
"""
