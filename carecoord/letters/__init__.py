"""Letters and printable documents: plain data in, PDF bytes out (ReportLab)."""
