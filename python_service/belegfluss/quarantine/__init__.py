"""Quarantine: tickets for everything that could not go through, and their way back in."""
