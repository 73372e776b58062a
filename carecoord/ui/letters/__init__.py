"""Referral letters in the desktop app: choosing contents, previewing, printing, batches.

Import from the modules themselves (``carecoord.ui.letters.preview`` …): this package file
imports nothing, so the referral screens and the letter screens never load each other
half-way.
"""
