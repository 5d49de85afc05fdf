"""Tables of the API database: everything that is global to the cloud.

Placement's tables live here too (see DESIGN.md), as do the built-in
identity and image services' tables.
"""
import sqlalchemy as sa
from sqlalchemy import orm

from stratus.db.types import JsonText, MediumText, UTCDateTime, utcnow


class Base(orm.DeclarativeBase):
    pass


class Timestamps:
    created_at = sa.Column(UTCDateTime, default=utcnow)
    updated_at = sa.Column(UTCDateTime, onupdate=utcnow)


# Cells and mappings ------------------------------------------------------

class CellMapping(Timestamps, Base):
    __tablename__ = "cell_mappings"
    __table_args__ = (sa.UniqueConstraint("uuid", name="uniq_cell_mappings0uuid"),)
    id = sa.Column(sa.Integer, primary_key=True)
    uuid = sa.Column(sa.String(36), nullable=False)
    name = sa.Column(sa.String(255))
    transport_url = sa.Column(sa.Text())
    database_connection = sa.Column(sa.Text())
    disabled = sa.Column(sa.Boolean, nullable=False, default=False)


class HostMapping(Timestamps, Base):
    __tablename__ = "host_mappings"
    __table_args__ = (sa.UniqueConstraint("host", name="uniq_host_mappings0host"),)
    id = sa.Column(sa.Integer, primary_key=True)
    cell_id = sa.Column(sa.Integer, sa.ForeignKey("cell_mappings.id"), nullable=False)
    host = sa.Column(sa.String(255), nullable=False)


class InstanceMapping(Timestamps, Base):
    __tablename__ = "instance_mappings"
    __table_args__ = (
        sa.UniqueConstraint("instance_uuid", name="uniq_instance_mappings0instance_uuid"),
        sa.Index("instance_mappings_project_id_idx", "project_id"),
    )
    id = sa.Column(sa.Integer, primary_key=True)
    instance_uuid = sa.Column(sa.String(36), nullable=False)
    cell_id = sa.Column(sa.Integer, sa.ForeignKey("cell_mappings.id"), nullable=True)
    project_id = sa.Column(sa.String(255), nullable=False)
    user_id = sa.Column(sa.String(255), nullable=False)
    queued_for_delete = sa.Column(sa.Boolean, default=False, nullable=False)


class BuildRequest(Timestamps, Base):
    __tablename__ = "build_requests"
    __table_args__ = (
        sa.UniqueConstraint("instance_uuid", name="uniq_build_requests0instance_uuid"),
        sa.Index("build_requests_project_id_idx", "project_id"),
    )
    id = sa.Column(sa.Integer, primary_key=True)
    instance_uuid = sa.Column(sa.String(36), nullable=False)
    project_id = sa.Column(sa.String(255), nullable=False)
    # The serialized Instance object, as the API would show it before the
    # server reaches its cell.
    instance = sa.Column(MediumText)
    block_device_mappings = sa.Column(MediumText)
    tags = sa.Column(sa.Text())



class CreateIdempotencyKey(Timestamps, Base):
    """A create's Idempotency-Key header (beyond Nova): a retry with the
    same key in the same project within a day answers the first create's
    server instead of making another (stratus/objects/create_idempotency_key.py)."""
    __tablename__ = "create_idempotency_keys"
    __table_args__ = (
        sa.UniqueConstraint("project_id", "idempotency_key",
                            name="uniq_create_idempotency_keys0project_key"),
        sa.Index("create_idempotency_keys_instance_uuid_idx",
                 "instance_uuid"),
    )
    id = sa.Column(sa.Integer, primary_key=True)
    project_id = sa.Column(sa.String(255), nullable=False)
    idempotency_key = sa.Column(sa.String(255), nullable=False)
    instance_uuid = sa.Column(sa.String(36), nullable=False)
    reservation_id = sa.Column(sa.String(255), nullable=False)

