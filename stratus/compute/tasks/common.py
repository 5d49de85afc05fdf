"""What the compute manager's feature modules share: its log, the state
names and the results of its action events."""
import logging

from stratus.objects import fields

# The feature modules are parts of the compute manager: they log as it
# does (operators' logging configuration names that logger).
LOG = logging.getLogger("stratus.compute.manager")

VMState = fields.VMState
TaskState = fields.TaskState
PowerState = fields.PowerState

SUCCESS = "Success"
ERROR = "Error"
