"""Pieces of the Identity v3 response schemas (Keystone's API reference):
links, collections, references to domains, projects and roles, and the
entries of routes without microversions."""
from stratus.api.schemas.responses import common as c

string = c.string
nullable_string = c.nullable_string
boolean = c.boolean
obj = c.obj
wrap = c.wrap
array_of = c.array_of
options = {"type": "object"}
tags = c.array_of(c.string)
# Keystone's times: 2015-11-09T01:42:57.527363Z
datetime = c.datetime
self_link = c.obj({"self": c.string})
collection_links = c.obj({"self": c.string, "previous": c.nullable_string,
                          "next": c.nullable_string})
domain_ref = c.obj({"id": c.string, "name": c.string})


def collection(key, item):
    """{key: [item], "links": {self, previous, next}}."""
    return c.obj({key: c.array_of(item), "links": collection_links})


def one(status, schema):
    return c.one(status, schema, low=None)


def none(status=204):
    return c.none(status, low=None)
