"""The Placement API: one handler module per noun, routes in routes.py."""
