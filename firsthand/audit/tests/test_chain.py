"""The audit log is a hash chain: `firsthand audit verify` finds an entry changed or removed behind firsthand's back."""

import importlib

import pytest
from django.db import connection

from firsthand.audit.log import record, verify
from firsthand.audit.models import AuditChainHead, AuditEvent
from firsthand.cli import main


def write_three(team):
    return [
        record("test.one", "first", actor=team.owner, workspace=team.workspace, n=1),
        record("test.two", "second", actor=team.owner, workspace=team.workspace, n=(2, 3)),
        record("test.three", "third", workspace=team.workspace),
    ]


def raw(sql, *params):
    # Behind firsthand's back, as someone with the database file would.
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


@pytest.mark.django_db
def test_each_entry_carries_the_hash_of_the_one_before(team):
    first, second, third = write_three(team)
    assert (first.seq, second.seq, third.seq) == (1, 2, 3)
    assert first.prev_hash == "" and second.prev_hash == first.hash and third.prev_hash == second.hash
    other = record("test.other", "elsewhere", workspace=team.outsider.memberships.get().workspace)
    assert other.seq == 1  # each workspace has its own chain
    assert verify().intact


@pytest.mark.django_db
def test_verify_names_a_changed_entry(team, capsys):
    first, second, _ = write_three(team)
    raw("UPDATE audit_auditevent SET summary = %s WHERE id = %s", "nothing happened", second.pk)
    result = verify()
    assert not result.intact
    assert len(result.problems) == 1 and f"entry {second.pk} " in result.problems[0]
    assert "changed" in result.problems[0]
    with pytest.raises(SystemExit) as exit:
        main(["audit", "verify"])
    assert exit.value.code == 1
    assert f"entry {second.pk} " in capsys.readouterr().err


@pytest.mark.django_db
def test_verify_finds_an_entry_changed_with_its_hash_recomputed(team):
    from firsthand.audit.chain import entry_hash

    first, second, _ = write_three(team)
    forged = {**AuditEvent.objects.filter(pk=first.pk).values()[0], "summary": "forged"}
    raw("UPDATE audit_auditevent SET summary = %s, hash = %s WHERE id = %s", "forged", entry_hash(forged), first.pk)
    problems = verify().problems
    assert problems and f"entry {first.pk} " in problems[0]


@pytest.mark.django_db
def test_verify_names_a_removed_entry_in_the_middle_and_at_the_end(team):
    first, second, third = write_three(team)
    raw("DELETE FROM audit_auditevent WHERE id = %s", second.pk)
    problems = verify().problems
    assert len(problems) == 1 and "1 entry removed" in problems[0] and f"entry {third.pk} " in problems[0]
    raw("DELETE FROM audit_auditevent WHERE id = %s", third.pk)
    assert any("last 2 entries" in p for p in verify().problems)


@pytest.mark.django_db
def test_removing_a_person_leaves_the_chain_intact(team):
    write_three(team)
    team.owner.delete()
    assert AuditEvent.objects.filter(actor__isnull=True, actor_label="owner@corner.example").exists()
    assert verify().intact


@pytest.mark.django_db
def test_verify_says_all_is_well_and_exits_zero(team, capsys):
    write_three(team)
    with pytest.raises(SystemExit) as exit:
        main(["audit", "verify"])
    assert exit.value.code == 0
    assert "3 entries" in capsys.readouterr().out


@pytest.mark.django_db
def test_the_migration_chains_entries_written_before(team):
    from django.apps import apps

    migration = importlib.import_module("firsthand.audit.migrations.0003_chained")
    write_three(team)
    # As an older version left them: no chain at all.
    raw("UPDATE audit_auditevent SET chain = '', seq = id, prev_hash = '', hash = ''")
    AuditChainHead.objects.all().delete()
    migration.chain_existing_entries(apps, None)
    assert list(AuditEvent.objects.order_by("seq").values_list("summary", "seq")) == [
        ("first", 1),
        ("second", 2),
        ("third", 3),
    ]
    assert verify().intact
