"""Default policies of the built-in block storage service: Cinder's rule
names and defaults (admin / project member / project reader), one module
per resource. The volume app has an enforcer of its own, as the network
app does; an operator's policy file may carry Cinder's rules."""
from stratus.policies.volume_service import attachments
from stratus.policies.volume_service import base
from stratus.policies.volume_service import empty_lists
from stratus.policies.volume_service import quotas
from stratus.policies.volume_service import snapshots
from stratus.policies.volume_service import types
from stratus.policies.volume_service import volumes

MODULES = [base, volumes, snapshots, attachments, types, quotas,
           empty_lists]


def list_rules():
    rules = []
    for module in MODULES:
        rules.extend(module.list_rules())
    return rules
