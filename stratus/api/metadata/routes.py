"""The metadata API on one screen: URL -> {METHOD: handler}.

Guests ask without credentials; the instance is the one whose fixed IP
the request comes from (see app.py). The OpenStack tree comes before the
EC2 tree, whose first segment is any version.
"""
ROUTES = {
    "/": {"GET": "ec2:list_versions"},
    "/openstack": {"GET": "openstack:list_versions"},
    "/openstack/{version}": {"GET": "openstack:list_files"},
    "/openstack/{version}/{name}": {"GET": "openstack:show_file",
                                    "POST": "openstack:post_file"},
    "/{version}": {"GET": "ec2:show_tree"},
    "/{version}/{a}": {"GET": "ec2:show_tree"},
    "/{version}/{a}/{b}": {"GET": "ec2:show_tree"},
    "/{version}/{a}/{b}/{c}": {"GET": "ec2:show_tree"},
    "/{version}/{a}/{b}/{c}/{d}": {"GET": "ec2:show_tree"},
}
