"""The Intake section: referrals sent to the clinic, from receipt to the first visit."""
