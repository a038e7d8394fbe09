"""The practice app's screens."""
