from stratus.scheduler import weighers


def ranking(weigher, hosts, spec=None, ctx=None):
    """The hosts' names best first, and their total weights, with only
    this weigher (prepared for the request as the scheduler does)."""
    active = weighers.for_request([weigher], ctx, spec)
    weighed = weighers.weigh(active, hosts, spec)
    return [host.host for _w, host in weighed], [w for w, _h in weighed]
