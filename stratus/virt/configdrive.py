"""Config drives: an ISO9660 image labelled ``config-2`` holding the same
content the metadata service serves (``stratus.metadata.content``), made
with genisoimage."""
import os
import subprocess
import tempfile

from stratus import exception
from stratus.metadata import content as metadata_content

LABEL = "config-2"


def make_config_drive(instance, network_info, target, admin_pass=None):
    """The drive at target; admin_pass (a boot's or a rescue's password)
    goes into meta_data.json as Nova's config drive has it."""
    content = metadata_content.InstanceMetadata(
        instance, network_info,
        extra_md={"admin_pass": admin_pass} if admin_pass else None)
    with tempfile.TemporaryDirectory(dir=os.path.dirname(target)) as work:
        for path, data in content.files().items():
            full = os.path.join(work, path)
            os.makedirs(os.path.dirname(full), exist_ok=True)
            with open(full, "wb") as handle:
                handle.write(data)
        try:
            subprocess.run(
                ["genisoimage", "-o", target, "-ldots", "-allow-lowercase",
                 "-allow-multidot", "-l", "-quiet", "-J", "-r", "-V", LABEL,
                 work], check=True, capture_output=True, text=True)
        except FileNotFoundError as error:
            raise exception.ConfigDriveError(reason="genisoimage is not installed") \
                from error
        except subprocess.CalledProcessError as error:
            raise exception.ConfigDriveError(reason=error.stderr.strip()) from error
    os.chmod(target, 0o644)
    return target
