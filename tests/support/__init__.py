"""Reusable test helpers: SMTP sink, throwaway PostgreSQL, live gunicorn, browser checks."""
