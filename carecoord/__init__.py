"""CareCoord: care coordination for multidisciplinary pain-management clinics."""

__version__ = "0.1.0"
