"""Finding Glance in a service catalog, in both shapes a context has it."""
from stratus.image import client

V3 = [{"type": "identity", "endpoints": [
          {"interface": "public", "url": "http://keystone/v3"}]},
      {"type": "image", "endpoints": [
          {"interface": "public", "region": "RegionOne",
           "url": "http://public:9292"},
          {"interface": "internal", "region": "RegionOne",
           "url": "http://internal:9292"},
          {"interface": "internal", "region": "RegionTwo",
           "url": "http://two:9292"}]}]
# keystonemiddleware's X-Service-Catalog: one endpoint per region.
MIDDLEWARE = [{"type": "image", "endpoints": [
    {"region": "RegionOne", "publicURL": "http://public:9292",
     "internalURL": "http://internal:9292"},
    {"region": "RegionTwo", "internalURL": "http://two:9292"}]}]


def test_interfaces_in_order_of_preference():
    for catalog in (V3, MIDDLEWARE):
        assert client.image_endpoint(catalog, ["internal", "public"]) == (
            "http://internal:9292")
        assert client.image_endpoint(catalog, ["public", "internal"]) == (
            "http://public:9292")
        assert client.image_endpoint(catalog, ["admin"]) is None


def test_region():
    for catalog in (V3, MIDDLEWARE):
        assert client.image_endpoint(catalog, ["internal"], "RegionTwo") == (
            "http://two:9292")
        assert client.image_endpoint(catalog, ["public"], "RegionTwo") is None


def test_no_image_service_or_junk():
    for catalog in ([], None, V3[:1], [None, "x", {"type": "image"}],
                    [{"type": "image", "endpoints": [None, {}]}]):
        assert client.image_endpoint(catalog, ["public"]) is None