class RequestSpec(Timestamps, Base):
    __tablename__ = "request_specs"
    __table_args__ = (
        sa.UniqueConstraint("instance_uuid", name="uniq_request_specs0instance_uuid"),)
    id = sa.Column(sa.Integer, primary_key=True)
    instance_uuid = sa.Column(sa.String(36), nullable=False)
    spec = sa.Column(MediumText, nullable=False)


# Flavors and keypairs ----------------------------------------------------

class Flavor(Timestamps, Base):
    __tablename__ = "flavors"
    __table_args__ = (
        sa.UniqueConstraint("flavorid", name="uniq_flavors0flavorid"),
        sa.UniqueConstraint("name", name="uniq_flavors0name"),
    )
    id = sa.Column(sa.Integer, primary_key=True)
    name = sa.Column(sa.String(255), nullable=False)
    flavorid = sa.Column(sa.String(255), nullable=False)
    memory_mb = sa.Column(sa.Integer, nullable=False)
    vcpus = sa.Column(sa.Integer, nullable=False)
    root_gb = sa.Column(sa.Integer, nullable=False, default=0)
    ephemeral_gb = sa.Column(sa.Integer, nullable=False, default=0)
    swap = sa.Column(sa.Integer, nullable=False, default=0)
    rxtx_factor = sa.Column(sa.Float, default=1.0)
    vcpu_weight = sa.Column(sa.Integer)
    disabled = sa.Column(sa.Boolean, default=False)
    is_public = sa.Column(sa.Boolean, default=True)
    description = sa.Column(sa.Text())


class FlavorExtraSpec(Timestamps, Base):
    __tablename__ = "flavor_extra_specs"
    __table_args__ = (
        sa.UniqueConstraint("flavor_id", "key", name="uniq_flavor_extra_specs0flavor_id0key"),)
    id = sa.Column(sa.Integer, primary_key=True)
    flavor_id = sa.Column(sa.Integer, sa.ForeignKey("flavors.id", ondelete="CASCADE"),
                          nullable=False)
    key = sa.Column(sa.String(255), nullable=False)
    value = sa.Column(sa.String(255))


class FlavorProject(Timestamps, Base):
    __tablename__ = "flavor_projects"
    __table_args__ = (
        sa.UniqueConstraint("flavor_id", "project_id", name="uniq_flavor_projects0flavor_id0project_id"),)
    id = sa.Column(sa.Integer, primary_key=True)
    flavor_id = sa.Column(sa.Integer, sa.ForeignKey("flavors.id", ondelete="CASCADE"),
                          nullable=False)
    project_id = sa.Column(sa.String(255), nullable=False)


class KeyPair(Timestamps, Base):
    __tablename__ = "key_pairs"
    __table_args__ = (
        sa.UniqueConstraint("user_id", "name", name="uniq_key_pairs0user_id0name"),)
    id = sa.Column(sa.Integer, primary_key=True)
    name = sa.Column(sa.String(255), nullable=False)
    user_id = sa.Column(sa.String(255), nullable=False)
    fingerprint = sa.Column(sa.String(255))
    public_key = sa.Column(sa.Text())
    type = sa.Column(sa.String(16), nullable=False, default="ssh")


# Quotas -----------------------------------------------------------------

class Quota(Timestamps, Base):
    __tablename__ = "quotas"
    __table_args__ = (
        sa.UniqueConstraint("project_id", "resource", name="uniq_quotas0project_id0resource"),)
    id = sa.Column(sa.Integer, primary_key=True)
    project_id = sa.Column(sa.String(255), nullable=False)
    resource = sa.Column(sa.String(255), nullable=False)
    hard_limit = sa.Column(sa.Integer)


class ProjectUserQuota(Timestamps, Base):
    __tablename__ = "project_user_quotas"
    __table_args__ = (
        sa.UniqueConstraint("user_id", "project_id", "resource",
                            name="uniq_project_user_quotas0user_id0project_id0resource"),)
    id = sa.Column(sa.Integer, primary_key=True)
    user_id = sa.Column(sa.String(255), nullable=False)
    project_id = sa.Column(sa.String(255), nullable=False)
    resource = sa.Column(sa.String(255), nullable=False)
    hard_limit = sa.Column(sa.Integer)


