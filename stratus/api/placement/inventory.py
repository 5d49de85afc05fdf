"""/resource_providers/{uuid}/inventories[/{resource_class}]."""
from stratus.api.placement import util
from stratus.api.schemas import placement as schemas
from stratus.api import wsgi
from stratus.placement import exception
from stratus.placement import providers

_FIELDS = ("total", "reserved", "min_unit", "max_unit", "step_size",
           "allocation_ratio")


def _inventory_view(inventory):
    return {name: getattr(inventory, name) for name in _FIELDS}


def inventory_from_body(req, class_name, data):
    inventory = providers.Inventory(
        total=data["total"], reserved=data.get("reserved", 0),
        min_unit=data.get("min_unit", 1),
        max_unit=data.get("max_unit", providers.MAX_INT),
        step_size=data.get("step_size", 1),
        allocation_ratio=float(data.get("allocation_ratio", 1.0)))
    # 1.26 lets reserved equal total (a provider taken out of service).
    too_small = (inventory.capacity < 0 if util.wants(req, 26)
                 else inventory.capacity <= 0)
    if too_small or inventory.reserved > inventory.total:
        raise util.http_error(400, "Unable to update inventory for resource "
                              "provider: Invalid inventory for '%s': "
                              "capacity must be greater than %s (reserved "
                              "%s of %s)." % (
                                  class_name,
                                  "or equal to 0" if util.wants(req, 26)
                                  else "0",
                                  inventory.reserved, inventory.total))
    if inventory.min_unit > inventory.max_unit:
        raise util.http_error(400, "Unable to update inventory for resource "
                              "provider: min_unit (%d) must be less than or "
                              "equal to max_unit (%d) for %s." % (
                                  inventory.min_unit, inventory.max_unit,
                                  class_name))
    return inventory


def check_class(req, class_name):
    from stratus.placement import resource_classes
    if not resource_classes.class_exists(req.context, class_name):
        raise util.http_error(400, "Unknown resource class in inventory "
                              "for resource provider: %s" % class_name)


def _inventories_response(req, inventories, generation, status=200):
    return wsgi.json_response(req, {
        "inventories": {name: _inventory_view(inventory)
                        for name, inventory in inventories.items()},
        "resource_provider_generation": generation}, status=status)


def _one_response(req, uuid, class_name, inventory, generation, status=200):
    body = dict(_inventory_view(inventory),
                resource_provider_generation=generation)
    headers = {}
    if status == 201:
        headers["Location"] = util.link(
            req, "/resource_providers/%s/inventories/%s" % (uuid, class_name))
        body["resource_class"] = class_name
    return wsgi.json_response(req, body, status=status, headers=headers)


def get_inventories(req, uuid):
    req.authorize("placement:resource_providers:inventories:list")
    inventories, generation = providers.provider_inventories(
        req.context, util.normalize_uuid(uuid))
    return _inventories_response(req, inventories, generation)


def create_inventory(req, uuid):
    req.authorize("placement:resource_providers:inventories:create")
    uuid = util.normalize_uuid(uuid)
    data = util.json_body(req, schemas.POST_INVENTORY)
    class_name = data["resource_class"]
    providers.get_provider(req.context, uuid)
    check_class(req, class_name)
    inventory = inventory_from_body(req, class_name, data)
    generation = providers.change_inventory(req.context, uuid, class_name,
                                            inventory, must_exist=False)
    return _one_response(req, uuid, class_name, inventory, generation, 201)


def set_inventories(req, uuid):
    req.authorize("placement:resource_providers:inventories:update")
    uuid = util.normalize_uuid(uuid)
    data = util.json_body(req, schemas.PUT_INVENTORIES)
    providers.get_provider(req.context, uuid)
    inventories = {}
    for class_name, fields in data["inventories"].items():
        check_class(req, class_name)
        inventories[class_name] = inventory_from_body(req, class_name,
                                                       fields)
    generation = providers.set_inventories(
        req.context, uuid, inventories,
        generation=data["resource_provider_generation"])
    return _inventories_response(req, inventories, generation)


def delete_inventories(req, uuid):
    req.authorize("placement:resource_providers:inventories:delete")
    if not util.wants(req, 5):
        raise util.http_error(405, "The method DELETE is not allowed for "
                              "this resource.")
    providers.set_inventories(req.context, util.normalize_uuid(uuid), {})
    return wsgi.empty_response(req)


def get_inventory(req, uuid, resource_class):
    req.authorize("placement:resource_providers:inventories:show")
    uuid = util.normalize_uuid(uuid)
    inventory, generation = providers.get_inventory(req.context, uuid,
                                                    resource_class)
    return _one_response(req, uuid, resource_class, inventory, generation)


def update_inventory(req, uuid, resource_class):
    req.authorize("placement:resource_providers:inventories:update")
    uuid = util.normalize_uuid(uuid)
    data = util.json_body(req, schemas.PUT_INVENTORY)
    providers.get_provider(req.context, uuid)
    check_class(req, resource_class)
    inventory = inventory_from_body(req, resource_class, data)
    try:
        generation = providers.change_inventory(
            req.context, uuid, resource_class, inventory,
            generation=data["resource_provider_generation"], must_exist=True)
    except exception.InventoryNotFound as exc:
        raise util.http_error(400, exc.format_message())
    return _one_response(req, uuid, resource_class, inventory, generation)


def delete_inventory(req, uuid, resource_class):
    req.authorize("placement:resource_providers:inventories:delete")
    try:
        providers.change_inventory(req.context, util.normalize_uuid(uuid),
                                   resource_class, None)
    except exception.ResourceClassNotFound:
        raise exception.InventoryNotFound(resource_class=resource_class,
                                          provider=uuid)
    return wsgi.empty_response(req)
