"""Tables of a cell database: the servers and the hosts that run them.

Soft-deleted rows keep ``deleted`` equal to their id (0 while alive), so
unique constraints over ``deleted`` hold for live rows only, as in Nova.
"""
import sqlalchemy as sa
from sqlalchemy import orm

from stratus.db.types import JsonText, MediumText, UTCDateTime, utcnow


class Base(orm.DeclarativeBase):
    pass


class Timestamps:
    created_at = sa.Column(UTCDateTime, default=utcnow)
    updated_at = sa.Column(UTCDateTime, onupdate=utcnow)


class SoftDelete(Timestamps):
    deleted_at = sa.Column(UTCDateTime)
    deleted = sa.Column(sa.Integer, nullable=False, default=0)


class Instance(SoftDelete, Base):
    __tablename__ = "instances"
    __table_args__ = (
        sa.UniqueConstraint("uuid", name="uniq_instances0uuid"),
        sa.Index("instances_project_id_deleted_idx", "project_id", "deleted"),
        sa.Index("instances_host_deleted_idx", "host", "deleted"),
        sa.Index("instances_reservation_id_idx", "reservation_id"),
        sa.Index("instances_updated_at_idx", "updated_at"),
        sa.Index("instances_created_at_idx", "created_at"),
    )
    id = sa.Column(sa.Integer, primary_key=True)
    uuid = sa.Column(sa.String(36), nullable=False)
    user_id = sa.Column(sa.String(255))
    project_id = sa.Column(sa.String(255))
    image_ref = sa.Column(sa.String(255))
    kernel_id = sa.Column(sa.String(255))
    ramdisk_id = sa.Column(sa.String(255))
    hostname = sa.Column(sa.String(255))
    launch_index = sa.Column(sa.Integer)
    key_name = sa.Column(sa.String(255))
    key_data = sa.Column(MediumText)
    power_state = sa.Column(sa.Integer)
    vm_state = sa.Column(sa.String(255))
    task_state = sa.Column(sa.String(255))
    memory_mb = sa.Column(sa.Integer)
    vcpus = sa.Column(sa.Integer)
    root_gb = sa.Column(sa.Integer)
    ephemeral_gb = sa.Column(sa.Integer)
    host = sa.Column(sa.String(255))
    node = sa.Column(sa.String(255))
    compute_id = sa.Column(sa.BigInteger)
    instance_type_id = sa.Column(sa.Integer)
    user_data = sa.Column(MediumText)
    reservation_id = sa.Column(sa.String(255))
    launched_at = sa.Column(UTCDateTime)
    terminated_at = sa.Column(UTCDateTime)
    availability_zone = sa.Column(sa.String(255))
    display_name = sa.Column(sa.String(255))
    display_description = sa.Column(sa.Text())
    launched_on = sa.Column(sa.Text())
    locked = sa.Column(sa.Boolean, default=False)
    locked_by = sa.Column(sa.String(16))
    os_type = sa.Column(sa.String(255))
    architecture = sa.Column(sa.String(255))
    vm_mode = sa.Column(sa.String(255))
    root_device_name = sa.Column(sa.String(255))
    config_drive = sa.Column(sa.String(255))
    access_ip_v4 = sa.Column(sa.String(39))
    access_ip_v6 = sa.Column(sa.String(39))
    auto_disk_config = sa.Column(sa.Boolean)
    progress = sa.Column(sa.Integer)
    shutdown_terminate = sa.Column(sa.Boolean, default=False)
    disable_terminate = sa.Column(sa.Boolean, default=False)
    ephemeral_key_uuid = sa.Column(sa.String(36))
    hidden = sa.Column(sa.Boolean, default=False)


class InstanceExtra(Timestamps, Base):
    """Per-instance documents too big or too structured for columns."""
    __tablename__ = "instance_extra"
    __table_args__ = (
        sa.UniqueConstraint("instance_uuid", name="uniq_instance_extra0instance_uuid"),)
    id = sa.Column(sa.Integer, primary_key=True)
    instance_uuid = sa.Column(sa.String(36), sa.ForeignKey("instances.uuid"),
                              nullable=False)
    flavor = sa.Column(MediumText)
    keypairs = sa.Column(MediumText)
    numa_topology = sa.Column(MediumText)
    pci_requests = sa.Column(MediumText)
    migration_context = sa.Column(MediumText)
    device_metadata = sa.Column(MediumText)
    trusted_certs = sa.Column(MediumText)
    locked_reason = sa.Column(sa.Text())
    # Image properties copied at boot (Nova keeps them as image_* system
    # metadata); 2.98 shows them in the embedded image.
    image_properties = sa.Column(JsonText)