class QuotaClass(Timestamps, Base):
    __tablename__ = "quota_classes"
    __table_args__ = (
        sa.UniqueConstraint("class_name", "resource", name="uniq_quota_classes0class_name0resource"),)
    id = sa.Column(sa.Integer, primary_key=True)
    class_name = sa.Column(sa.String(255), nullable=False)
    resource = sa.Column(sa.String(255), nullable=False)
    hard_limit = sa.Column(sa.Integer)


# Server groups and aggregates ---------------------------------------------

class InstanceGroup(Timestamps, Base):
    __tablename__ = "instance_groups"
    __table_args__ = (sa.UniqueConstraint("uuid", name="uniq_instance_groups0uuid"),)
    id = sa.Column(sa.Integer, primary_key=True)
    uuid = sa.Column(sa.String(36), nullable=False)
    name = sa.Column(sa.String(255))
    user_id = sa.Column(sa.String(255))
    project_id = sa.Column(sa.String(255))
    policy = sa.Column(sa.String(255))
    rules = sa.Column(sa.Text())
    # Bumped by every member claim, so concurrent claims into one group
    # serialize on it (the atomic hard-policy check).
    generation = sa.Column(sa.Integer, nullable=False, default=0)


class InstanceGroupMember(Timestamps, Base):
    __tablename__ = "instance_group_member"
    __table_args__ = (
        sa.UniqueConstraint("group_id", "instance_uuid", name="uniq_instance_group_member0group_id0instance_uuid"),)
    id = sa.Column(sa.Integer, primary_key=True)
    group_id = sa.Column(sa.Integer, sa.ForeignKey("instance_groups.id", ondelete="CASCADE"),
                         nullable=False)
    instance_uuid = sa.Column(sa.String(36), nullable=False)
    host = sa.Column(sa.String(255))


class Aggregate(Timestamps, Base):
    __tablename__ = "aggregates"
    __table_args__ = (
        sa.UniqueConstraint("uuid", name="uniq_aggregates0uuid"),
        sa.UniqueConstraint("name", name="uniq_aggregates0name"),
    )
    id = sa.Column(sa.Integer, primary_key=True)
    uuid = sa.Column(sa.String(36), nullable=False)
    name = sa.Column(sa.String(255), nullable=False)


class AggregateHost(Timestamps, Base):
    __tablename__ = "aggregate_hosts"
    __table_args__ = (
        sa.UniqueConstraint("host", "aggregate_id", name="uniq_aggregate_hosts0host0aggregate_id"),)
    id = sa.Column(sa.Integer, primary_key=True)
    host = sa.Column(sa.String(255), nullable=False)
    aggregate_id = sa.Column(sa.Integer, sa.ForeignKey("aggregates.id", ondelete="CASCADE"),
                             nullable=False)


class AggregateMetadata(Timestamps, Base):
    __tablename__ = "aggregate_metadata"
    __table_args__ = (
        sa.UniqueConstraint("aggregate_id", "key", name="uniq_aggregate_metadata0aggregate_id0key"),)
    id = sa.Column(sa.Integer, primary_key=True)
    aggregate_id = sa.Column(sa.Integer, sa.ForeignKey("aggregates.id", ondelete="CASCADE"),
                             nullable=False)
    key = sa.Column(sa.String(255), nullable=False)
    value = sa.Column(sa.String(255), nullable=False)


# Placement ----------------------------------------------------------------

