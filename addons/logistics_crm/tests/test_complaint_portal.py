"""Portal complaint tests: written next."""
