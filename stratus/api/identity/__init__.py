"""The built-in Identity v3 service (auth_strategy = builtin): its REST
handlers; its data layer is stratus.identity."""