class ResourceProvider(Timestamps, Base):
    __tablename__ = "resource_providers"
    __table_args__ = (
        sa.UniqueConstraint("uuid", name="uniq_resource_providers0uuid"),
        sa.UniqueConstraint("name", name="uniq_resource_providers0name"),
        sa.Index("resource_providers_root_provider_id_idx", "root_provider_id"),
        sa.Index("resource_providers_parent_provider_id_idx", "parent_provider_id"),
    )
    id = sa.Column(sa.Integer, primary_key=True)
    uuid = sa.Column(sa.String(36), nullable=False)
    name = sa.Column(sa.String(200), nullable=False)
    generation = sa.Column(sa.Integer, nullable=False, default=0)
    root_provider_id = sa.Column(sa.Integer, sa.ForeignKey("resource_providers.id"))
    parent_provider_id = sa.Column(sa.Integer, sa.ForeignKey("resource_providers.id"))


class Inventory(Timestamps, Base):
    __tablename__ = "inventories"
    __table_args__ = (
        sa.UniqueConstraint("resource_provider_id", "resource_class_id",
                            name="uniq_inventories0resource_provider_resource_class"),
        sa.Index("inventories_resource_class_id_idx", "resource_class_id"),
    )
    id = sa.Column(sa.Integer, primary_key=True)
    resource_provider_id = sa.Column(sa.Integer, sa.ForeignKey("resource_providers.id"),
                                     nullable=False)
    resource_class_id = sa.Column(sa.Integer, nullable=False)
    total = sa.Column(sa.Integer, nullable=False)
    reserved = sa.Column(sa.Integer, nullable=False, default=0)
    min_unit = sa.Column(sa.Integer, nullable=False, default=1)
    max_unit = sa.Column(sa.Integer, nullable=False)
    step_size = sa.Column(sa.Integer, nullable=False, default=1)
    allocation_ratio = sa.Column(sa.Float, nullable=False, default=1.0)


class Allocation(Timestamps, Base):
    __tablename__ = "allocations"
    __table_args__ = (
        sa.Index("allocations_resource_provider_class_used_idx",
                 "resource_provider_id", "resource_class_id", "used"),
        sa.Index("allocations_consumer_id_idx", "consumer_id"),
    )
    id = sa.Column(sa.Integer, primary_key=True)
    resource_provider_id = sa.Column(sa.Integer, sa.ForeignKey("resource_providers.id"),
                                     nullable=False)
    consumer_id = sa.Column(sa.String(36), nullable=False)
    resource_class_id = sa.Column(sa.Integer, nullable=False)
    used = sa.Column(sa.Integer, nullable=False)


class PlacementProject(Timestamps, Base):
    __tablename__ = "projects"
    __table_args__ = (sa.UniqueConstraint("external_id", name="uniq_projects0external_id"),)
    id = sa.Column(sa.Integer, primary_key=True)
    external_id = sa.Column(sa.String(255), nullable=False)


class PlacementUser(Timestamps, Base):
    __tablename__ = "users"
    __table_args__ = (sa.UniqueConstraint("external_id", name="uniq_users0external_id"),)
    id = sa.Column(sa.Integer, primary_key=True)
    external_id = sa.Column(sa.String(255), nullable=False)


class ConsumerType(Timestamps, Base):
    __tablename__ = "consumer_types"
    __table_args__ = (sa.UniqueConstraint("name", name="uniq_consumer_types0name"),)
    id = sa.Column(sa.Integer, primary_key=True)
    name = sa.Column(sa.String(255), nullable=False)


class Consumer(Timestamps, Base):
    __tablename__ = "consumers"
    __table_args__ = (sa.UniqueConstraint("uuid", name="uniq_consumers0uuid"),)
    id = sa.Column(sa.Integer, primary_key=True)
    uuid = sa.Column(sa.String(36), nullable=False)
    project_id = sa.Column(sa.Integer, nullable=False)
    user_id = sa.Column(sa.Integer, nullable=False)
    generation = sa.Column(sa.Integer, nullable=False, default=0)
    consumer_type_id = sa.Column(sa.Integer, sa.ForeignKey("consumer_types.id"))


class ResourceClass(Timestamps, Base):
    """Custom resource classes; standard ones come from os-resource-classes."""
    __tablename__ = "resource_classes"
    __table_args__ = (sa.UniqueConstraint("name", name="uniq_resource_classes0name"),)
    id = sa.Column(sa.Integer, primary_key=True)
    name = sa.Column(sa.String(255), nullable=False)


