"""The leaders' dashboard: panels of charts drillable to section, unit and project."""
