"""The administrators' rule-settings page."""
