"""Data layers of the built-in network service: one module per Neutron
resource, each a store over its tables in the API database
(stratus/db/network_models.py). Stores speak Neutron's field names: a
resource is a dict as the API shows it, before policy hides fields."""
