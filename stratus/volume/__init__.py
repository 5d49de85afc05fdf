"""Block storage as the rest of Stratus sees it (docs/volumes.md).

- ``cinder``: the REST client of the block storage service (a real Cinder
  or the built-in one, `stratus volume`), over the Cinder v3 API only.
  ``CinderAPI.from_conf(conf, in_process_app=None)`` chooses the
  transport as the Neutron client does; stratus.api.volume_client makes
  it for processes that hold the API database. Every method takes the
  caller's RequestContext first and returns Cinder's documents (dicts);
  Cinder's errors become the Volume* exceptions of stratus.exception.
- ``store/``: the data layer of the built-in service (its tables are in
  the API database: stratus/db/volume_models.py); ``files``: its volume
  files; ``worker``: the pool that makes, copies, grows and deletes them
  in the background; ``exception``: its Cinder errors.

The built-in service's REST handlers are under stratus/api/volume/.
"""
