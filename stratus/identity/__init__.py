"""The data layer of the built-in Identity v3 service: users, projects,
roles and assignments (store), password hashes, Fernet tokens and their
revocation list, and the bootstrap accounts. Its REST handlers are in
stratus.api.identity."""
