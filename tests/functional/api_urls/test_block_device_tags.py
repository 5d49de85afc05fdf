"""Block device tags: accepted at 2.32, refused from 2.33 to 2.41 (Nova
took them back), accepted again from 2.42."""
def _body(image, version):
    server = {"name": "tagged", "flavorRef": "1", "imageRef": image,
              "block_device_mapping_v2": [{
                  "uuid": image, "source_type": "image",
                  "destination_type": "local", "boot_index": 0,
                  "delete_on_termination": True, "tag": "root"}]}
    if version >= (2, 37):
        server["networks"] = "none"
    return {"server": server}


def test_block_device_tag_by_microversion(api):
    image = api.first_image_id()
    for version, status in (("2.31", 400), ("2.32", 202), ("2.33", 400),
                            ("2.36", 400),
                            ("2.41", 400), ("2.42", 202)):
        parsed = tuple(int(part) for part in version.split("."))
        response = api.request("POST", "/v2.1/servers", _body(image, parsed),
                               version=version)
        assert response.status_int == status, (version, response.text)
        if status == 400:
            assert "tag" in response.json["badRequest"]["message"]
