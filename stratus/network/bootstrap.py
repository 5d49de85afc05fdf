"""What the built-in network service needs before it serves
(idempotent): the cloud's default external network ``public``, owned by
the admin project, with the subnet ``[neutron] public_cidr`` (as
DevStack's), for routers' gateways, floating IPs and auto-allocated
topologies; and with it, once, the shared network ``private`` (``[neutron]
private_cidr``) joined to it by the router ``router1``, which servers
boot on when they name no network. Only the database side: no traffic leaves the machine
(docs/networking.md)."""
from stratus.network.store import topology

# The admin project's id where no identity service of Stratus's names
# it (noauth's admin:admin).
DEFAULT_ADMIN_PROJECT = "admin"


def _admin_project_id(conf, databases):
    if conf.api.auth_strategy != "builtin":
        return DEFAULT_ADMIN_PROJECT
    from stratus import exception
    from stratus.identity import store as identity_store
    from stratus.identity import tokens
    store = identity_store.IdentityStore(databases, tokens.Revocations(
        databases, conf.identity.token_expiration))
    try:
        return store.find_project("admin",
                                  identity_store.DEFAULT_DOMAIN.id).id
    except exception.NotFound:
        return DEFAULT_ADMIN_PROJECT


def ensure_public_network(conf, databases):
    if not conf.neutron.public_cidr:
        return
    topology.ensure_public_network(databases, conf.neutron.public_cidr,
                                   _admin_project_id(conf, databases),
                                   private_cidr=conf.neutron.private_cidr)
