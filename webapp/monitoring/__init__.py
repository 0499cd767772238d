"""Double monitoring pages: rounds, reports, fund actions, the task pages."""
