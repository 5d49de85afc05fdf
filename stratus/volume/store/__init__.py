"""The data layer of the built-in block storage service (tables in
stratus/db/volume_models.py): the only SQL of the service. Stores take a
RequestContext where visibility matters and return plain dicts; every
status change is a compare-and-set on the row, so two racing requests
never both win."""
