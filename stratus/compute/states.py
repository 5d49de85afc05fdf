"""The server state machine: Nova's vm_state, task_state and power_state
values, and for each server action the states that allow it, the task it
sets while it runs and the state it ends in.

The API checks an action against ``TRANSITIONS`` (``check``) and refuses
it with Nova's 409 message; the compute ends the action in the states the
table names. The API's start of an action
(stratus/compute_api/base.py ``_begin``) also reads from its row the RPC
version its message needs, the instance action it records and, for an
action that takes nothing but the server, the compute method it casts:
per-action facts belong in this table, not in parallel tables. ``tools/state_machine_docs.py`` draws docs/state-machine.md
and docs/state-machine.svg from this module (a test keeps them current).
"""
import dataclasses


class VMState:
    ACTIVE = "active"
    BUILDING = "building"
    PAUSED = "paused"
    SUSPENDED = "suspended"
    STOPPED = "stopped"
    RESCUED = "rescued"
    RESIZED = "resized"
    SOFT_DELETED = "soft-delete"
    DELETED = "deleted"
    ERROR = "error"
    SHELVED = "shelved"
    SHELVED_OFFLOADED = "shelved_offloaded"


class TaskState:
    SCHEDULING = "scheduling"
    BLOCK_DEVICE_MAPPING = "block_device_mapping"
    NETWORKING = "networking"
    SPAWNING = "spawning"
    DELETING = "deleting"
    SOFT_DELETING = "soft-deleting"
    RESTORING = "restoring"
    REBOOTING = "rebooting"
    REBOOT_PENDING = "reboot_pending"
    REBOOT_STARTED = "reboot_started"
    REBOOTING_HARD = "rebooting_hard"
    REBOOT_PENDING_HARD = "reboot_pending_hard"
    REBOOT_STARTED_HARD = "reboot_started_hard"
    POWERING_OFF = "powering-off"
    POWERING_ON = "powering-on"
    PAUSING = "pausing"
    UNPAUSING = "unpausing"
    SUSPENDING = "suspending"
    RESUMING = "resuming"
    RESCUING = "rescuing"
    UNRESCUING = "unrescuing"
    UPDATING_PASSWORD = "updating_password"
    IMAGE_SNAPSHOT = "image_snapshot"
    IMAGE_SNAPSHOT_PENDING = "image_snapshot_pending"
    IMAGE_PENDING_UPLOAD = "image_pending_upload"
    IMAGE_UPLOADING = "image_uploading"
    IMAGE_BACKUP = "image_backup"
    REBUILDING = "rebuilding"
    REBUILD_BLOCK_DEVICE_MAPPING = "rebuild_block_device_mapping"
    REBUILD_SPAWNING = "rebuild_spawning"
    SHELVING = "shelving"
    SHELVING_IMAGE_PENDING_UPLOAD = "shelving_image_pending_upload"
    SHELVING_IMAGE_UPLOADING = "shelving_image_uploading"
    SHELVING_OFFLOADING = "shelving_offloading"
    UNSHELVING = "unshelving"
    RESIZE_PREP = "resize_prep"
    RESIZE_MIGRATING = "resize_migrating"
    RESIZE_MIGRATED = "resize_migrated"
    RESIZE_FINISH = "resize_finish"
    RESIZE_REVERTING = "resize_reverting"
    RESIZE_CONFIRMING = "resize_confirming"
    MIGRATING = "migrating"


class PowerState:
    NOSTATE = 0
    RUNNING = 1
    PAUSED = 3
    SHUTDOWN = 4
    CRASHED = 6
    SUSPENDED = 7

    NAMES = {0: "NOSTATE", 1: "RUNNING", 3: "PAUSED", 4: "SHUTDOWN",
             6: "CRASHED", 7: "SUSPENDED"}


V, T = VMState, TaskState

# The power state a settled server's guest is in, by vm_state.
POWER_STATE_BY_VM_STATE = {
    V.ACTIVE: PowerState.RUNNING, V.RESCUED: PowerState.RUNNING,
    V.PAUSED: PowerState.PAUSED, V.SUSPENDED: PowerState.SUSPENDED,
    V.STOPPED: PowerState.SHUTDOWN, V.SOFT_DELETED: PowerState.SHUTDOWN,
}

# The vm_state a server whose task was cut short settles in, by the power
# state its guest is (or was last known to be) in.
VM_STATE_BY_POWER_STATE = {
    PowerState.RUNNING: V.ACTIVE, PowerState.SHUTDOWN: V.STOPPED,
    PowerState.CRASHED: V.STOPPED, PowerState.PAUSED: V.PAUSED,
    PowerState.SUSPENDED: V.SUSPENDED,
}

