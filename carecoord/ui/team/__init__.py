"""The team directory: clinicians the clinic works with, inside and outside."""
