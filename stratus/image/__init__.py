"""The image service as Stratus uses it (stratus.image.client)."""
