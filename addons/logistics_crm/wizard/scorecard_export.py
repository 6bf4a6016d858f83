"""Scorecard export wizard: written next."""
