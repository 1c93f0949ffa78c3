"""The officers' JSON API under /api/v1 (issue 12): thin handlers over bot/office services."""
