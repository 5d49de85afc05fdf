"""network service

Revision ID: 0005
Revises: 0004
"""
from alembic import op
import sqlalchemy as sa

import stratus.db.types  # noqa: F401  (column types in revisions)

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None
phase = 'expand'


def upgrade():
    op.create_table('network_networks',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('name', sa.String(length=255), nullable=False),
    sa.Column('admin_state_up', sa.Boolean(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('shared', sa.Boolean(), nullable=False),
    sa.Column('external', sa.Boolean(), nullable=False),
    sa.Column('is_default', sa.Boolean(), nullable=False),
    sa.Column('mtu', sa.Integer(), nullable=False),
    sa.Column('port_security_enabled', sa.Boolean(), nullable=False),
    sa.Column('network_type', sa.String(length=32), nullable=False),
    sa.Column('physical_network', sa.String(length=64), nullable=True),
    sa.Column('segmentation_id', sa.Integer(), nullable=True),
    sa.Column('dns_domain', sa.String(length=255), nullable=False),
    sa.Column('tags', stratus.db.types._JsonText(), nullable=False),
    sa.Column('project_id', sa.String(length=255), nullable=False),
    sa.Column('description', sa.String(length=255), nullable=False),
    sa.Column('revision_number', sa.Integer(), nullable=False),
    sa.Column('created_at', stratus.db.types.UTCDateTime(), nullable=True),
    sa.Column('updated_at', stratus.db.types.UTCDateTime(), nullable=True),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('network_networks', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_network_networks_project_id'), ['project_id'], unique=False)

    op.create_table('network_quotas',
    sa.Column('project_id', sa.String(length=255), nullable=False),
    sa.Column('resource', sa.String(length=255), nullable=False),
    sa.Column('hard_limit', sa.Integer(), nullable=False),
    sa.Column('created_at', stratus.db.types.UTCDateTime(), nullable=True),
    sa.Column('updated_at', stratus.db.types.UTCDateTime(), nullable=True),
    sa.PrimaryKeyConstraint('project_id', 'resource')
    )
    op.create_table('network_security_groups',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('name', sa.String(length=255), nullable=False),
    sa.Column('stateful', sa.Boolean(), nullable=False),
    sa.Column('tags', stratus.db.types._JsonText(), nullable=False),
    sa.Column('project_id', sa.String(length=255), nullable=False),
    sa.Column('description', sa.String(length=255), nullable=False),
    sa.Column('revision_number', sa.Integer(), nullable=False),
    sa.Column('created_at', stratus.db.types.UTCDateTime(), nullable=True),
    sa.Column('updated_at', stratus.db.types.UTCDateTime(), nullable=True),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('network_security_groups', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_network_security_groups_project_id'), ['project_id'], unique=False)

    op.create_table('network_default_security_groups',
    sa.Column('project_id', sa.String(length=255), nullable=False),
    sa.Column('security_group_id', sa.String(length=36), nullable=False),
    sa.ForeignKeyConstraint(['security_group_id'], ['network_security_groups.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('project_id')
    )
    op.create_table('network_ports',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('network_id', sa.String(length=36), nullable=False),
    sa.Column('name', sa.String(length=255), nullable=False),
    sa.Column('mac_address', sa.String(length=32), nullable=False),
    sa.Column('admin_state_up', sa.Boolean(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('device_id', sa.String(length=255), nullable=False),
    sa.Column('device_owner', sa.String(length=255), nullable=False),
    sa.Column('port_security_enabled', sa.Boolean(), nullable=False),
    sa.Column('allowed_address_pairs', stratus.db.types._JsonText(), nullable=False),
    sa.Column('dns_name', sa.String(length=255), nullable=False),
    sa.Column('tags', stratus.db.types._JsonText(), nullable=False),
    sa.Column('project_id', sa.String(length=255), nullable=False),
    sa.Column('description', sa.String(length=255), nullable=False),
    sa.Column('revision_number', sa.Integer(), nullable=False),
    sa.Column('created_at', stratus.db.types.UTCDateTime(), nullable=True),
    sa.Column('updated_at', stratus.db.types.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['network_id'], ['network_networks.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('network_id', 'mac_address', name='uniq_network_ports0network_id0mac')
    )
    with op.batch_alter_table('network_ports', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_network_ports_network_id'), ['network_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_network_ports_project_id'), ['project_id'], unique=False)
        batch_op.create_index('network_ports_device_id_idx', ['device_id'], unique=False)

    op.create_table('network_security_group_rules',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('security_group_id', sa.String(length=36), nullable=False),
    sa.Column('direction', sa.String(length=16), nullable=False),
    sa.Column('ethertype', sa.String(length=16), nullable=False),
    sa.Column('protocol', sa.String(length=40), nullable=True),
    sa.Column('port_range_min', sa.Integer(), nullable=True),
    sa.Column('port_range_max', sa.Integer(), nullable=True),
    sa.Column('remote_ip_prefix', sa.String(length=64), nullable=True),
    sa.Column('remote_group_id', sa.String(length=36), nullable=True),
    sa.Column('remote_address_group_id', sa.String(length=36), nullable=True),
    sa.Column('project_id', sa.String(length=255), nullable=False),
    sa.Column('description', sa.String(length=255), nullable=False),
    sa.Column('revision_number', sa.Integer(), nullable=False),
    sa.Column('created_at', stratus.db.types.UTCDateTime(), nullable=True),
    sa.Column('updated_at', stratus.db.types.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['remote_group_id'], ['network_security_groups.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['security_group_id'], ['network_security_groups.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('network_security_group_rules', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_network_security_group_rules_project_id'), ['project_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_network_security_group_rules_security_group_id'), ['security_group_id'], unique=False)

    op.create_table('network_subnets',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('network_id', sa.String(length=36), nullable=False),
    sa.Column('name', sa.String(length=255), nullable=False),
    sa.Column('ip_version', sa.Integer(), nullable=False),
    sa.Column('cidr', sa.String(length=64), nullable=False),
    sa.Column('gateway_ip', sa.String(length=64), nullable=True),
    sa.Column('enable_dhcp', sa.Boolean(), nullable=False),
    sa.Column('ipv6_ra_mode', sa.String(length=16), nullable=True),
    sa.Column('ipv6_address_mode', sa.String(length=16), nullable=True),
    sa.Column('allocation_pools', stratus.db.types._JsonText(), nullable=False),
    sa.Column('dns_nameservers', stratus.db.types._JsonText(), nullable=False),
    sa.Column('host_routes', stratus.db.types._JsonText(), nullable=False),
    sa.Column('service_types', stratus.db.types._JsonText(), nullable=False),
    sa.Column('tags', stratus.db.types._JsonText(), nullable=False),
    sa.Column('project_id', sa.String(length=255), nullable=False),
    sa.Column('description', sa.String(length=255), nullable=False),
    sa.Column('revision_number', sa.Integer(), nullable=False),
    sa.Column('created_at', stratus.db.types.UTCDateTime(), nullable=True),
    sa.Column('updated_at', stratus.db.types.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['network_id'], ['network_networks.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('network_subnets', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_network_subnets_network_id'), ['network_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_network_subnets_project_id'), ['project_id'], unique=False)

    op.create_table('network_ip_allocations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('port_id', sa.String(length=36), nullable=False),
    sa.Column('subnet_id', sa.String(length=36), nullable=False),
    sa.Column('network_id', sa.String(length=36), nullable=False),
    sa.Column('ip_address', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['port_id'], ['network_ports.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['subnet_id'], ['network_subnets.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('network_id', 'ip_address', name='uniq_network_ip_allocations0network0ip')
    )
    with op.batch_alter_table('network_ip_allocations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_network_ip_allocations_port_id'), ['port_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_network_ip_allocations_subnet_id'), ['subnet_id'], unique=False)

    op.create_table('network_port_bindings',
    sa.Column('port_id', sa.String(length=36), nullable=False),
    sa.Column('host', sa.String(length=255), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('vif_type', sa.String(length=64), nullable=False),
    sa.Column('vnic_type', sa.String(length=64), nullable=False),
    sa.Column('profile', stratus.db.types._JsonText(), nullable=False),
    sa.Column('vif_details', stratus.db.types._JsonText(), nullable=False),
    sa.Column('created_at', stratus.db.types.UTCDateTime(), nullable=True),
    sa.Column('updated_at', stratus.db.types.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['port_id'], ['network_ports.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('port_id', 'host')
    )
    op.create_table('network_port_security_groups',
    sa.Column('port_id', sa.String(length=36), nullable=False),
    sa.Column('security_group_id', sa.String(length=36), nullable=False),
    sa.ForeignKeyConstraint(['port_id'], ['network_ports.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['security_group_id'], ['network_security_groups.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('port_id', 'security_group_id')
    )
    with op.batch_alter_table('network_port_security_groups', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_network_port_security_groups_security_group_id'), ['security_group_id'], unique=False)

    op.create_table('network_routers',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('name', sa.String(length=255), nullable=False),
    sa.Column('admin_state_up', sa.Boolean(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('gw_network_id', sa.String(length=36), nullable=True),
    sa.Column('gw_port_id', sa.String(length=36), nullable=True),
    sa.Column('enable_snat', sa.Boolean(), nullable=False),
    sa.Column('routes', stratus.db.types._JsonText(), nullable=False),
    sa.Column('tags', stratus.db.types._JsonText(), nullable=False),
    sa.Column('project_id', sa.String(length=255), nullable=False),
    sa.Column('description', sa.String(length=255), nullable=False),
    sa.Column('revision_number', sa.Integer(), nullable=False),
    sa.Column('created_at', stratus.db.types.UTCDateTime(), nullable=True),
    sa.Column('updated_at', stratus.db.types.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['gw_network_id'], ['network_networks.id'], ),
    sa.ForeignKeyConstraint(['gw_port_id'], ['network_ports.id'], ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('network_routers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_network_routers_project_id'), ['project_id'], unique=False)

    op.create_table('network_auto_allocated_topologies',
    sa.Column('project_id', sa.String(length=255), nullable=False),
    sa.Column('network_id', sa.String(length=36), nullable=False),
    sa.Column('router_id', sa.String(length=36), nullable=True),
    sa.Column('created_at', stratus.db.types.UTCDateTime(), nullable=True),
    sa.Column('updated_at', stratus.db.types.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['network_id'], ['network_networks.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['router_id'], ['network_routers.id'], ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('project_id')
    )
    op.create_table('network_floating_ips',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('floating_network_id', sa.String(length=36), nullable=False),
    sa.Column('floating_ip_address', sa.String(length=64), nullable=False),
    sa.Column('floating_port_id', sa.String(length=36), nullable=False),
    sa.Column('fixed_port_id', sa.String(length=36), nullable=True),
    sa.Column('fixed_ip_address', sa.String(length=64), nullable=True),
    sa.Column('router_id', sa.String(length=36), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('dns_name', sa.String(length=255), nullable=False),
    sa.Column('dns_domain', sa.String(length=255), nullable=False),
    sa.Column('tags', stratus.db.types._JsonText(), nullable=False),
    sa.Column('project_id', sa.String(length=255), nullable=False),
    sa.Column('description', sa.String(length=255), nullable=False),
    sa.Column('revision_number', sa.Integer(), nullable=False),
    sa.Column('created_at', stratus.db.types.UTCDateTime(), nullable=True),
    sa.Column('updated_at', stratus.db.types.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['fixed_port_id'], ['network_ports.id'], ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['floating_network_id'], ['network_networks.id'], ),
    sa.ForeignKeyConstraint(['floating_port_id'], ['network_ports.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['router_id'], ['network_routers.id'], ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('floating_network_id', 'floating_ip_address', name='uniq_network_floating_ips0network0address')
    )
    with op.batch_alter_table('network_floating_ips', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_network_floating_ips_project_id'), ['project_id'], unique=False)
        batch_op.create_index('network_floating_ips_fixed_port_id_idx', ['fixed_port_id'], unique=False)