class InstanceMetadata(SoftDelete, Base):
    __tablename__ = "instance_metadata"
    __table_args__ = (sa.Index("instance_metadata_instance_uuid_idx", "instance_uuid"),)
    id = sa.Column(sa.Integer, primary_key=True)
    instance_uuid = sa.Column(sa.String(36), sa.ForeignKey("instances.uuid"),
                              nullable=False)
    key = sa.Column(sa.String(255))
    value = sa.Column(sa.String(255))


class InstanceSystemMetadata(SoftDelete, Base):
    __tablename__ = "instance_system_metadata"
    __table_args__ = (sa.Index("instance_system_metadata_instance_uuid_idx", "instance_uuid"),)
    id = sa.Column(sa.Integer, primary_key=True)
    instance_uuid = sa.Column(sa.String(36), sa.ForeignKey("instances.uuid"),
                              nullable=False)
    key = sa.Column(sa.String(255), nullable=False)
    value = sa.Column(sa.String(255))


class Tag(Base):
    __tablename__ = "tags"
    __table_args__ = (sa.Index("tags_tag_idx", "tag"),)
    resource_id = sa.Column(sa.String(36), primary_key=True, nullable=False)
    tag = sa.Column(sa.String(80), primary_key=True, nullable=False)


class InstanceFault(SoftDelete, Base):
    __tablename__ = "instance_faults"
    __table_args__ = (sa.Index("instance_faults_instance_uuid_idx", "instance_uuid"),)
    id = sa.Column(sa.Integer, primary_key=True)
    instance_uuid = sa.Column(sa.String(36), sa.ForeignKey("instances.uuid"))
    code = sa.Column(sa.Integer, nullable=False)
    message = sa.Column(sa.String(255))
    details = sa.Column(MediumText)
    host = sa.Column(sa.String(255))


class InstanceInfoCache(SoftDelete, Base):
    __tablename__ = "instance_info_caches"
    __table_args__ = (
        sa.UniqueConstraint("instance_uuid", name="uniq_instance_info_caches0instance_uuid"),)
    id = sa.Column(sa.Integer, primary_key=True)
    instance_uuid = sa.Column(sa.String(36), sa.ForeignKey("instances.uuid"),
                              nullable=False)
    network_info = sa.Column(MediumText)


class InstanceAction(SoftDelete, Base):
    __tablename__ = "instance_actions"
    __table_args__ = (
        sa.Index("instance_actions_instance_uuid_idx", "instance_uuid"),
        sa.Index("instance_actions_request_id_idx", "request_id"),
    )
    id = sa.Column(sa.Integer, primary_key=True)
    action = sa.Column(sa.String(255))
    instance_uuid = sa.Column(sa.String(36), sa.ForeignKey("instances.uuid"))
    request_id = sa.Column(sa.String(255))
    user_id = sa.Column(sa.String(255))
    project_id = sa.Column(sa.String(255))
    start_time = sa.Column(UTCDateTime)
    finish_time = sa.Column(UTCDateTime)
    message = sa.Column(sa.String(255))


class InstanceActionEvent(SoftDelete, Base):
    __tablename__ = "instance_actions_events"
    __table_args__ = (sa.Index("instance_actions_events_action_id_idx", "action_id"),)
    id = sa.Column(sa.Integer, primary_key=True)
    event = sa.Column(sa.String(255))
    action_id = sa.Column(sa.Integer, sa.ForeignKey("instance_actions.id"))
    start_time = sa.Column(UTCDateTime)
    finish_time = sa.Column(UTCDateTime)
    result = sa.Column(sa.String(255))
    traceback = sa.Column(sa.Text())
    host = sa.Column(sa.String(255))
    details = sa.Column(sa.Text())


class Service(SoftDelete, Base):
    __tablename__ = "services"
    __table_args__ = (
        sa.UniqueConstraint("host", "binary", "deleted", name="uniq_services0host0binary0deleted"),
        sa.UniqueConstraint("uuid", name="uniq_services0uuid"),
    )
    id = sa.Column(sa.Integer, primary_key=True)
    uuid = sa.Column(sa.String(36), nullable=False)
    host = sa.Column(sa.String(255))
    binary = sa.Column(sa.String(255))
    topic = sa.Column(sa.String(255))
    report_count = sa.Column(sa.Integer, nullable=False, default=0)
    disabled = sa.Column(sa.Boolean, default=False)
    disabled_reason = sa.Column(sa.String(255))
    last_seen_up = sa.Column(UTCDateTime)
    forced_down = sa.Column(sa.Boolean, default=False)
    version = sa.Column(sa.Integer, default=0)
    release = sa.Column(sa.String(32))