class Trait(Timestamps, Base):
    __tablename__ = "traits"
    __table_args__ = (sa.UniqueConstraint("name", name="uniq_traits0name"),)
    id = sa.Column(sa.Integer, primary_key=True)
    name = sa.Column(sa.String(255), nullable=False)


class ResourceProviderTrait(Timestamps, Base):
    __tablename__ = "resource_provider_traits"
    __table_args__ = (
        sa.Index("resource_provider_traits_resource_provider_id_idx",
                 "resource_provider_id"),)
    trait_id = sa.Column(sa.Integer, sa.ForeignKey("traits.id"), primary_key=True)
    resource_provider_id = sa.Column(sa.Integer, sa.ForeignKey("resource_providers.id"),
                                     primary_key=True)


class PlacementAggregate(Timestamps, Base):
    __tablename__ = "placement_aggregates"
    __table_args__ = (sa.UniqueConstraint("uuid", name="uniq_placement_aggregates0uuid"),)
    id = sa.Column(sa.Integer, primary_key=True)
    uuid = sa.Column(sa.String(36), nullable=False)


class ResourceProviderAggregate(Timestamps, Base):
    __tablename__ = "resource_provider_aggregates"
    __table_args__ = (
        sa.Index("resource_provider_aggregates_aggregate_id_idx",
                 "aggregate_id"),)
    resource_provider_id = sa.Column(sa.Integer, sa.ForeignKey("resource_providers.id"),
                                     primary_key=True)
    aggregate_id = sa.Column(sa.Integer, sa.ForeignKey("placement_aggregates.id"),
                             primary_key=True)


# Built-in identity service ------------------------------------------------

class IdentityProject(Timestamps, Base):
    __tablename__ = "identity_projects"
    __table_args__ = (sa.UniqueConstraint("domain_id", "name", name="uniq_identity_projects0domain_id0name"),)
    id = sa.Column(sa.String(64), primary_key=True)
    name = sa.Column(sa.String(255), nullable=False)
    domain_id = sa.Column(sa.String(64), nullable=False, default="default")
    description = sa.Column(sa.Text())
    enabled = sa.Column(sa.Boolean, nullable=False, default=True)
    # Keystone keeps attributes it has no column for (tags, anything else).
    extra = sa.Column(JsonText)


class IdentityUser(Timestamps, Base):
    __tablename__ = "identity_users"
    __table_args__ = (sa.UniqueConstraint("domain_id", "name", name="uniq_identity_users0domain_id0name"),)
    id = sa.Column(sa.String(64), primary_key=True)
    name = sa.Column(sa.String(255), nullable=False)
    domain_id = sa.Column(sa.String(64), nullable=False, default="default")
    password_hash = sa.Column(sa.String(255))
    enabled = sa.Column(sa.Boolean, nullable=False, default=True)
    default_project_id = sa.Column(sa.String(64))
    # Keystone keeps attributes it has no column for (email, description).
    extra = sa.Column(JsonText)


class IdentityRole(Timestamps, Base):
    __tablename__ = "identity_roles"
    __table_args__ = (sa.UniqueConstraint("name", name="uniq_identity_roles0name"),)
    id = sa.Column(sa.String(64), primary_key=True)
    name = sa.Column(sa.String(255), nullable=False)


class IdentityRoleAssignment(Timestamps, Base):
    __tablename__ = "identity_role_assignments"
    user_id = sa.Column(sa.String(64), sa.ForeignKey("identity_users.id", ondelete="CASCADE"),
                        primary_key=True)
    project_id = sa.Column(sa.String(64), sa.ForeignKey("identity_projects.id", ondelete="CASCADE"),
                           primary_key=True)
    role_id = sa.Column(sa.String(64), sa.ForeignKey("identity_roles.id", ondelete="CASCADE"),
                        primary_key=True)


