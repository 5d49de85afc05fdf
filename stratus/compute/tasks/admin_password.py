"""Set the guest's admin password (changePassword): a call, so that the
caller learns whether the driver could.
"""
from stratus import exception
from stratus.virt import driver as virt_driver


class AdminPasswordMixin:
    """The compute manager's changePassword."""

    def set_admin_password(self, ctx, instance, new_pass):
        def failed(exc):
            if isinstance(exc, (exception.ActionNotSupportedByDriver,
                                exception.InstanceAgentNotEnabled,
                                exception.SetAdminPasswdNotSupported)):
                return exc
            # Nova's wording: the driver's own error may quote the
            # password, so the caller never sees it.
            return exception.InstancePasswordSetFailed(
                instance=instance.uuid, reason="error setting admin password")
        self._perform(ctx, instance, "changePassword",
                      virt_driver.AdminPassword,
                      lambda: self.driver.set_admin_password(instance,
                                                             new_pass),
                      raise_failure=failed)
