"""IsolatedHostsFilter: ``[filter_scheduler] isolated_images`` boot only
on ``isolated_hosts``; with ``restrict_isolated_hosts_to_isolated_images``
(the default) isolated hosts boot nothing else. With no isolated images
configured, isolated hosts take nothing when restricted, and everything
otherwise. A server booted from a volume has no image, so it is not
isolated."""


class IsolatedHostsFilter:

    def __init__(self, conf):
        options = conf.filter_scheduler
        self.images = frozenset(options.isolated_images)
        self.hosts = frozenset(options.isolated_hosts)
        self.restrict = options.restrict_isolated_hosts_to_isolated_images

    def host_passes(self, host_state, spec, resources):
        host_isolated = host_state.host in self.hosts
        if not self.images:
            return not (self.restrict and host_isolated)
        image = spec.get("image")
        image_isolated = (image is not None
                          and image.get("id") in self.images)
        if self.restrict:
            return image_isolated == host_isolated
        return not image_isolated or host_isolated
