"""Link building behind a proxy ([api] compute_link_prefix)."""
import pytest

from stratus.api.compute import links


@pytest.mark.parametrize("url, prefix, expected", [
    ("http://10.0.0.1:8774", None, "http://10.0.0.1:8774"),
    ("http://10.0.0.1:8774/", "", "http://10.0.0.1:8774"),
    ("http://10.0.0.1:8774", "https://cloud.example.com",
     "https://cloud.example.com"),
    ("http://10.0.0.1:8774/v2.1/flavors", "https://cloud.example.com/compute/",
     "https://cloud.example.com/compute/v2.1/flavors"),
])
def test_with_prefix(url, prefix, expected):
    assert links.with_prefix(url, prefix) == expected
