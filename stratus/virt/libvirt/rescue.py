"""The libvirt driver's rescue: the guest boots a rescue image, its own
disk second, until it is unrescued."""
import logging
import os

from stratus import exception
from stratus.objects import image_meta as image_meta_obj
from stratus.virt import driver
from stratus.virt.libvirt.binding import libvirt
from stratus.virt.libvirt import guest_xml

LOG = logging.getLogger(__name__)
# In an instance directory while it is rescued: the rescue image's
# overlay, the rescue config drive, the original domain XML (last).
RESCUE_FILES = ("disk.rescue", "disk.config.rescue", "unrescue.xml")


class RescueMixin(driver.Rescuable):
    def rescue(self, ctx, instance, network_info, image_meta,
               rescue_password, block_device_info=None):
        """Boot the rescue image (image_meta's id, else the instance's
        image) as the first disk with the guest's own disk second (vdb),
        as Nova's libvirt driver does: the domain is defined again with
        that XML; unrescue.xml keeps the original definition. A server
        with a config drive gets a rescue one whose meta_data.json has the
        rescue password as admin_pass. A rescue that cannot start leaves
        the original definition and no rescue files."""
        domain = self._domain(instance)
        directory = self.instance_dir(instance.uuid)
        original_path = os.path.join(directory, RESCUE_FILES[-1])
        if os.path.exists(original_path):  # left by an interrupted rescue
            with open(original_path) as handle:
                original = handle.read()
        else:
            original = self._call(domain.XMLDesc,
                                  libvirt.VIR_DOMAIN_XML_INACTIVE)
        image_id = (image_meta or {}).get("id") or instance.image_ref
        rescue_disk = os.path.join(directory, RESCUE_FILES[0])
        try:
            rescue_meta = image_meta_obj.ImageMeta.from_image_dict(
                self.image_api.get(ctx, image_id))
            if os.path.exists(rescue_disk):
                os.unlink(rescue_disk)
            boot = self._disk_from_image(ctx, instance, rescue_meta,
                                         rescue_disk, grow=False)
            config = self._guest_config(
                instance, boot, rescue_disk, network_info,
                extra_disks=[os.path.join(directory, "disk")])
            if self._config_drive_required(instance):
                # As Nova: a rescue config drive with the rescue password.
                config.config_drive = self._make_config_drive(
                    instance, network_info, RESCUE_FILES[1],
                    rescue_password)
        except (exception.StratusException, OSError) as error:
            self._remove_rescue_files(instance)
            reason = (error.kwargs.get("reason") or error.format_message()
                      if isinstance(error, exception.StratusException)
                      else str(error))
            raise exception.InstanceNotRescuable(
                instance_id=instance.uuid, reason=reason) from error
        xml = guest_xml.domain_xml(config)
        guest_xml.assert_safe(xml)
        with open(original_path + ".part", "w") as handle:
            handle.write(original)
        os.replace(original_path + ".part", original_path)
        try:
            self._redefine_and_start(instance, domain, xml)
        except Exception:
            try:
                self.connection.defineXML(original)
            except libvirt.libvirtError:
                LOG.exception("Could not restore the definition of %s",
                              instance.uuid)
            else:
                self._remove_rescue_files(instance)
            raise

    def unrescue(self, ctx, instance):
        """Boot the guest from its own disk again (the definition saved
        in unrescue.xml) and remove the rescue files."""
        domain = self._domain(instance)
        original_path = os.path.join(self.instance_dir(instance.uuid),
                                     RESCUE_FILES[-1])
        try:
            with open(original_path) as handle:
                original = handle.read()
        except FileNotFoundError as error:
            raise exception.InstanceInvalidState(
                action="unrescue", instance_uuid=instance.uuid,
                attr="rescue definition", state="missing") from error
        self._redefine_and_start(instance, domain, original)
        self._remove_rescue_files(instance)

    def _remove_rescue_files(self, instance):
        for name in RESCUE_FILES:
            path = os.path.join(self.instance_dir(instance.uuid), name)
            if os.path.exists(path):
                os.unlink(path)

    def _redefine_and_start(self, instance, domain, xml):
        """Stop the guest, define the domain with xml and start it."""
        if domain.isActive():
            self._call(domain.destroy)
        self._call(self.connection.defineXML, xml)
        self._call(self._domain(instance).create)
