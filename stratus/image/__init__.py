"""The image service as Stratus uses it (stratus.image.client), and the
data layer of the built-in Image service (store, bootstrap); its REST
handlers are in stratus.api.image."""
