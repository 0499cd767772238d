"""Result application pages: rounds, proposals, final accounts, the task pages."""