# Nova's task states from which a hard reboot may start (ALLOW_REBOOT).
ALLOW_HARD_REBOOT_TASKS = (None, T.REBOOTING, T.REBOOT_PENDING,
                           T.REBOOT_STARTED, T.REBOOTING_HARD,
                           T.RESUMING, T.UNPAUSING, T.PAUSING,
                           T.SUSPENDING)

# What a driver failure leaves: the vm_state the action started from
# (Nova's reverts_task_state) or ERROR with the fault.
REVERT = "revert"
ERROR = "error"
# end_vm_state KEEP: the action ends in the vm_state it started from.
KEEP = "(unchanged)"
ANY = None
SHELVE_END = "shelved (shelved_offloaded when shelved_offload_time is 0)"
EVACUATE_END = "active (stopped if it was, or from 2.95)"
# on_restart: what a restart of the compute does to the action it cut
# short (found by the task_state the server shows): the guest powered
# off or on as the action meant to, then the server settles as its guest
# is; or nothing, the conductor drives the action and settles it. None:
# the server settles as its guest is.
FINISH_POWER_OFF = "power the guest off"
FINISH_POWER_ON = "power the guest on"
CONDUCTOR_SETTLES = "the conductor settles it"
NOT_RECORDED = "(not recorded)"


@dataclasses.dataclass(frozen=True)
class Transition:
    """One server action. vm_states / task_states: the states that allow
    it (ANY: every one); task_state: what it shows while it runs (None:
    it completes without a task); end_vm_state: where it ends;
    on_failure: REVERT or ERROR; event: the compute's action event;
    locked_check: a locked server refuses it (409) to non-admins;
    needs_host: a server that never reached a host refuses it (409);
    on_restart: what a restart of the compute does to it when cut short
    (FINISH_POWER_OFF, FINISH_POWER_ON, CONDUCTOR_SETTLES or None);
    notification: Nova's name of it in versioned notifications
    (instance.<notification>.start, ...; None: the action's name);
    rpc_version: the compute RPC version its message needs (None: it
    sends none); instance_action: the instance action recorded when it
    starts, when not its own name (NOT_RECORDED: none, as Nova records
    no action for console output); cast: the compute RPC method of an
    action that takes nothing but the server."""
    action: str
    vm_states: tuple | None
    task_state: str | None
    end_vm_state: str
    task_states: tuple | None = (None,)
    on_failure: str = REVERT
    event: str | None = None
    locked_check: bool = True
    needs_host: bool = True
    on_restart: str | None = None
    notification: str | None = None
    rpc_version: str | None = "1.1"
    instance_action: str | None = None
    cast: str | None = None

    @property
    def recorded_action(self):
        """The instance action recorded when it starts (None: none)."""
        if self.instance_action == NOT_RECORDED:
            return None
        return self.instance_action or self.action


_SNAPSHOTTABLE = (V.ACTIVE, V.STOPPED, V.PAUSED, V.SUSPENDED)
_VOLUME_STATES = (V.ACTIVE, V.PAUSED, V.STOPPED, V.RESIZED, V.SOFT_DELETED,
                  V.SHELVED, V.SHELVED_OFFLOADED)

