"""Online data migrations: rows the running release wants in a new shape,
moved in batches while the cloud runs (`stratus manage db
online_data_migrations`, Nova's).

Each migration is a function ``fn(context, max_count) -> (found, done)``:
it moves at most max_count rows of the API database or of any cell (the
admin context reaches them all) and says how many it found needing it
and how many it moved. Registered with the count of rows it has still to
move, which `stratus manage db contract` reads: a contract revision runs
only once every migration here is complete.

To add one: write the function beside the data it moves (an objects
module, as Nova's), give it a count function, and append it to
MIGRATIONS. Remove it a release after the contract revision that needs
it, never earlier.
"""
import collections

from stratus.objects import instance_mapping as instance_mapping_obj

OnlineMigration = collections.namedtuple(
    "OnlineMigration", "name migrate remaining")

# Run in this order (a later one may depend on an earlier one's data).
MIGRATIONS = [
    OnlineMigration("populate_user_id", instance_mapping_obj.populate_user_id,
                    instance_mapping_obj.count_without_user),
]


def remaining(context):
    """{migration name: rows it has still to move} of the unfinished
    ones."""
    left = {}
    for migration in MIGRATIONS:
        count = migration.remaining(context)
        if count:
            left[migration.name] = count
    return left


def run_to_completion(context, batch=50):
    """Run every migration in batches of batch rows until none moves a
    row (a cloud that is down for its upgrade: the all-in-one at start);
    {migration name: rows moved}."""
    moved = collections.Counter()
    while True:
        ran = 0
        for migration in MIGRATIONS:
            done = migration.migrate(context, batch)[1]
            moved[migration.name] += done
            ran += done
        if not ran:
            return dict(moved)
