"""The third-party firm registry pages."""
