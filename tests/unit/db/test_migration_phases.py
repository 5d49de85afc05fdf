"""The CI check of the expand/contract classification (stratus/db/
migration.py): every revision says its phase, an expand revision makes
no change the previous release's code would trip on, and within a
release the contract revisions come after every expand one."""
import inspect

import pytest

from stratus.db import migration


def _all_revisions():
    return [(kind, script) for kind in migration.KINDS
            for script in migration.revisions(kind)]


@pytest.mark.parametrize("kind,script", _all_revisions(),
                         ids=lambda value: getattr(value, "revision", value))
def test_every_revision_declares_its_phase(kind, script):
    assert migration.phase(script) in migration.PHASES, (
        "%s revision %s (%s) must set phase = 'expand' or 'contract'"
        % (kind, script.revision, script.path))
    if migration.phase(script) == migration.CONTRACT:
        assert isinstance(getattr(script.module, "requires_service_version",
                                  None), int), (
            "contract revision %s must set requires_service_version"
            % script.revision)


@pytest.mark.parametrize("kind,script", _all_revisions(),
                         ids=lambda value: getattr(value, "revision", value))
def test_expand_revisions_only_add(kind, script):
    if migration.phase(script) != migration.EXPAND:
        pytest.skip("a contract revision may remove")
    with open(script.path, encoding="utf-8") as source:
        found = migration.destructive_ops(source.read())
    assert not found, "expand revision %s (%s) must not: %s" % (
        script.revision, script.path,
        ", ".join("%s (line %d)" % (what, line) for line, what in found))


@pytest.mark.parametrize("kind", migration.KINDS)
def test_contract_revisions_come_after_every_expand_one_of_a_release(kind):
    scripts = migration.revisions(kind)
    releases = migration.release_of(kind, scripts)
    contracted = set()
    for script in scripts:
        release = releases[script.revision]
        if migration.phase(script) == migration.CONTRACT:
            contracted.add(release)
        else:
            assert release not in contracted, (
                "expand revision %s comes after a contract revision of the "
                "same release: `db expand` would not reach it"
                % script.revision)


@pytest.mark.parametrize("kind", migration.KINDS)
def test_the_released_revisions_are_in_the_history(kind):
    ids = [script.revision for script in migration.revisions(kind)]
    for release, heads in migration.RELEASED.items():
        assert heads[kind] in ids, release


def _upgrade_source(body):
    return "from alembic import op\n\n\ndef upgrade():\n" + "".join(
        "    %s\n" % line for line in inspect.cleandoc(body).splitlines())


@pytest.mark.parametrize("body,what", [
    ("op.drop_table('t')", "drop_table"),
    ("op.drop_column('t', 'c')", "drop_column"),
    ("op.drop_index('ix', table_name='t')", "drop_index"),
    ("op.drop_constraint('uq', 't')", "drop_constraint"),
    ("op.rename_table('t', 'u')", "rename_table"),
    ("op.alter_column('t', 'c', nullable=False)", "alter_column(nullable=...)"),
    ("op.alter_column('t', 'c', type_=sa.Text())", "alter_column(type_=...)"),
    ("op.alter_column('t', 'c', new_column_name='d')",
     "alter_column(new_column_name=...)"),
    ("op.execute('ALTER TABLE t DROP COLUMN c')", "execute(destructive SQL)"),
    ("op.execute(sa.text('DELETE FROM t'))", "execute(destructive SQL)"),
    ("""
     with op.batch_alter_table('t') as batch:
         batch.add_column(sa.Column('d', sa.Integer()))
         batch.drop_column('c')
     """, "drop_column"),
])
def test_the_check_finds_what_breaks_old_code(body, what):
    assert [found for _, found in migration.destructive_ops(
        _upgrade_source(body))] == [what]


@pytest.mark.parametrize("body", [
    "op.create_table('t', sa.Column('id', sa.Integer()))",
    "op.add_column('t', sa.Column('c', sa.Integer(), nullable=True))",
    "op.create_index('ix', 't', ['c'])",
    "op.alter_column('t', 'c', nullable=True)",
    "op.alter_column('t', 'c', server_default='0')",
    "op.execute('UPDATE t SET c = 0 WHERE c IS NULL')",
    """
    with op.batch_alter_table('t') as batch_op:
        batch_op.add_column(sa.Column('d', sa.Integer()))
        batch_op.create_index('ix', ['d'])
    """,
])
def test_the_check_lets_additions_pass(body):
    assert migration.destructive_ops(_upgrade_source(body)) == []


def test_expand_stops_before_the_first_contract_revision():
    scripts = migration.revisions("api")
    ids = [script.revision for script in scripts]
    first_contract = next(script.revision for script in scripts
                          if migration.phase(script) == migration.CONTRACT)
    before = ids[ids.index(first_contract) - 1]
    assert migration.expand_target(scripts) == before
    assert migration.expand_target(scripts[ids.index(first_contract):]) \
        is None
    assert migration.required_service_version(scripts) == 2
