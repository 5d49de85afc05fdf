"""Idempotent creates (stratus/objects/create_idempotency_key.py): a POST /servers
retried with the same Idempotency-Key answers the first create's server
instead of making a duplicate; per project; not kept for a create that
was answered 503."""
import concurrent.futures

KEY = {"Idempotency-Key": "boot-7f3a"}


def _body(api):
    return {"server": {"name": "vm", "flavorRef": "1",
                       "imageRef": api.first_image_id(), "networks": "none"}}


def _servers(api):
    return api.get("/servers?all_tenants=1")["servers"]


def test_a_retried_create_answers_the_first_server(api):
    first = api.request("POST", "/v2.1/servers", _body(api), headers=KEY)
    again = api.request("POST", "/v2.1/servers", _body(api), headers=KEY)
    assert (first.status_int, again.status_int) == (202, 202)
    assert again.json["server"]["id"] == first.json["server"]["id"]
    assert "adminPass" in first.json["server"]
    assert "adminPass" not in again.json["server"]
    assert again.headers["Location"] == first.headers["Location"]
    assert [s["id"] for s in _servers(api)] == [first.json["server"]["id"]]
    # Without the key, or with another one, a create is a new server.
    other = api.request("POST", "/v2.1/servers", _body(api),
                        headers={"Idempotency-Key": "boot-other"})
    plain = api.request("POST", "/v2.1/servers", _body(api))
    assert len({first.json["server"]["id"], other.json["server"]["id"],
                plain.json["server"]["id"]}) == 3


def test_keys_are_per_project(api):
    demo = api.as_user("demo:demo")
    mine = api.request("POST", "/v2.1/servers", _body(api), headers=KEY)
    theirs = demo.request("POST", "/v2.1/servers", _body(api), headers=KEY)
    assert mine.json["server"]["id"] != theirs.json["server"]["id"]


def test_simultaneous_twins_make_one_server(api):
    body = _body(api)
    with concurrent.futures.ThreadPoolExecutor(6) as pool:
        answers = list(pool.map(lambda _i: api.request(
            "POST", "/v2.1/servers", body, headers=KEY), range(6)))
    assert {answer.status_int for answer in answers} == {202}
    assert len({answer.json["server"]["id"] for answer in answers}) == 1
    assert len(_servers(api)) == 1


def test_a_key_longer_than_255_characters_is_refused(api):
    response = api.request("POST", "/v2.1/servers", _body(api),
                           headers={"Idempotency-Key": "k" * 256})
    assert response.status_int == 400
    assert "Idempotency-Key" in response.json["badRequest"]["message"]
    assert _servers(api) == []
