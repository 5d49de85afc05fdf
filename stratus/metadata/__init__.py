"""What a guest learns about itself, outside the REST layer: the metadata
API (``stratus.api.metadata``) serves it and the drivers' config drives
(``stratus.virt.configdrive``) carry it, both from ``content``."""
