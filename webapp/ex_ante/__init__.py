"""The ex-ante assessment pages: the list, one assessment, applying, its task pages."""
