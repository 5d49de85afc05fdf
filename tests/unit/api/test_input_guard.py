"""The input guard's parts that need no API around them."""
import pytest
import webob

from stratus.api import errors
from stratus.api import input_guard
from stratus import exception


@pytest.mark.parametrize("text,depth", [
    ("1", 0), ("[]", 1), ('{"a": [1, {"b": []}]}', 4),
    ('["[[[[", "]]]]"]', 1),            # brackets in strings do not count
    ('["\\"[[[", {"k\\\\": [1]}]', 3),  # nor escaped quotes end a string
    ("[" * 5000, 5000),                 # no recursion, however deep
])
def test_json_depth(text, depth):
    assert input_guard.json_depth(text) == depth


@pytest.mark.parametrize("body", [
    b"[" * 65 + b"]" * 65, b'{"a": NaN}', b"[Infinity]", b"[-Infinity]",
    b'{"a": "\\u0000"}', b"\xff", b"{", b"9" * 5000])
def test_what_is_not_a_request_document(body):
    with pytest.raises(exception.Invalid):
        input_guard.parse_json(body)


def test_a_document_64_deep_is_one():
    assert input_guard.parse_json(b"[" * 64 + b"]" * 64) is not None


@pytest.mark.parametrize("value,number", [
    ("0", 0), ("42", 42), ("2147483647", 2147483647), ("2147483648", None),
    ("99999999999999999999", None), ("-1", None), ("1e3", None),
    ("\u0661\u0662", None), ("", None), (" 1", None)])
def test_int_id(value, number):
    assert input_guard.int_id(value) == number


@pytest.mark.parametrize("environ", [
    {"PATH_INFO": "/servers/\xff"}, {"QUERY_STRING": "tags=%FF"},
    {"QUERY_STRING": "%C0%AF=1"}, {"PATH_INFO": "/a\x00"},
    {"QUERY_STRING": "name=%00"}])
def test_urls_that_are_refused(environ):
    with pytest.raises(errors.HTTPError) as caught:
        input_guard.check_url(dict(environ))
    assert caught.value.code == 400


def test_a_refused_path_is_made_readable():
    environ = {"PATH_INFO": "/servers/\xff"}
    with pytest.raises(errors.HTTPError):
        input_guard.check_url(environ)
    environ["PATH_INFO"].encode("latin-1").decode("utf-8")


def test_messages_are_truncated():
    assert errors.truncate("x" * 10, 10) == "x" * 10
    assert errors.truncate("x" * 25, 10) == "x" * 10 + "... (15 more characters)"
    status, message = errors.status_and_message(
        errors.bad_request("n" * 100000))
    assert status == 400 and len(message) < 1100


def test_headers_beyond_latin1_are_percent_encoded():
    response = webob.Response()
    response.headers["Location"] = "http://h/v2.1/servers/1/tags/\u540d x"
    response.headers["X-Plain"] = "caf\xe9"
    input_guard.latin1_headers(response)
    assert response.headers["Location"] == (
        "http://h/v2.1/servers/1/tags/%E5%90%8D x")
    assert response.headers["X-Plain"] == "caf\xe9"
