"""The Textual practice app (`grader practice`)."""
