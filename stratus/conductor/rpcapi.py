"""Client side of the conductor RPC API (topic ``conductor``).

1.0 - schedule_and_build_instances, reschedule_build, instance_save,
      instance_destroy, action_event_start, action_event_finish,
      service_report, compute_nodes_update, instances_on_host
1.1 - instance_save takes action_event: the save and an action event
      (its start or its finish) in one call and one transaction
1.2 - instance_save takes fault: an InstanceFault written in the same
      transaction (and its message as the finished event's details)
1.3 - compute_nodes_update takes traits: the capability traits of the
      compute's driver, kept on its nodes' resource providers
1.4 - moves: migrate_server (resize and cold migration), confirm_resize,
      revert_resize, confirm_stale_resizes (the computes' auto-confirm)
1.5 - unshelve_instance; instance_save takes remove_allocations: the
      server's placement allocations are removed once the save succeeds
      (a shelve offload, an unshelve that failed on its new host);
      live_migrate_instance (a call when the caller waits for the
      checks); migration_save (a live migration's progress);
      evacuate_instance; evacuations_done and evacuation_cleaned (a
      compute back after an evacuation removes what it left behind)
1.6 - cache_images: the hosts of an aggregate cache images (2.81)
1.7 - build_interrupted: a build its compute's restart cut short is
      built again on that host (not a failed attempt)
1.8 - instance_save takes repeated: the call is sent again after a
      timeout (its first sending may have been applied): a save whose
      change the row already holds is answered as applied
1.9 - build_aborted: a build that must not go to another host (its
      network could not be set up) ends ERROR with BuildAbortException
1.10 - block_device_mappings, bdm_create, bdm_save, bdm_destroy: a
       compute's block device mappings through the conductor
1.11 - migrate_server takes allow_cross_cell_move: the API's policy
       (compute:servers:resize:cross_cell) lets the move leave its cell
1.12 - instance_save takes changes_only: answered with what the save
       set (updated_at, cell_uuid), not the whole instance
1.13 - minimum_service_version: the lowest version of a binary's
       services in the conductor's cell (a compute's [upgrade_levels]
       conductor = auto; a conductor before 1.13 is of release 0.1.0)
1.14 - instance_save is sent the instance's changed fields only (with
       its uuid and cell, instance_save.changed_part), not the whole
       instance: a conductor's save reads nothing else of it
"""
import logging

import oslo_messaging
from oslo_utils import versionutils

from stratus import exception
from stratus.objects import instance_save as instance_save_obj
from stratus.objects import service_versions
from stratus import retry
from stratus import upgrade_pins

LOG = logging.getLogger(__name__)

TOPIC = "conductor"
# The newest version the conductor serves; a method is sent with the
# oldest version that has what the call needs, so older conductors keep
# answering.
VERSION = "1.14"
BASE_VERSION = "1.0"

EVENT_START = "start"
EVENT_FINISH = "finish"
# A call whose conductor died after taking it is never answered: it is
# sent again (to a live conductor) this many times in all. The methods
# called are safe to repeat: a save expects a task_state, and a save
# sent again that finds its own change already applied is answered as
# applied (1.8 repeated, Instance.save repeat_ok); destroys and events
# tolerate what is already done.
CALL_ATTEMPTS = 3
# The calls that say when they are sent again (1.8), and so are answered
# as applied when their first sending was.
REPEATABLE = frozenset(["instance_save"])
REPEATED_VERSION = "1.8"
BDM_VERSION = "1.10"
CHANGES_VERSION = "1.12"
MINIMUM_VERSION_VERSION = "1.13"
PARTIAL_SAVE_VERSION = "1.14"


def _at_least(client, version):
    """The newer of version and the one client sends with."""
    current = client.target.version or BASE_VERSION
    return (current if versionutils.convert_version_to_tuple(current)
            >= versionutils.convert_version_to_tuple(version) else version)