class ComputeNode(SoftDelete, Base):
    __tablename__ = "compute_nodes"
    __table_args__ = (
        sa.UniqueConstraint("host", "hypervisor_hostname", "deleted",
                            name="uniq_compute_nodes0host0hypervisor_hostname0deleted"),
        sa.UniqueConstraint("uuid", name="uniq_compute_nodes0uuid"),
    )
    id = sa.Column(sa.Integer, primary_key=True)
    uuid = sa.Column(sa.String(36), nullable=False)
    service_id = sa.Column(sa.Integer)
    host = sa.Column(sa.String(255))
    hypervisor_hostname = sa.Column(sa.String(255))
    vcpus = sa.Column(sa.Integer, nullable=False)
    memory_mb = sa.Column(sa.Integer, nullable=False)
    local_gb = sa.Column(sa.Integer, nullable=False)
    vcpus_used = sa.Column(sa.Integer, nullable=False, default=0)
    memory_mb_used = sa.Column(sa.Integer, nullable=False, default=0)
    local_gb_used = sa.Column(sa.Integer, nullable=False, default=0)
    hypervisor_type = sa.Column(MediumText, nullable=False)
    hypervisor_version = sa.Column(sa.Integer, nullable=False)
    cpu_info = sa.Column(MediumText, nullable=False, default="")
    disk_available_least = sa.Column(sa.Integer)
    free_ram_mb = sa.Column(sa.Integer)
    free_disk_gb = sa.Column(sa.Integer)
    current_workload = sa.Column(sa.Integer)
    running_vms = sa.Column(sa.Integer)
    host_ip = sa.Column(sa.String(39))
    supported_instances = sa.Column(sa.Text())
    metrics = sa.Column(sa.Text())
    stats = sa.Column(sa.Text())
    numa_topology = sa.Column(sa.Text())
    cpu_allocation_ratio = sa.Column(sa.Float)
    ram_allocation_ratio = sa.Column(sa.Float)
    disk_allocation_ratio = sa.Column(sa.Float)
    mapped = sa.Column(sa.Integer, nullable=False, default=0)


class Migration(SoftDelete, Base):
    __tablename__ = "migrations"
    __table_args__ = (
        sa.UniqueConstraint("uuid", name="uniq_migrations0uuid"),
        sa.Index("migrations_instance_uuid_and_status_idx", "deleted", "instance_uuid", "status"),
    )
    id = sa.Column(sa.Integer, primary_key=True)
    uuid = sa.Column(sa.String(36))
    source_compute = sa.Column(sa.String(255))
    dest_compute = sa.Column(sa.String(255))
    source_node = sa.Column(sa.String(255))
    dest_node = sa.Column(sa.String(255))
    dest_host = sa.Column(sa.String(255))
    old_instance_type_id = sa.Column(sa.Integer)
    new_instance_type_id = sa.Column(sa.Integer)
    instance_uuid = sa.Column(sa.String(36), sa.ForeignKey("instances.uuid"))
    status = sa.Column(sa.String(255))
    migration_type = sa.Column(sa.String(32))
    hidden = sa.Column(sa.Boolean, default=False)
    memory_total = sa.Column(sa.BigInteger)
    memory_processed = sa.Column(sa.BigInteger)
    memory_remaining = sa.Column(sa.BigInteger)
    disk_total = sa.Column(sa.BigInteger)
    disk_processed = sa.Column(sa.BigInteger)
    disk_remaining = sa.Column(sa.BigInteger)
    cross_cell_move = sa.Column(sa.Boolean, default=False)
    user_id = sa.Column(sa.String(255))
    project_id = sa.Column(sa.String(255))
    # How far the conductor task driving the move got (Stratus's own:
    # a restarted conductor resumes or rolls back from it).
    step = sa.Column(sa.String(64))


class BlockDeviceMapping(SoftDelete, Base):
    __tablename__ = "block_device_mapping"
    __table_args__ = (
        sa.UniqueConstraint("uuid", name="uniq_block_device_mapping0uuid"),
        sa.Index("block_device_mapping_instance_uuid_idx", "instance_uuid"),
    )
    id = sa.Column(sa.Integer, primary_key=True)
    uuid = sa.Column(sa.String(36))
    instance_uuid = sa.Column(sa.String(36), sa.ForeignKey("instances.uuid"))
    source_type = sa.Column(sa.String(255))
    destination_type = sa.Column(sa.String(255))
    guest_format = sa.Column(sa.String(255))
    device_type = sa.Column(sa.String(255))
    disk_bus = sa.Column(sa.String(255))
    boot_index = sa.Column(sa.Integer)
    device_name = sa.Column(sa.String(255))
    delete_on_termination = sa.Column(sa.Boolean, default=False)
    snapshot_id = sa.Column(sa.String(36))
    volume_id = sa.Column(sa.String(36))
    volume_size = sa.Column(sa.Integer)
    volume_type = sa.Column(sa.String(255))
    image_id = sa.Column(sa.String(36))
    no_device = sa.Column(sa.Boolean)
    connection_info = sa.Column(MediumText)
    tag = sa.Column(sa.String(255))
    attachment_id = sa.Column(sa.String(36))
