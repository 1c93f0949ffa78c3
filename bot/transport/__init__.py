"""Transport: what arrives from LINE — verify, parse, de-duplicate, enqueue."""
