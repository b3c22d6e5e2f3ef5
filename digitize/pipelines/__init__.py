"""The orchestrators: each reads top to bottom like a recipe."""
