"""Versioned notifications, shaped as Nova's.

Every server action sends ``instance.<action>.start`` before it runs and
``instance.<action>.end`` after it (``instance.<action>.error``, priority
ERROR, with the failure as the payload's ``fault``, when it fails). The
payload is an ``InstanceActionPayload`` (``InstanceCreatePayload`` for
``instance.create.*``) serialized as Nova serializes it
(``nova_object.name`` / ``.namespace`` ``nova`` / ``.version`` /
``.data``), so consumers written for Nova (Ceilometer, Watcher,
Searchlight, ...) read them unchanged. The publisher is
``<binary>:<host>`` (``nova-compute:compute1``, ``nova-api:api1``).

They go through oslo.messaging's Notifier on the notification transport
(``[oslo_messaging_notifications] transport_url``, default the RPC one)
on the topics of ``[notifications] versioned_notifications_topics``
(``versioned_notifications``), with the driver of
``[oslo_messaging_notifications] driver`` (``messagingv2`` when unset;
``noop`` switches them off). The in-process transport of the all-in-one
has no broker to keep a message nobody listens to: there, a notification
is only built and sent while a listener is subscribed to its topic.

The event types and payload fields are listed in docs/notifications.md.
"""
import json
import logging
import traceback

import oslo_messaging
from oslo_versionedobjects import base as ovo_base
from oslo_versionedobjects import fields

from stratus.compute import states
from stratus.objects import fields as stratus_fields

LOG = logging.getLogger(__name__)

START = "start"
END = "end"
ERROR = "error"
DEFAULT_DRIVER = "messagingv2"

POWER_STATE_NAMES = {
    stratus_fields.PowerState.NOSTATE: "pending",
    stratus_fields.PowerState.RUNNING: "running",
    stratus_fields.PowerState.PAUSED: "paused",
    stratus_fields.PowerState.SHUTDOWN: "shutdown",
    stratus_fields.PowerState.CRASHED: "crashed",
    stratus_fields.PowerState.SUSPENDED: "suspended",
}


def event_name(action):
    """Nova's name of an action in an event type (``instance.<name>.*``):
    its notification in stratus/compute/states.py, else its own."""
    rule = states.TRANSITIONS.get(action)
    if rule is None or rule.notification is None:
        return action
    return rule.notification


# Payloads -------------------------------------------------------------


class NotificationObject(ovo_base.VersionedObject):
    """A payload, serialized in Nova's namespace."""
    OBJ_SERIAL_NAMESPACE = "nova_object"
    OBJ_PROJECT_NAMESPACE = "nova"


register = ovo_base.VersionedObjectRegistry.register_if(False)


@register
class FlavorPayload(NotificationObject):
    VERSION = "1.4"
    fields = {
        "flavorid": fields.StringField(nullable=True),
        "memory_mb": fields.IntegerField(nullable=True),
        "vcpus": fields.IntegerField(nullable=True),
        "root_gb": fields.IntegerField(nullable=True),
        "ephemeral_gb": fields.IntegerField(nullable=True),
        "name": fields.StringField(),
        "swap": fields.IntegerField(),
        "rxtx_factor": fields.FloatField(nullable=True),
        "vcpu_weight": fields.IntegerField(nullable=True),
        "disabled": fields.BooleanField(),
        "is_public": fields.BooleanField(),
        "extra_specs": fields.DictOfStringsField(nullable=True),
        "projects": fields.ListOfStringsField(nullable=True),
        "description": fields.StringField(nullable=True),
    }

    @classmethod
    def from_flavor(cls, flavor):
        return cls(
            flavorid=flavor.get("flavorid"), memory_mb=flavor.get("memory_mb"),
            vcpus=flavor.get("vcpus"), root_gb=flavor.get("root_gb"),
            ephemeral_gb=flavor.get("ephemeral_gb"),
            name=flavor.get("name") or "", swap=flavor.get("swap") or 0,
            rxtx_factor=flavor.get("rxtx_factor"),
            vcpu_weight=flavor.get("vcpu_weight"),
            disabled=bool(flavor.get("disabled")),
            is_public=bool(flavor.get("is_public", True)),
            extra_specs=dict(flavor.get("extra_specs") or {}),
            projects=None, description=flavor.get("description"))


