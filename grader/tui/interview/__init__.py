"""The interviewer mode: its app (sessions, navigation) and its screens."""
