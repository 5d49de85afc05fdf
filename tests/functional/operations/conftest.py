import pytest


@pytest.fixture(autouse=True)
def patient_checks(conf):
    """The checks wait longer than in production: a loaded test machine
    may take seconds for a first connection."""
    conf.set_override("check_timeout", 30, group="healthcheck")