@register
class IpPayload(NotificationObject):
    VERSION = "1.0"
    fields = {
        "label": fields.StringField(nullable=True),
        "mac": fields.StringField(nullable=True),
        "meta": fields.DictOfStringsField(),
        "port_uuid": fields.StringField(nullable=True),
        "version": fields.IntegerField(),
        "address": fields.StringField(),
        "device_name": fields.StringField(nullable=True),
    }

    @classmethod
    def from_vifs(cls, vifs):
        return [cls(label=vif["network"].get("label"),
                    mac=vif.get("address"), meta={},
                    port_uuid=vif.get("id"), version=ip.get("version", 4),
                    address=ip["address"], device_name=vif.get("devname"))
                for vif in vifs
                for subnet in vif.get("network", {}).get("subnets", [])
                for ip in subnet.get("ips", [])]


@register
class ExceptionPayload(NotificationObject):
    VERSION = "1.1"
    fields = {
        "module_name": fields.StringField(),
        "function_name": fields.StringField(),
        "exception": fields.StringField(),
        "exception_message": fields.StringField(),
        "traceback": fields.StringField(),
    }

    @classmethod
    def from_exception(cls, exc):
        """Where exc was raised (its innermost frame), its class, message
        and traceback."""
        module_name = function_name = ""
        frame = exc.__traceback__
        while frame is not None and frame.tb_next is not None:
            frame = frame.tb_next
        if frame is not None:
            module_name = frame.tb_frame.f_globals.get("__name__", "")
            function_name = frame.tb_frame.f_code.co_name
        message = (exc.format_message() if hasattr(exc, "format_message")
                   else str(exc))
        return cls(module_name=module_name, function_name=function_name,
                   exception=type(exc).__name__, exception_message=message,
                   traceback="".join(traceback.format_exception(
                       type(exc), exc, exc.__traceback__)))


_INSTANCE_FIELDS = {
    "uuid": fields.UUIDField(),
    "user_id": fields.StringField(nullable=True),
    "tenant_id": fields.StringField(nullable=True),
    "reservation_id": fields.StringField(nullable=True),
    "display_name": fields.StringField(nullable=True),
    "display_description": fields.StringField(nullable=True),
    "host_name": fields.StringField(nullable=True),
    "host": fields.StringField(nullable=True),
    "node": fields.StringField(nullable=True),
    "os_type": fields.StringField(nullable=True),
    "architecture": fields.StringField(nullable=True),
    "availability_zone": fields.StringField(nullable=True),
    "flavor": fields.ObjectField("FlavorPayload", nullable=True),
    "image_uuid": fields.StringField(nullable=True),
    "key_name": fields.StringField(nullable=True),
    "kernel_id": fields.StringField(nullable=True),
    "ramdisk_id": fields.StringField(nullable=True),
    "created_at": fields.DateTimeField(nullable=True),
    "launched_at": fields.DateTimeField(nullable=True),
    "terminated_at": fields.DateTimeField(nullable=True),
    "deleted_at": fields.DateTimeField(nullable=True),
    "updated_at": fields.DateTimeField(nullable=True),
    "state": fields.StringField(nullable=True),
    "power_state": fields.StringField(nullable=True),
    "task_state": fields.StringField(nullable=True),
    "progress": fields.IntegerField(nullable=True),
    "ip_addresses": fields.ListOfObjectsField("IpPayload"),
    "block_devices": fields.ListOfObjectsField("BlockDevicePayload",
                                               nullable=True),
    "metadata": fields.DictOfStringsField(),
    "locked": fields.BooleanField(),
    "auto_disk_config": fields.StringField(),
    "request_id": fields.StringField(nullable=True),
    "action_initiator_user": fields.StringField(nullable=True),
    "action_initiator_project": fields.StringField(nullable=True),
    "locked_reason": fields.StringField(nullable=True),
    "fault": fields.ObjectField("ExceptionPayload", nullable=True),
}


@register
class InstanceActionPayload(NotificationObject):
    VERSION = "1.8"
    fields = dict(_INSTANCE_FIELDS)

    @classmethod
    def from_instance(cls, ctx, instance, exc=None):
        get = instance.get
        flavor = get("flavor")
        power_state = get("power_state")
        payload = cls(
            uuid=instance.uuid, user_id=get("user_id"),
            tenant_id=get("project_id"),
            reservation_id=get("reservation_id"),
            display_name=get("display_name"),
            display_description=get("display_description"),
            host_name=get("hostname"), host=get("host"), node=get("node"),
            os_type=get("os_type"), architecture=get("architecture"),
            availability_zone=get("availability_zone"),
            flavor=(FlavorPayload.from_flavor(flavor)
                    if flavor is not None else None),
            image_uuid=get("image_ref"), key_name=get("key_name"),
            kernel_id=get("kernel_id") or "",
            ramdisk_id=get("ramdisk_id") or "",
            created_at=get("created_at"), launched_at=get("launched_at"),
            terminated_at=get("terminated_at"),
            deleted_at=get("deleted_at"), updated_at=get("updated_at"),
            state=get("vm_state"),
            power_state=POWER_STATE_NAMES.get(power_state, "pending"),
            task_state=get("task_state"), progress=get("progress") or 0,
            ip_addresses=IpPayload.from_vifs(
                json.loads(get("info_cache") or "[]")),
            block_devices=None,
            metadata=dict(get("metadata") or {}),
            locked=bool(get("locked")),
            auto_disk_config="AUTO" if get("auto_disk_config")
            else "MANUAL",
            request_id=getattr(ctx, "request_id", None),
            action_initiator_user=getattr(ctx, "user_id", None),
            action_initiator_project=getattr(ctx, "project_id", None),
            locked_reason=get("locked_reason"),
            fault=ExceptionPayload.from_exception(exc)
            if exc is not None else None)
        return payload


