"""Issuing goals with the budget (批复) and the congress's inquiries."""
