"""Citizen-facing web pages reached from LINE links: the bill payment page, the printable bill, licence PDFs."""
