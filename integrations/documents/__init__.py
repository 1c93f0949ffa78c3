"""Documents the office issues: licences and receipts as PDF (no imports from bot/ or dialogs/)."""
