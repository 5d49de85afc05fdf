import pytest

from stratus.scheduler.filters import extra_specs_ops


@pytest.mark.parametrize("value,requirement,expected", [
    ("1", "1", True), ("1", "2", False), ("kvm", "kvm", True),
    ("123", "= 123", True), ("124", "= 123", True), ("122", "= 123", False),
    ("12", "== 12", True), ("12.0", "== 12", True), ("13", "== 12", False),
    ("12", "!= 13", True), ("12", "!= 12", False),
    ("12", ">= 12", True), ("11", ">= 12", False),
    ("12", "<= 12", True), ("13", "<= 12", False),
    ("abc", "= 12", False), ("abc", ">= 1", False),
    ("12311321", "<in> 11", True), ("12311321", "<in> 44", False),
    ("avx avx2 sse", "<all-in> avx2 sse", True),
    ("avx sse", "<all-in> avx2 sse", False),
    ("kvm", "<or> qemu <or> kvm", True), ("xen", "<or> qemu <or> kvm", False),
    ("kvm", "<or>", False),
    ("abc", "s== abc", True), ("abd", "s== abc", False),
    ("abc", "s!= abd", True), ("abc", "s!= abc", False),
    ("a", "s< b", True), ("b", "s< b", False),
    ("b", "s<= b", True), ("c", "s<= b", False),
    ("c", "s> b", True), ("b", "s> b", False),
    ("b", "s>= b", True), ("a", "s>= b", False),
    ("12", ">=", False), (None, "s== x", False),
])
def test_operators(value, requirement, expected):
    assert extra_specs_ops.match(value, requirement) is expected