TRANSITIONS = {t.action: t for t in (
    Transition("reboot", (V.ACTIVE,), T.REBOOTING, V.ACTIVE,
               on_failure=ERROR, event="compute_reboot_instance",
               on_restart=FINISH_POWER_ON),
    Transition("reboot_hard", (V.ACTIVE, V.STOPPED, V.PAUSED, V.SUSPENDED,
                               V.ERROR),
               T.REBOOTING_HARD, V.ACTIVE,
               task_states=ALLOW_HARD_REBOOT_TASKS, on_failure=ERROR,
               event="compute_reboot_instance", on_restart=FINISH_POWER_ON,
               notification="reboot", instance_action="reboot"),
    Transition("stop", (V.ACTIVE, V.RESCUED, V.ERROR), T.POWERING_OFF,
               V.STOPPED, event="compute_stop_instance",
               on_restart=FINISH_POWER_OFF, notification="power_off",
               cast="stop_instance"),
    Transition("start", (V.STOPPED,), T.POWERING_ON, V.ACTIVE,
               event="compute_start_instance", on_restart=FINISH_POWER_ON,
               notification="power_on", cast="start_instance"),
    Transition("pause", (V.ACTIVE,), T.PAUSING, V.PAUSED,
               event="compute_pause_instance",
               cast="pause_instance"),
    Transition("unpause", (V.PAUSED,), T.UNPAUSING, V.ACTIVE,
               event="compute_unpause_instance",
               cast="unpause_instance"),
    Transition("suspend", (V.ACTIVE,), T.SUSPENDING, V.SUSPENDED,
               event="compute_suspend_instance",
               cast="suspend_instance"),
    Transition("resume", (V.SUSPENDED,), T.RESUMING, V.ACTIVE,
               event="compute_resume_instance",
               cast="resume_instance"),
    Transition("rescue", (V.ACTIVE, V.STOPPED, V.ERROR), T.RESCUING,
               V.RESCUED, on_failure=ERROR, event="compute_rescue_instance"),
    Transition("unrescue", (V.RESCUED,), T.UNRESCUING, V.ACTIVE,
               event="compute_unrescue_instance",
               cast="unrescue_instance"),
    Transition("trigger_crash_dump", (V.ACTIVE, V.PAUSED, V.RESCUED,
                                      V.RESIZED, V.ERROR),
               None, KEEP, event="compute_trigger_crash_dump",
               cast="trigger_crash_dump"),
    Transition("changePassword", (V.ACTIVE,), T.UPDATING_PASSWORD, V.ACTIVE,
               event="compute_set_admin_password",
               notification="set_admin_password"),
    Transition("injectNetworkInfo", ANY, None, KEEP, task_states=ANY,
               event="compute_inject_network_info", locked_check=False,
               notification="inject_network_info",
               cast="inject_network_info"),
    Transition("getConsoleOutput", ANY, None, KEEP, task_states=ANY,
               locked_check=False,
               instance_action=NOT_RECORDED),
    # Nova's compute answers only while the guest runs (409 otherwise).
    Transition("get_diagnostics", ANY, None, KEEP, task_states=ANY,
               locked_check=False, instance_action=NOT_RECORDED,
               rpc_version="1.8"),
    Transition("resetState", ANY, None, "active or error", task_states=ANY,
               locked_check=False, needs_host=False,
               rpc_version=None),
    # A lock does not stop snapshots (as in Nova): they change nothing.
    Transition("createImage", _SNAPSHOTTABLE, T.IMAGE_SNAPSHOT, KEEP,
               event="compute_snapshot_instance", locked_check=False,
               notification="snapshot"),
    Transition("createBackup", _SNAPSHOTTABLE, T.IMAGE_BACKUP, KEEP,
               event="compute_backup_instance", locked_check=False,
               notification="snapshot"),
    Transition("rebuild", (V.ACTIVE, V.STOPPED, V.ERROR), T.REBUILDING,
               "active (stopped if it was)", on_failure=ERROR,
               event="compute_rebuild_instance"),
    Transition("softDelete", ANY, T.SOFT_DELETING, V.SOFT_DELETED,
               event="compute_soft_delete_instance",
               on_restart=FINISH_POWER_OFF, notification="soft_delete",
               instance_action="delete"),
    Transition("restore", (V.SOFT_DELETED,), T.RESTORING, V.ACTIVE,
               event="compute_restore_instance", needs_host=False,
               on_restart=FINISH_POWER_ON),
    Transition("forceDelete", ANY, T.DELETING, V.DELETED,
               event="compute_terminate_instance", needs_host=False,
               notification="delete"),
    # Shelve ends offloaded at once when [DEFAULT] shelved_offload_time
    # is 0; a failure leaves the server where it was.
    Transition("shelve", (V.ACTIVE, V.STOPPED, V.PAUSED, V.SUSPENDED),
               T.SHELVING, SHELVE_END, event="compute_shelve_instance",
               rpc_version="1.4"),
    Transition("shelveOffload", (V.SHELVED,), T.SHELVING_OFFLOADING,
               V.SHELVED_OFFLOADED, event="compute_shelve_offload_instance",
               notification="shelve_offload", rpc_version="1.4"),
    # An offloaded server has no host: the conductor schedules it.
    Transition("unshelve", (V.SHELVED, V.SHELVED_OFFLOADED), T.UNSHELVING,
               V.ACTIVE, event="compute_unshelve_instance",
               needs_host=False,
               rpc_version="1.4"),
    # Moves: the conductor drives them (stratus/conductor/tasks/migrate.py);
    # a failure rolls back to where it started (ERROR only when the
    # source cannot take the server back).
    Transition("resize", (V.ACTIVE, V.STOPPED), T.RESIZE_PREP, V.RESIZED,
               event="conductor_migrate_server",
               on_restart=CONDUCTOR_SETTLES),
    Transition("migrate", (V.ACTIVE, V.STOPPED), T.RESIZE_PREP, V.RESIZED,
               event="conductor_migrate_server",
               on_restart=CONDUCTOR_SETTLES),
    # A live migration keeps the server running (or paused) throughout.
    Transition("liveMigrate", (V.ACTIVE, V.PAUSED), T.MIGRATING, KEEP,
               event="conductor_live_migrate_instance",
               notification="live_migration", rpc_version="1.4",
               instance_action="live-migration"),
    # Evacuate: only while the server's compute is down; the conductor
    # rebuilds it on another host (no lock check, as in Nova).
    Transition("evacuate", (V.ACTIVE, V.STOPPED, V.ERROR), T.REBUILDING,
               EVACUATE_END, event="conductor_rebuild_server",
               locked_check=False,
               rpc_version="1.4"),
    # Volumes (Nova's attach_volume / detach_volume / swap_volume): no
    # task, the compute records its event; a shelved offloaded server's
    # volumes change in the API alone (no host needed).
    Transition("attach_volume", _VOLUME_STATES, None, KEEP,
               event="compute_attach_volume", needs_host=False,
               rpc_version="1.11"),
    Transition("detach_volume", _VOLUME_STATES, None, KEEP,
               event="compute_detach_volume", needs_host=False,
               rpc_version="1.11"),
    Transition("swap_volume", (V.ACTIVE, V.PAUSED, V.RESIZED), None, KEEP,
               event="compute_swap_volume", rpc_version="1.11"),
    Transition("confirmResize", (V.RESIZED,), T.RESIZE_CONFIRMING,
               "active (stopped if it was)",
               event="compute_confirm_resize", on_restart=CONDUCTOR_SETTLES,
               notification="resize_confirm"),
    Transition("revertResize", (V.RESIZED,), T.RESIZE_REVERTING,
               "active (stopped if it was)", on_failure=ERROR,
               event="compute_revert_resize", on_restart=CONDUCTOR_SETTLES,
               notification="resize_revert"),
)}

