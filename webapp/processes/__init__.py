"""The administrators' process pages."""
