"""The rectification ledger pages."""