# The compute's transitional task states of each action (the API sets the
# first; the compute may step through the others).
COMPUTE_STEPS = {
    "createImage": (T.IMAGE_SNAPSHOT, T.IMAGE_PENDING_UPLOAD,
                    T.IMAGE_UPLOADING),
    "createBackup": (T.IMAGE_BACKUP, T.IMAGE_PENDING_UPLOAD,
                     T.IMAGE_UPLOADING),
    "rebuild": (T.REBUILDING, T.REBUILD_BLOCK_DEVICE_MAPPING,
                T.REBUILD_SPAWNING),
    "shelve": (T.SHELVING, T.SHELVING_IMAGE_PENDING_UPLOAD,
               T.SHELVING_IMAGE_UPLOADING, T.SHELVING_OFFLOADING),
    # From shelved_offloaded (the conductor schedules it, the new host
    # spawns it); from shelved the host powers it on (powering-on).
    "unshelve": (T.UNSHELVING, T.SPAWNING),
    "resize": (T.RESIZE_PREP, T.RESIZE_MIGRATING, T.RESIZE_MIGRATED,
               T.RESIZE_FINISH),
    "migrate": (T.RESIZE_PREP, T.RESIZE_MIGRATING, T.RESIZE_MIGRATED,
                T.RESIZE_FINISH),
}


_ON_RESTART = {
    task_state: rule.on_restart for rule in TRANSITIONS.values()
    if rule.on_restart is not None
    for task_state in (rule.task_state,) + COMPUTE_STEPS.get(rule.action, ())}


def transition(action):
    return TRANSITIONS[action]


def on_restart(task_state):
    """What a restart of the compute does to the action a server in
    task_state was running (Transition.on_restart; None: the server
    settles as its guest is)."""
    return _ON_RESTART.get(task_state)


def check(instance, action, name=None):
    """Nova's check_instance_state: InstanceInvalidState (409, "Cannot
    '<name>' instance <uuid> while it is in vm_state <state>") unless the
    server's states allow the action."""
    from stratus import exception
    rule = TRANSITIONS[action]
    name = name or action
    if rule.vm_states is not ANY and instance.vm_state not in rule.vm_states:
        raise exception.InstanceInvalidState(
            action=name, instance_uuid=instance.uuid, attr="vm_state",
            state=instance.vm_state)
    if rule.task_states is not ANY \
            and instance.task_state not in rule.task_states:
        raise exception.InstanceInvalidState(
            action=name, instance_uuid=instance.uuid, attr="task_state",
            state=instance.task_state)
    return rule


def allowed_from(action):
    """The vm_states an action starts from (every settled one for ANY)."""
    rule = TRANSITIONS[action]
    if rule.vm_states is ANY:
        return tuple(value for name, value in vars(VMState).items()
                     if not name.startswith("_")
                     and value not in (V.DELETED, V.BUILDING))
    return rule.vm_states
