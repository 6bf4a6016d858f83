"""Scorecard PDF and Excel tests: written next."""