class IdentityDomainRoleAssignment(Timestamps, Base):
    """A role of a user on a domain (what a domain-scoped token carries).
    There is one domain, ``default``, so no table of domains."""
    __tablename__ = "identity_domain_role_assignments"
    user_id = sa.Column(sa.String(64), sa.ForeignKey("identity_users.id", ondelete="CASCADE"),
                        primary_key=True)
    domain_id = sa.Column(sa.String(64), primary_key=True)
    role_id = sa.Column(sa.String(64), sa.ForeignKey("identity_roles.id", ondelete="CASCADE"),
                        primary_key=True)


class IdentityGroup(Timestamps, Base):
    """A group of users (Keystone's): roles granted to it on a project or
    the domain are held by each of its members."""
    __tablename__ = "identity_groups"
    __table_args__ = (sa.UniqueConstraint("domain_id", "name", name="uniq_identity_groups0domain_id0name"),)
    id = sa.Column(sa.String(64), primary_key=True)
    name = sa.Column(sa.String(255), nullable=False)
    domain_id = sa.Column(sa.String(64), nullable=False, default="default")
    description = sa.Column(sa.Text())
    # Keystone keeps attributes it has no column for.
    extra = sa.Column(JsonText)


class IdentityGroupMembership(Timestamps, Base):
    __tablename__ = "identity_group_memberships"
    __table_args__ = (sa.Index("identity_group_memberships_user_id_idx", "user_id"),)
    group_id = sa.Column(sa.String(64), sa.ForeignKey("identity_groups.id", ondelete="CASCADE"),
                         primary_key=True)
    user_id = sa.Column(sa.String(64), sa.ForeignKey("identity_users.id", ondelete="CASCADE"),
                        primary_key=True)


class IdentityGroupRoleAssignment(Timestamps, Base):
    """A role of a group on a project."""
    __tablename__ = "identity_group_role_assignments"
    group_id = sa.Column(sa.String(64), sa.ForeignKey("identity_groups.id", ondelete="CASCADE"),
                         primary_key=True)
    project_id = sa.Column(sa.String(64), sa.ForeignKey("identity_projects.id", ondelete="CASCADE"),
                           primary_key=True)
    role_id = sa.Column(sa.String(64), sa.ForeignKey("identity_roles.id", ondelete="CASCADE"),
                        primary_key=True)


class IdentityGroupDomainRoleAssignment(Timestamps, Base):
    """A role of a group on the domain."""
    __tablename__ = "identity_group_domain_role_assignments"
    group_id = sa.Column(sa.String(64), sa.ForeignKey("identity_groups.id", ondelete="CASCADE"),
                         primary_key=True)
    domain_id = sa.Column(sa.String(64), primary_key=True)
    role_id = sa.Column(sa.String(64), sa.ForeignKey("identity_roles.id", ondelete="CASCADE"),
                        primary_key=True)


class IdentityApplicationCredential(Timestamps, Base):
    """A user's credential for one project and some of their roles there,
    authenticated by its id (or name) and a secret kept only as a hash."""
    __tablename__ = "identity_application_credentials"
    __table_args__ = (sa.UniqueConstraint(
        "user_id", "name", name="uniq_identity_app_creds0user_id0name"),)
    id = sa.Column(sa.String(64), primary_key=True)
    user_id = sa.Column(sa.String(64), sa.ForeignKey("identity_users.id", ondelete="CASCADE"),
                        nullable=False)
    project_id = sa.Column(sa.String(64), sa.ForeignKey("identity_projects.id", ondelete="CASCADE"),
                           nullable=False)
    name = sa.Column(sa.String(255), nullable=False)
    description = sa.Column(sa.Text())
    secret_hash = sa.Column(sa.String(255), nullable=False)
    expires_at = sa.Column(UTCDateTime)
    unrestricted = sa.Column(sa.Boolean, nullable=False, default=False)
    # The ids of the roles it carries (a subset of the user's on the project).
    role_ids = sa.Column(JsonText, nullable=False)


