"""Use cases: validate, authorise, change, audit, commit; return plain data.

Every read or change of patient information enters through a function here that takes
the acting user, checks the permission matrix and writes an audit event.
"""