class _RetryingClient:
    """An RPC client whose calls are sent again after a timeout (unless
    the caller chose its own timeout, and retries itself), and, for
    db_retry_seconds, after a conductor answered that a database cannot
    be reached. A call sent again may find its first sending applied (the
    reply was lost): the conductor's methods are safe to repeat."""

    def __init__(self, client, retry=True, db_retry_seconds=0):
        self._client = client
        self._retry = retry
        self._db_retry_seconds = db_retry_seconds if retry else 0

    def prepare(self, **kwargs):
        return _RetryingClient(self._client.prepare(**kwargs),
                               retry=self._retry and "timeout" not in kwargs,
                               db_retry_seconds=self._db_retry_seconds)

    def call(self, ctx, method, **kwargs):
        if not self._db_retry_seconds:
            return self._call(ctx, method, kwargs)
        sent = []

        def send():
            # A database that went away during the first sending's commit
            # may have applied it: the next one says it is sent again.
            repeated = bool(sent)
            sent.append(True)
            return self._call(ctx, method, kwargs, repeated)
        return retry.retry_while(
            exception.DatabaseUnreachable, send,
            self._db_retry_seconds, "Conductor call %s" % method)

    def _call(self, ctx, method, kwargs, repeated=False):
        attempts = CALL_ATTEMPTS if self._retry else 1
        client = self._client
        for attempt in range(1, attempts + 1):
            if repeated and method in REPEATABLE and client.can_send_version(
                    REPEATED_VERSION):
                # Its first sending may have been applied (1.8).
                client = client.prepare(version=_at_least(
                    client, REPEATED_VERSION))
                kwargs = dict(kwargs, repeated=True)
            try:
                return client.call(ctx, method, **kwargs)
            except oslo_messaging.MessagingTimeout:
                if attempt == attempts:
                    raise
                LOG.warning("No conductor answered %s (attempt %d of %d); "
                            "sending it again", method, attempt, attempts)
            repeated = True

    def __getattr__(self, name):
        return getattr(self._client, name)