class IdentityImpliedRole(Timestamps, Base):
    """A role inference rule: whoever holds prior_role_id also holds
    implied_role_id (Keystone's implied roles)."""
    __tablename__ = "identity_implied_roles"
    prior_role_id = sa.Column(sa.String(64), sa.ForeignKey("identity_roles.id", ondelete="CASCADE"),
                              primary_key=True)
    implied_role_id = sa.Column(sa.String(64), sa.ForeignKey("identity_roles.id", ondelete="CASCADE"),
                                primary_key=True)


class IdentityRevocation(Base):
    """Tokens issued at or before issued_before that match every non-NULL
    column (one token's audit id, a user, a project) are revoked."""
    __tablename__ = "identity_revocations"
    __table_args__ = (
        sa.Index("identity_revocations_audit_id_idx", "audit_id"),
        sa.Index("identity_revocations_user_id_idx", "user_id"),
    )
    id = sa.Column(sa.Integer, primary_key=True)
    audit_id = sa.Column(sa.String(64))
    user_id = sa.Column(sa.String(64))
    project_id = sa.Column(sa.String(64))
    issued_before = sa.Column(UTCDateTime, nullable=False)


# Built-in image service -----------------------------------------------------

class Image(Timestamps, Base):
    __tablename__ = "images"
    __table_args__ = (sa.Index("images_owner_idx", "owner"),)
    id = sa.Column(sa.String(36), primary_key=True)
    name = sa.Column(sa.String(255))
    status = sa.Column(sa.String(30), nullable=False)
    visibility = sa.Column(sa.String(20), nullable=False, default="shared")
    owner = sa.Column(sa.String(255))
    container_format = sa.Column(sa.String(32))
    disk_format = sa.Column(sa.String(32))
    size = sa.Column(sa.BigInteger)
    virtual_size = sa.Column(sa.BigInteger)
    checksum = sa.Column(sa.String(32))
    os_hash_algo = sa.Column(sa.String(64))
    os_hash_value = sa.Column(sa.String(128))
    min_disk = sa.Column(sa.Integer, nullable=False, default=0)
    min_ram = sa.Column(sa.Integer, nullable=False, default=0)
    protected = sa.Column(sa.Boolean, nullable=False, default=False)
    os_hidden = sa.Column(sa.Boolean, nullable=False, default=False)
    properties = sa.Column(JsonText)
    tags = sa.Column(JsonText)


class ImageMetadefNamespace(Timestamps, Base):
    """A Glance metadata definitions namespace: its attributes in columns,
    its properties, objects, tags and resource type associations in one
    JSON document (a namespace is read and written whole)."""
    __tablename__ = "image_metadef_namespaces"
    namespace = sa.Column(sa.String(80), primary_key=True)
    owner = sa.Column(sa.String(255))
    visibility = sa.Column(sa.String(32), nullable=False, default="private")
    protected = sa.Column(sa.Boolean, nullable=False, default=False)
    document = sa.Column(JsonText)


# Remote consoles ------------------------------------------------------------

class ConsoleAuthToken(Timestamps, Base):
    """A console token: only its SHA-256 is stored; spent on first use."""
    __tablename__ = "console_auth_tokens"
    __table_args__ = (
        sa.UniqueConstraint("token_hash",
                            name="uniq_console_auth_tokens0token_hash"),
        sa.Index("console_auth_tokens_instance_uuid_idx", "instance_uuid"),
        sa.Index("console_auth_tokens_expires_idx", "expires"),
    )
    id = sa.Column(sa.Integer, primary_key=True)
    token_hash = sa.Column(sa.String(64), nullable=False)
    console_type = sa.Column(sa.String(36), nullable=False)
    host = sa.Column(sa.String(255), nullable=False)
    port = sa.Column(sa.Integer, nullable=False)
    internal_access_path = sa.Column(sa.String(255))
    instance_uuid = sa.Column(sa.String(36), nullable=False)
    # Unix time after which the token is refused.
    expires = sa.Column(sa.Integer, nullable=False)
