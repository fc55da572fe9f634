"""Writing a checked import plan: buildings, owner accounts, units, sales and buyers, in
batches inside the caller's transaction, then fresh planner statistics on PostgreSQL."""

import secrets
from collections.abc import Iterator

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.db import connection

from idi.parties.models import Profile, Role
from idi.parties.services import new_owner_username
from idi.projects.imports import BATCH_SIZE, ImportPlan
from idi.projects.models import (
    Building,
    Sale,
    Unit,
)


def _unusable_password() -> str:
    """What `set_unusable_password` stores, without its per-call cost on 100,000 owners."""
    return UNUSABLE_PASSWORD_PREFIX + secrets.token_urlsafe(30)


def _batches(items: list, size: int = BATCH_SIZE) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def write_plan(*, plan: ImportPlan, progress) -> None:
    """Write a plan without errors: buildings, units, owners, sales, in batches.

    Runs inside the caller's transaction; the ids come back from the INSERTs (RETURNING).
    """
    project = plan.project
    new = [
        Building(
            project=project,
            permit_id=spec.permit_id,
            name=spec.name,
            housing_type=spec.housing_type,
            fully_decorated=bool(spec.fully_decorated),
            floors_above=spec.floors_above,
            floors_below=spec.floors_below,
        )
        for spec in plan.new_buildings.values()
    ]
    Building.objects.bulk_create(new)
    building_ids = {**plan.buildings, **{b.name: b.pk for b in new}}

    users = get_user_model()
    owner_ids = dict(plan.owners)
    numbers = list(plan.new_owners)
    total = len(plan.units) + len(numbers)
    with progress(desc="写入 / writing", total=total, unit="行") as bar:
        for chunk in _batches(numbers):
            accounts = [
                users(
                    username=new_owner_username(),
                    first_name=plan.new_owners[n][0],
                    password=_unusable_password(),
                )
                for n in chunk
            ]
            users.objects.bulk_create(accounts)
            Profile.objects.bulk_create(
                Profile(
                    user_id=account.pk,
                    roles=[Role.OWNER],
                    real_name=plan.new_owners[n][0],
                    id_number=n,
                    phone=plan.new_owners[n][1],
                )
                for n, account in zip(chunk, accounts, strict=True)
            )
            owner_ids.update({n: a.pk for n, a in zip(chunk, accounts, strict=True)})
            bar.update(len(chunk))

        through = Sale.buyers.through
        for chunk in _batches(plan.units):
            unit_ids = _insert_rows(
                Unit,
                ["project", "building", "room_number", "floor", "area"],
                [
                    (project.pk, building_ids[u.building], u.room_number, u.floor, u.area)
                    for u in chunk
                ],
                key=["building", "room_number"],
            )
            sold = [
                (u, unit_ids[(building_ids[u.building], u.room_number)]) for u in chunk if u.buyers
            ]
            sale_ids = _insert_rows(
                Sale,
                ["unit", "sold_on", "contract_number"],
                [(unit_id, u.sold_on, u.contract_number) for u, unit_id in sold],
                key=["unit"],
            )
            _insert_rows(
                through,
                ["sale", "user"],
                [(sale_ids[(unit_id,)], owner_ids[n]) for u, unit_id in sold for n in u.buyers],
            )
            bar.update(len(chunk))


def _insert_rows(
    model, names: list[str], rows: list[tuple], *, key: list[str] | None = None
) -> dict:
    """INSERT rows of already-checked values, one statement per batch; with `key`, the new ids
    by the values of those (unique) fields.

    `bulk_create` builds a model object and compiles each value through the ORM, which was two
    thirds of a 100,000-unit import; the ids are matched by key rather than by the order of
    RETURNING, which neither database promises."""
    fields = [model._meta.get_field(name) for name in names]
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    columns = ", ".join(quote(f.column) for f in fields)
    row_sql = "(" + ", ".join(["%s"] * len(fields)) + ")"
    returning = ""
    key_fields = [model._meta.get_field(name) for name in key or []]
    if key_fields:
        returning = " RETURNING " + ", ".join(
            quote(f.column) for f in [model._meta.pk, *key_fields]
        )
    size = max(1, connection.ops.bulk_batch_size(fields, rows))
    ids: dict = {}
    with connection.cursor() as cursor:
        for batch in _batches(rows, size):
            params = [
                f.get_db_prep_save(value, connection=connection)
                for row in batch
                for f, value in zip(fields, row, strict=True)
            ]
            values = ", ".join([row_sql] * len(batch))
            # Only quoted names from the model and placeholders go into the text; values are params.
            sql = f"INSERT INTO {table} ({columns}) VALUES {values}{returning}"  # noqa: S608
            cursor.execute(sql, params)
            if key_fields:
                ids.update({tuple(found[1:]): found[0] for found in cursor.fetchall()})
    return ids


# Below this many units an import leaves the planner's statistics to autovacuum.
ANALYZE_FROM_UNITS = 1000


def refresh_statistics() -> None:
    """After a large import, let PostgreSQL plan with the new row counts at once: with the old
    statistics it pages through a project by hashing every unit (17 ms instead of 0.1 ms for a
    page at 20,000 units) until autovacuum gets round to it. Run after commit."""
    if connection.vendor != "postgresql":
        return
    tables = [
        model._meta.db_table
        for model in (Building, Unit, Sale, Sale.buyers.through, Profile, get_user_model())
    ]
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE " + ", ".join(connection.ops.quote_name(t) for t in tables))
