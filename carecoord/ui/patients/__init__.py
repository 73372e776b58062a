"""Patients: the searchable list, the registration form and discharge."""