class ConductorAPI:

    def __init__(self, messaging, version_cap=None, db_retry_seconds=0):
        """db_retry_seconds: how long a call answered DatabaseUnreachable
        is sent again (a compute's: [conductor] db_retry_seconds; the
        API's fail at once, a 503)."""
        self.client = _RetryingClient(
            messaging.client(TOPIC, BASE_VERSION, version_cap,
                             pin=None if version_cap
                             else upgrade_pins.CONDUCTOR),
            db_retry_seconds=db_retry_seconds)

    # Orchestration (casts) --------------------------------------------

    def schedule_and_build_instances(self, ctx, build_requests,
                                     request_specs, admin_password,
                                     injected_files):
        self.client.cast(ctx, "schedule_and_build_instances",
                         build_requests=build_requests,
                         request_specs=request_specs,
                         admin_password=admin_password,
                         injected_files=injected_files)

    def reschedule_build(self, ctx, instance, request_spec, alternates,
                         reason, admin_password, injected_files):
        self.client.cast(ctx, "reschedule_build", instance=instance,
                         request_spec=request_spec, alternates=alternates,
                         reason=reason, admin_password=admin_password,
                         injected_files=injected_files)

    def build_interrupted(self, ctx, instance, reason):
        """A build (spawning, networking, ...) the restart of its compute
        cut short: sent to that compute again, its claim kept (1.7)."""
        self.client.prepare(version="1.7").cast(
            ctx, "build_interrupted", instance=instance, reason=reason)

    def build_aborted(self, ctx, instance, reason):
        """A build that failed where no other host would do better: the
        server ends ERROR with the fault BuildAbortException (reason), its
        claim freed (1.9)."""
        self.client.prepare(version="1.9").cast(
            ctx, "build_aborted", instance=instance, reason=reason)

    def unshelve_instance(self, ctx, instance, request_spec):
        """Unshelve (task_state unshelving): power a SHELVED server on, or
        schedule a SHELVED_OFFLOADED one with request_spec and spawn it
        on the chosen host (1.5)."""
        self.client.prepare(version="1.5").cast(
            ctx, "unshelve_instance", instance=instance,
            request_spec=request_spec)

    def cache_images(self, ctx, aggregate, image_ids):
        """Each compute host of aggregate fetches these images into its
        image cache (1.6)."""
        self.client.prepare(version="1.6").cast(
            ctx, "cache_images", aggregate=aggregate, image_ids=image_ids)

    # Moves (1.4, casts) ---------------------------------------------------

    def migrate_server(self, ctx, instance, flavor, host=None,
                       allow_cross_cell_move=False):
        """Resize instance to flavor, or (flavor None) cold-migrate it, to
        host when given (else where the scheduler says);
        allow_cross_cell_move: to a host of another cell too (1.11; a
        conductor capped below stays in the server's cell)."""
        kwargs = dict(instance=instance, flavor=flavor, host=host)
        version = "1.4"
        if allow_cross_cell_move and self.client.can_send_version("1.11"):
            version = "1.11"
            kwargs["allow_cross_cell_move"] = True
        self.client.prepare(version=version).cast(ctx, "migrate_server",
                                                  **kwargs)

    def confirm_resize(self, ctx, instance, migration):
        self.client.prepare(version="1.4").cast(
            ctx, "confirm_resize", instance=instance, migration=migration)

    def revert_resize(self, ctx, instance, migration):
        self.client.prepare(version="1.4").cast(
            ctx, "revert_resize", instance=instance, migration=migration)

    def confirm_stale_resizes(self, ctx, host, window):
        """Confirm the resizes to host waiting longer than window seconds."""
        self.client.prepare(version="1.4").cast(
            ctx, "confirm_stale_resizes", host=host, window=window)

    def live_migrate_instance(self, ctx, instance, host, block_migration,
                              force, wait_for_checks=False, migration=None):
        """Live-migrate instance (task_state migrating) to host (None: where
        the scheduler says; force: the host as given, its capacity
        checked). wait_for_checks: return once the destination is checked
        and claimed, raising what stopped it (the API before 2.34);
        migration: continue that checked and claimed migration (1.5)."""
        client = self.client.prepare(version="1.5")
        method = client.call if wait_for_checks else client.cast
        return method(ctx, "live_migrate_instance", instance=instance,
                      host=host, block_migration=block_migration,
                      force=force, wait_for_checks=wait_for_checks,
                      migration=migration)

    def evacuate_instance(self, ctx, instance, host, force, admin_password,
                          target_state=None):
        """Rebuild instance (task_state rebuilding; its compute is down) on
        host (None: where the scheduler says; force: as given, its
        capacity checked); target_state 'stopped' leaves it stopped
        (2.95) (1.5)."""
        self.client.prepare(version="1.5").cast(
            ctx, "evacuate_instance", instance=instance, host=host,
            force=force, admin_password=admin_password,
            target_state=target_state)

    # Database proxy for computes (calls) --------------------------------

    def evacuations_done(self, ctx, host):
        """The finished evacuations of servers away from host, whose
        source guests and allocations are still to be removed (1.5)."""
        return self.client.prepare(version="1.5").call(
            ctx, "evacuations_done", host=host)

    def evacuation_cleaned(self, ctx, migration):
        """The source host removed the evacuated guest: its allocations
        go, the migration is completed (1.5)."""
        return self.client.prepare(version="1.5").call(
            ctx, "evacuation_cleaned", migration=migration)

    def migration_save(self, ctx, migration):
        """Write the migration's changed fields (a live migration's
        progress, 1.5)."""
        return self.client.prepare(version="1.5").call(
            ctx, "migration_save", migration=migration)

    def instance_save(self, ctx, instance, expected_task_state=None,
                      action_event=None, fault=None,
                      remove_allocations=False):
        """Apply the instance's changed fields, only if its task_state is
        still expected_task_state (a list allowed); the saved Instance.
        Raises UnexpectedTaskStateError, InstanceNotFound.

        action_event: (event name, EVENT_START or EVENT_FINISH, host,
        result, traceback) to record under the action of ctx's request
        in the same transaction, only if the save succeeds (result and
        traceback matter for a finish). An action or event that is not
        found does not fail the save.

        fault: an InstanceFault to record with the save (1.2; a 1.1
        conductor records the save and the event without it).

        remove_allocations: the server holds nothing in placement any
        more; its allocations go before the save, so that whoever reads
        the saved state reads no usage of it (1.5).
        """
        if self.client.can_send_version(CHANGES_VERSION):
            # Answered with what the save set, applied to instance; sent
            # only what changed where the conductor takes that (1.14).
            version, sent = CHANGES_VERSION, instance
            if self.client.can_send_version(PARTIAL_SAVE_VERSION):
                version = PARTIAL_SAVE_VERSION
                sent = instance_save_obj.changed_part(instance)
            return instance_save_obj.apply_saved(instance, self.client.prepare(
                version=version).call(
                ctx, "instance_save", instance=sent,
                expected_task_state=expected_task_state,
                action_event=(list(action_event) if action_event
                              else None), fault=fault,
                remove_allocations=remove_allocations, changes_only=True))
        if remove_allocations:
            return self.client.prepare(version="1.5").call(
                ctx, "instance_save", instance=instance,
                expected_task_state=expected_task_state,
                action_event=(list(action_event) if action_event
                              else None), fault=fault,
                remove_allocations=True)
        if fault is not None and self.client.can_send_version("1.2"):
            return self.client.prepare(version="1.2").call(
                ctx, "instance_save", instance=instance,
                expected_task_state=expected_task_state,
                action_event=(list(action_event) if action_event
                              else None), fault=fault)
        if action_event is None:
            return self.client.call(ctx, "instance_save", instance=instance,
                                    expected_task_state=expected_task_state)
        if self.client.can_send_version("1.1"):
            return self.client.prepare(version="1.1").call(
                ctx, "instance_save", instance=instance,
                expected_task_state=expected_task_state,
                action_event=list(action_event))
        # A 1.0 conductor: the save, then the event, as two calls.
        event, phase, host, result, trace = action_event
        saved = self.client.call(ctx, "instance_save", instance=instance,
                                 expected_task_state=expected_task_state)
        try:
            if phase == EVENT_START:
                self.action_event_start(ctx, instance.uuid, event, host)
            else:
                self.action_event_finish(ctx, instance.uuid, event, host,
                                         result, trace)
        except exception.NotFound:
            pass
        return saved

    def instance_destroy(self, ctx, instance):
        return self.client.call(ctx, "instance_destroy", instance=instance)

    def action_event_start(self, ctx, instance_uuid, event, host):
        return self.client.call(ctx, "action_event_start",
                                instance_uuid=instance_uuid, event=event,
                                host=host)

    def action_event_finish(self, ctx, instance_uuid, event, host, result,
                            traceback=None):
        return self.client.call(ctx, "action_event_finish",
                                instance_uuid=instance_uuid, event=event,
                                host=host, result=result, traceback=traceback)

    def service_report(self, ctx, service, timeout=None):
        """Register the service on its first report, record a heartbeat
        on the others; the stored Service. timeout: seconds to wait for a
        conductor (the RPC default otherwise)."""
        return self.client.prepare(timeout=timeout).call(
            ctx, "service_report", service=service)

    def compute_nodes_update(self, ctx, host, compute_nodes, traits=None):
        """Store the nodes and their resource providers; traits (1.3):
        the COMPUTE_* traits of the host's driver for every node's
        provider (an older conductor does not set them)."""
        if traits is not None and self.client.can_send_version("1.3"):
            return self.client.prepare(version="1.3").call(
                ctx, "compute_nodes_update", host=host,
                compute_nodes=compute_nodes, traits=list(traits))
        return self.client.call(ctx, "compute_nodes_update", host=host,
                                compute_nodes=compute_nodes)

    def instances_on_host(self, ctx, host):
        return self.client.call(ctx, "instances_on_host", host=host)

    # Block device mappings (1.10, calls) ---------------------------------

    def _bdm_client(self):
        if not self.client.can_send_version(BDM_VERSION):
            raise exception.ConductorTooOld(version=BDM_VERSION)
        return self.client.prepare(version=BDM_VERSION)

    def block_device_mappings(self, ctx, instance_uuid):
        """The server's live BlockDeviceMappingList, by boot order."""
        return self._bdm_client().call(ctx, "block_device_mappings",
                                       instance_uuid=instance_uuid)

    def bdm_create(self, ctx, bdm):
        """Store a new BlockDeviceMapping (its uuid made when unset); the
        stored one. InvalidVolume when its volume already has a live
        mapping on that server, InstanceNotFound when the server is
        gone."""
        return self._bdm_client().call(ctx, "bdm_create", bdm=bdm)

    def bdm_save(self, ctx, bdm):
        """Write the mapping's changed fields; the saved one. BDMNotFound
        when it was destroyed meanwhile."""
        return self._bdm_client().call(ctx, "bdm_save", bdm=bdm)

    def bdm_destroy(self, ctx, bdm):
        """Remove the mapping (one already gone is no error)."""
        return self._bdm_client().call(ctx, "bdm_destroy", bdm=bdm)


def conductor_versions(messaging, timeout):
    """A minimum_version for UpgradePins.bind in a process without
    databases (a compute): its conductor reads its cell's services
    (1.13, sent uncapped: the pin is what it finds out). A conductor
    that does not know the call is of the release before 1.13."""
    client = messaging.client(TOPIC, MINIMUM_VERSION_VERSION,
                              timeout=timeout)

    def minimum_version(binary):
        from stratus import context as stratus_context
        try:
            return client.call(stratus_context.get_admin_context(),
                               "minimum_service_version", binary=binary)
        except oslo_messaging.UnsupportedVersion:
            # (in-process: the exception itself; over a broker, below)
            return min(service_versions.SERVICE_VERSION_HISTORY)
        except oslo_messaging.RemoteError as exc:
            if exc.exc_type != "UnsupportedVersion":
                raise
            return min(service_versions.SERVICE_VERSION_HISTORY)
    return minimum_version
