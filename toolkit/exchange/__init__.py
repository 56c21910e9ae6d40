"""Import and export of response data."""
