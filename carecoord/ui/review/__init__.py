"""The clinician's review inbox (reports to read and acknowledge)."""
