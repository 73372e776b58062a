"""The clinician's home page: their own patients (issue 14)."""
