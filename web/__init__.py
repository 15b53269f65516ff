"""The web dashboard: set up, follow and review a meeting in the browser."""
