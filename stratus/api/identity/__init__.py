"""The built-in Identity v3 service (auth_strategy = builtin)."""
