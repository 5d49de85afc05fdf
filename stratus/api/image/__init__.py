"""The built-in Image service: the part of Glance v2 that the OpenStack
clients and Stratus use. Its REST handlers; its data layer is in
stratus.image (store, bootstrap)."""
