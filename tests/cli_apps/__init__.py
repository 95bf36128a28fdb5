"""Applications that ``wsgi-cors explain --app`` imports in the CLI tests."""
