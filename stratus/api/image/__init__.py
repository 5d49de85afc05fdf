"""The built-in Image service: the part of Glance v2 that the OpenStack
clients and Stratus use."""