@register
class InstanceCreatePayload(InstanceActionPayload):
    VERSION = "1.12"
    fields = dict(_INSTANCE_FIELDS, **{
        "keypairs": fields.ListOfStringsField(),
        "tags": fields.ListOfStringsField(),
        "trusted_image_certificates": fields.ListOfStringsField(
            nullable=True),
        "instance_name": fields.StringField(nullable=True),
    })

    @classmethod
    def from_instance(cls, ctx, instance, exc=None):
        payload = super().from_instance(ctx, instance, exc)
        payload.keypairs = [instance.key_name] if instance.get(
            "key_name") else []
        payload.tags = list(instance.get("tags") or [])
        payload.trusted_image_certificates = instance.get("trusted_certs")
        payload.instance_name = (instance.name
                                 if instance.obj_attr_is_set("id") else None)
        return payload


# The Notifier -----------------------------------------------------------


class Notifier:
    """Sends one service's versioned notifications."""

    def __init__(self, conf, messaging, binary, host):
        self.publisher_id = "%s:%s" % (binary, host)
        self._messaging = messaging
        self._notifier = None
        self._topics = list(conf.notifications.versioned_notifications_topics)
        drivers = list(conf.oslo_messaging_notifications.driver)
        # None: the Notifier reads the configured drivers itself.
        self._driver = None if drivers else DEFAULT_DRIVER
        drivers = drivers or [DEFAULT_DRIVER]
        self.enabled = (
            conf.notifications.notification_format != "unversioned"
            and any(driver != "noop" for driver in drivers))

    def _get(self):
        if self._notifier is None:
            from stratus import rpc
            self._notifier = oslo_messaging.Notifier(
                self._messaging.notification_transport,
                publisher_id=self.publisher_id, driver=self._driver,
                topics=self._topics,
                serializer=rpc.RequestContextSerializer())
        return self._notifier

    def wanted(self, priority="info"):
        """Whether a notification of priority would reach anyone (on the
        in-process transport: whether a listener is subscribed)."""
        if not self.enabled:
            return False
        listens = getattr(self._messaging.notification_transport._driver,
                          "listens", None)
        if listens is None:
            return True
        return any(listens("%s.%s" % (topic, priority))
                   for topic in self._topics)

    def instance_action(self, ctx, instance, action, phase, exc=None):
        """Send instance.<action>.<phase> (START, END or ERROR; exc: the
        failure, for ERROR) about instance. Never raises: a notification
        that cannot be sent is logged, the action goes on."""
        priority = "error" if phase == ERROR else "info"
        if not self.wanted(priority):
            return
        name = event_name(action)
        payload_class = (InstanceCreatePayload if name == "create"
                         else InstanceActionPayload)
        event_type = "instance.%s.%s" % (name, phase)
        try:
            payload = payload_class.from_instance(ctx, instance, exc)
            notifier = self._get()
            send = notifier.error if phase == ERROR else notifier.info
            send(ctx, event_type, payload.obj_to_primitive())
        except Exception:  # noqa: BLE001 - a notification never fails an action
            LOG.exception("Could not send %s about instance %s", event_type,
                          instance.uuid)


    def notify(self, ctx, event_type, payload, priority="info"):
        """Send event_type with payload (a NotificationObject) at that
        priority (info, warn, error). Never raises: a notification that
        cannot be sent is logged."""
        if not self.wanted(priority):
            return
        try:
            send = getattr(self._get(), priority)
            send(ctx, event_type, payload.obj_to_primitive())
        except Exception:  # noqa: BLE001 - a notification never fails its caller
            LOG.exception("Could not send %s", event_type)
