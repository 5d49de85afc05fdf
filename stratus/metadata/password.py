"""The password a guest posts to the metadata service (encrypted with
the server's public key by the guest's tools), kept as Nova keeps it: in
the server's system metadata, cut into CHUNKS keys ``password_0`` ...
of at most CHUNK_LENGTH characters (a system metadata value's column).
The metadata service writes it (POST /openstack/<version>/password), the
compute API shows and clears it (/servers/{id}/os-server-password)."""
CHUNKS = 4
CHUNK_LENGTH = 255
MAX_SIZE = CHUNKS * CHUNK_LENGTH
KEYS = tuple("password_%d" % index for index in range(CHUNKS))


def extract(system_metadata):
    """The password the system metadata holds, or None."""
    return "".join(system_metadata.get(key) or "" for key in KEYS) or None


def chunks(password):
    """The system metadata keys holding password ('' or None: keys that
    clear it)."""
    password = password or ""
    return {key: password[index * CHUNK_LENGTH:(index + 1) * CHUNK_LENGTH]
            for index, key in enumerate(KEYS)}
