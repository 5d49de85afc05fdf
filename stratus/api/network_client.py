"""The built-in network service for callers in this process (the
compute API, and the all-in-one's conductor and computes): its app
without keystonemiddleware, taking the caller's RequestContext from the
WSGI environ (auth.InProcess; stratus.rest_transport.DirectTransport puts
it there), and the Neutron client over it."""
from stratus.api import auth
from stratus.network import neutron


def in_process_app(conf, databases, token_validator=None):
    """The built-in network app (stratus.api.network.app.NetworkApp) for
    in-process calls: the caller's context, authenticated where its
    request came in, stands for its token."""
    from stratus.api.network import app as network_app
    app = network_app.NetworkApp(conf, databases, token_validator)
    app.authenticator = auth.InProcess(app.authenticator)
    return app


def network_api(conf, databases, token_validator=None):
    """The network service for a process that holds the API database:
    [neutron] endpoint_override or the catalog's when they name one, else
    the built-in app in-process on databases, made when first needed."""
    return neutron.NeutronAPI.from_conf(
        conf, in_process_app=lambda: in_process_app(conf, databases,
                                                    token_validator))
