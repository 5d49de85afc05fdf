"""Stratus: a compute cloud controller speaking the OpenStack Compute API."""
