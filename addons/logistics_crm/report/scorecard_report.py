"""PDF customer scorecard: written next."""
