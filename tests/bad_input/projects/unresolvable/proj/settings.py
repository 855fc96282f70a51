"""Settings of a project whose requirements do not resolve."""
