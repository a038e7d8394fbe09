"""The practice app: its app (navigation, recording attempts) and its screens."""
