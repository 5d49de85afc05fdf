"""[notifications]: versioned notifications, as Nova's options.

Where they go is oslo.messaging's [oslo_messaging_notifications]:
``driver`` (Stratus sends with ``messagingv2`` when it is unset;
``noop`` switches notifications off) and ``transport_url`` (default: the
RPC transport).
"""
from oslo_config import cfg

NOTIFICATIONS_OPTS = [
    cfg.StrOpt("notification_format", default="versioned",
               choices=["versioned", "both", "unversioned"],
               help="Which notifications to send. Stratus sends only "
                    "versioned notifications: 'versioned' and 'both' send "
                    "them, 'unversioned' sends none."),
    cfg.ListOpt("versioned_notifications_topics",
                default=["versioned_notifications"],
                help="Topics versioned notifications are sent on."),
]


def register_opts(conf):
    conf.register_opts(NOTIFICATIONS_OPTS, group="notifications")


def list_opts():
    return [("notifications", NOTIFICATIONS_OPTS)]
