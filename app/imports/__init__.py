"""Imports of uploaded CSV files into contacts and organisations, run in the background."""
