"""Insights (spec routes 27-38) through both doors, on both databases: the spec's examples,
results and previews equal to a plain SQL query over the same generated rows, exports, and
another business's ids answering 404."""

import csv
import io
import random
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import text

from app.db.engine import Database
from app.db.models import Contact, ContactAddress, CustomerEvent
from app.onboarding import BootstrapResult
from tests.conftest import Api, counting_statements, snapshot_changes, table_snapshot
from tests.test_wallets import other_business

UNKNOWN = "0190a8f4-7b5c-7d2e-9a31-5f2c8e4b1a77"
VENUES = ["Costa Coffee Nicosia", "Costa Coffee Larnaca", "Costa Coffee Limassol"]
CITIES = ["Nicosia", "Larnaca", "London", None]
START = datetime(2021, 2, 1, tzinfo=UTC)


async def generate(db: Database, organisation_id: str, seed: int = 7, prefix: str = "G") -> None:
    """40 contacts (some with a city) and 400 events of three types at three venues; contact
    codes are ``prefix`` and a number."""
    rng = random.Random(seed)
    async with db.write() as session:
        contacts = []
        for index in range(40):
            contact = Contact(
                organisation_id=organisation_id,
                is_test=False,
                contact_type="PERSON",
                first_name=f"Person {index}",
                code=f"{prefix}{index:03d}",
                custom_fields=[],
            )
            session.add(contact)
            contacts.append(contact)
        await session.flush()
        for contact in contacts:
            city = rng.choice(CITIES)
            if city is not None:
                session.add(ContactAddress(contact_id=contact.id, town_city=city, is_primary=True))
            # Other addresses: the primary one wins, else the first one.
            if rng.random() < 0.4:
                other = "Paphos" if city is not None else "Kyrenia"
                session.add(
                    ContactAddress(contact_id=contact.id, town_city=other, is_primary=False)
                )
        for _ in range(400):
            properties: dict[str, Any] = {"venue": {"name": rng.choice(VENUES)}}
            if rng.random() < 0.2:
                properties = {"channel": "web"}
            properties["basket"] = rng.randint(1, 5)
            session.add(
                CustomerEvent(
                    organisation_id=organisation_id,
                    is_test=False,
                    type=rng.choice(["PURCHASE", "PURCHASE", "SPEND", "REFERRAL"]),
                    contact_id=rng.choice(contacts).id,
                    amount=Decimal(rng.randint(100, 5000)) / 100,
                    currency_code="EUR",
                    occurred_on=START + timedelta(hours=rng.randint(0, 24 * 40)),
                    properties=properties,
                )
            )


def _venue(dialect: str) -> str:
    if dialect == "postgresql":
        return "e.properties -> 'venue' ->> 'name'"
    return "json_extract(e.properties, '$.venue.name')"


def _city() -> str:
    return (
        "(SELECT a.town_city FROM contact_addresses a WHERE a.contact_id = c.id"
        " ORDER BY a.is_primary DESC, a.id LIMIT 1)"
    )


async def plain_sql(
    db: Database, start: datetime, end: datetime, venues: Sequence[str], city_not: str
) -> dict[tuple[Any, ...], tuple[int, Decimal]]:
    """The hand-written query of the test insight: PURCHASE events at ``venues`` whose
    contact's city is not ``city_not``, counted and totalled by venue and by city."""
    async with db.read() as session:
        dialect = session.get_bind().dialect.name
        scale = "/ 10000.0" if dialect == "sqlite" else ""
        placeholders = ", ".join(f":v{i}" for i in range(len(venues)))
        sql = f"""
            SELECT {_venue(dialect)} AS venue, {_city()} AS city, count(*) AS n,
                   sum(e.amount) {scale} AS total
            FROM customer_events e JOIN contacts c ON c.id = e.contact_id
            WHERE e.type = 'PURCHASE' AND e.occurred_on >= :start AND e.occurred_on <= :end
              AND {_venue(dialect)} IN ({placeholders})
              AND ({_city()} IS NULL OR {_city()} <> :city)
            GROUP BY 1, 2
        """
        params: dict[str, Any] = {f"v{i}": venue for i, venue in enumerate(venues)}
        bounds = (start, end)
        if dialect == "sqlite":
            bounds = tuple(b.replace(tzinfo=None) for b in bounds)  # type: ignore[assignment]
        params |= {"start": bounds[0], "end": bounds[1], "city": city_not}
        rows = (await session.execute(text(sql), params)).all()
    totals: dict[tuple[Any, ...], tuple[int, Decimal]] = {}
    for venue, city, n, total in rows:
        amount = Decimal(str(total)).quantize(Decimal("0.01"))
        for key in ((), (venue,), (venue, city)):
            count, summed = totals.get(key, (0, Decimal(0)))
            totals[key] = (count + n, summed + amount)
    return totals


DEFINITION: dict[str, Any] = {
    "events": [
        {
            "name": "Purchases",
            "event_name": "PURCHASE",
            "totals": {"is_frequency": False, "property_name": "amount"},
            "criteria": [
                {
                    "name": "A",
                    "property": {
                        "property": "venue.name",
                        "operator": "IS",
                        "value_list": VENUES[:2],
                    },
                }
            ],
        }
    ],
    "filters": [
        {"type": "CONTACT", "property_name": "city", "operator": "IS_NOT", "value_list": ["London"]}
    ],
    "breakdowns": [
        {"type": "EVENT", "property_name": "venue.name"},
        {"type": "CONTACT", "property_name": "city"},
    ],
}


def _by_path(content: list[dict[str, Any]]) -> dict[tuple[Any, ...], tuple[int, Decimal]]:
    """Result rows keyed by the breakdown values leading to them (checked to link up)."""
    rows = {row["breakdown"]["id"]: row["breakdown"] for row in content}
    keyed: dict[tuple[Any, ...], tuple[int, Decimal]] = {}
    for row in rows.values():
        path: list[Any] = []
        node = row
        while node["level"] > 0:
            path.insert(0, node["property_value"])
            node = rows[node["parent_id"]]
        assert node["parent_id"] is None and node["property_value"] == "Purchases"
        keyed[tuple(path)] = (row["count"], Decimal(str(row["amount"])).quantize(Decimal("0.01")))
    return keyed


async def test_results_and_previews_equal_plain_sql(
    api: Api, db: Database, tenant: BootstrapResult
) -> None:
    await generate(db, tenant.organisation_id)
    insight_id = (await api.rest("POST", "/insights", {"name": "Venues"})).json()["id"]
    for part in ("events", "filters", "breakdowns"):
        added = await api.rest("POST", f"/insights/{insight_id}/{part}", {part: DEFINITION[part]})
        assert added.status_code == 201, added.text
    start, end = START + timedelta(days=3), START + timedelta(days=30)
    window = {"start_date": int(start.timestamp()), "end_date": int(end.timestamp())}
    expected = await plain_sql(db, start, end, VENUES[:2], "London")
    assert expected[()][0] > 20  # the data has something to count

    results = await api.rest("GET", f"/insights/{insight_id}/results", params=window)
    assert results.status_code == 200, results.text
    content = results.json()["content"]
    assert list(results.json()) == ["content"]
    assert _by_path(content) == expected
    levels = [row["breakdown"]["level"] for row in content]
    assert levels[0] == 0 and set(levels) == {0, 1, 2}
    assert {
        row["breakdown"]["property_name"] for row in content if row["breakdown"]["level"] == 2
    } == {"city"}

    preview = await api.rest("POST", f"/insights/{insight_id}/preview", DEFINITION | window)
    assert preview.status_code == 200, preview.text
    assert _by_path(preview.json()["content"]) == expected

    tree = await api.data(
        f'{{ insight(id: "{insight_id}") {{ results(start_date: {window["start_date"]}, '
        f"end_date: {window['end_date']}) {{ tree {{ count amount children {{ property_value "
        "count children { property_value count } } } } } }"
    )
    root = tree["insight"]["results"]["tree"][0]
    assert root["count"] == expected[()][0]
    assert Decimal(root["amount"]).quantize(Decimal("0.01")) == expected[()][1]
    assert sum(child["count"] for child in root["children"]) == root["count"]
    again = await api.rest("GET", f"/insights/{insight_id}/results", params=window)
    assert again.json() == results.json()  # ids are stable


async def test_spec_examples_through_both_doors(
    api: Api, db: Database, tenant: BootstrapResult
) -> None:
    await generate(db, tenant.organisation_id, seed=3)
    created = await api.rest(
        "POST",
        "/insights",
        {"name": "Marketing customers", "description": "A list of customers that own an account"},
    )
    assert created.status_code == 200 and list(created.json()) == ["id"]
    insight_id = created.json()["id"]
    updated = await api.rest(
        "PUT",
        f"/insights/{insight_id}",
        {
            "name": "Rewards Award",
            "description": "List of contacts owning a non-terminated account",
            "refresh_frequency": 1,
        },
    )
    assert updated.status_code == 200 and updated.json() == {"id": insight_id}
    events = {
        "events": [
            {
                "name": "Purchases",
                "event_name": "SPEND",
                "totals": {"is_frequency": False, "property_name": "amount"},
                "criteria": [
                    {
                        "name": "A",
                        "property": {
                            "property": "venue.name",
                            "operator": "IS",
                            "value_list": ["Costa Coffee Nicosia"],
                        },
                    }
                ],
            }
        ]
    }
    added = await api.rest("POST", f"/insights/{insight_id}/events", events)
    assert added.status_code == 201, added.text
    filters = {
        "filters": [
            {
                "name": "",
                "type": "EVENT",
                "property_name": "",
                "operator": "IS_NOT",
                "min_value": "",
                "max_value": "",
                "value_list": [""],
            }
        ]
    }
    assert (await api.rest("POST", f"/insights/{insight_id}/filters", filters)).status_code == 201
    breakdowns = {"breakdowns": [{"name": "", "type": "CONTACT", "property_name": "city"}]}
    response = await api.rest("POST", f"/insights/{insight_id}/breakdowns", breakdowns)
    assert response.status_code == 201

    got = (await api.rest("GET", f"/insights/{insight_id}")).json()
    assert got["name"] == "Rewards Award" and got["refresh_frequency"] == 1
    event = got["events"][0]
    assert {k: event[k] for k in ("name", "event_name", "totals", "criteria")} == events["events"][
        0
    ]
    assert got["filters"][0]["operator"] == "IS_NOT" and got["filters"][0]["value_list"] == [""]
    assert got["breakdowns"][0] | {"id": None} == {
        "id": None,
        "name": "",
        "type": "CONTACT",
        "property_name": "city",
    }
    listed = await api.rest("GET", "/insights")
    assert listed.status_code == 200
    assert listed.json()["content"][0]["description"].startswith("List of contacts")
    assert listed.json()["paging"]["total"] == 1

    results = await api.rest("GET", f"/insights/{insight_id}/results")
    assert results.status_code == 200
    first = results.json()["content"][0]["breakdown"]
    assert set(first) == {
        "id",
        "parent_id",
        "level",
        "property_name",
        "property_value",
        "event_name",
        "count",
        "amount",
        "list_name",
    }
    assert first["level"] == 0 and first["event_name"] == "SPEND" and first["count"] > 0

    preview_example = {
        "start_date": 1612953199,
        "end_date": 1612953199,
        "events": [
            {
                "name": "Purchases",
                "event_name": "PURCHASE",
                "totals": {"is_frequency": True, "property_name": ""},
                "criteria": [
                    {
                        "name": "A",
                        "property": {
                            "property": "venue.name",
                            "operator": "IS_NOT",
                            "value_list": [""],
                        },
                    }
                ],
            }
        ],
        "filters": filters["filters"],
        "breakdowns": [{"name": "", "type": "CONTACT", "property_name": ""}],
    }
    preview = await api.rest("POST", f"/insights/{insight_id}/preview", preview_example)
    assert preview.status_code == 200, preview.text
    assert [row["breakdown"]["level"] for row in preview.json()["content"]] == [0]

    distincts = await api.rest(
        "GET", "/distincts", params={"collection": "CONTACT", "property": "city"}
    )
    assert distincts.status_code == 200
    cities = {row["property_value"] for row in distincts.json()}
    assert {c for c in CITIES if c} <= cities <= {c for c in CITIES if c} | {"Kyrenia"}
    assert [row["property_value"] for row in distincts.json()] == sorted(cities)
    venues = await api.data(
        '{ distincts(collection: EVENT, property: "venue.name") { property_value } }'
    )
    assert [v["property_value"] for v in venues["distincts"]] == sorted(VENUES)

    exported = await api.rest(
        "POST", f"/insights/{insight_id}/exports", {"type": "UGD", "format": "csv"}
    )
    assert exported.status_code == 200, exported.text
    export = exported.json()
    assert export["type"] == "UGD" and export["format"] == "CSV"
    download = await api.client.get(export["download_url"], headers={"api_key": api.key or ""})
    assert download.status_code == 200, download.text
    assert download.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(download.text)))
    assert len(rows) == export["rows"] == first["count"]
    assert {row["type"] for row in rows} == {"SPEND"}
    unauthenticated = await api.client.get(export["download_url"])
    assert unauthenticated.status_code == 401
    tabular = await api.rest("POST", f"/insights/{insight_id}/exports", {})
    assert tabular.status_code == 200 and tabular.json()["type"] == "TABULAR"
    table = await api.client.get(tabular.json()["download_url"], headers={"api_key": api.key or ""})
    lines = list(csv.DictReader(io.StringIO(table.text)))
    assert len(lines) == len(results.json()["content"])
    assert lines[0]["count"] == str(first["count"])

    deleted = await api.rest("DELETE", f"/insights/{insight_id}/")
    assert deleted.status_code == 200 and deleted.json() == {"id": insight_id}
    gone = await api.rest("GET", f"/insights/{insight_id}")
    assert gone.status_code == 404 and gone.json()["parameters"] == ["insight", insight_id]


async def test_bad_definitions_are_refused_and_change_nothing(
    api: Api, db: Database, tenant: BootstrapResult
) -> None:
    insight_id = (await api.rest("POST", "/insights", {"name": "Checks"})).json()["id"]
    before = await table_snapshot(db)
    event = {"event_name": "PURCHASE"}
    cases = [
        (
            "filters",
            {"filters": [{"type": "CONTACT", "property_name": "shoe_size", "value_list": ["1"]}]},
            "filters[0].property_name",
        ),
        (
            "filters",
            {"filters": [{"type": "EVENT", "property_name": "venue..name"}]},
            "filters[0].property_name",
        ),
        (
            "filters",
            {
                "filters": [
                    {
                        "type": "EVENT",
                        "property_name": "basket",
                        "operator": "BETWEEN",
                        "min_value": "x",
                    }
                ]
            },
            "filters[0].min_value",
        ),
        ("filters", {"filters": [{"type": "PLANET", "property_name": "x"}]}, "filters[0].type"),
        ("events", {"events": [{"event_name": "TELEPORT"}]}, "events[0].event_name"),
        ("breakdowns", {"breakdowns": [{"type": "EVENT", "property_name": "a"}] * 5}, "breakdowns"),
    ]
    for part, body, field in cases:
        response = await api.rest("POST", f"/insights/{insight_id}/{part}", body)
        if response.status_code == 201:  # checked when the results are computed
            response = await api.rest("GET", f"/insights/{insight_id}/results")
        assert response.status_code == 400, (body, response.text)
        assert response.json()["parameters"][0] == field, (body, response.text)
        if part == "filters":
            async with db.write() as session:
                await session.execute(text("DELETE FROM insight_filters"))
    assert snapshot_changes(before, await table_snapshot(db)) == []
    backwards = await api.rest(
        "GET", f"/insights/{insight_id}/results", params={"start_date": 20, "end_date": 10}
    )
    assert backwards.status_code == 400 and backwards.json()["parameters"][0] == "end_date"
    preview = await api.rest(
        "POST",
        f"/insights/{insight_id}/preview",
        {
            "events": [event],
            "filters": [
                {
                    "type": "CONTACT",
                    "property_name": "city",
                    "operator": "BETWEEN",
                    "min_value": "1",
                }
            ],
        },
    )
    assert preview.status_code == 400 and preview.json()["parameters"][0] == "filters[0].operator"
    distinct = await api.rest(
        "GET", "/distincts", params={"collection": "CONTACT", "property": "shoe"}
    )
    assert distinct.status_code == 400


async def test_another_business_gets_404(api: Api, db: Database, tenant: BootstrapResult) -> None:
    insight_id = (await api.rest("POST", "/insights", {"name": "Mine"})).json()["id"]
    exported = (await api.rest("POST", f"/insights/{insight_id}/exports", {})).json()
    other = api.as_key(await other_business(db))
    for method, path, body in [
        ("GET", f"/insights/{insight_id}", None),
        ("PUT", f"/insights/{insight_id}", {"name": "Theirs"}),
        ("DELETE", f"/insights/{insight_id}", None),
        ("POST", f"/insights/{insight_id}/events", {"events": [{"event_name": "SPEND"}]}),
        ("POST", f"/insights/{insight_id}/filters", {"filters": []}),
        ("POST", f"/insights/{insight_id}/breakdowns", {"breakdowns": []}),
        ("GET", f"/insights/{insight_id}/results", None),
        ("POST", f"/insights/{insight_id}/preview", {}),
        ("POST", f"/insights/{insight_id}/exports", {}),
    ]:
        response = await other.rest(method, path, body)
        assert response.status_code == 404, (method, path, response.text)
        assert response.json()["parameters"] == ["insight", insight_id]
    assert (await other.rest("GET", "/insights")).json()["paging"]["total"] == 0
    download = await api.client.get(exported["download_url"], headers={"api_key": other.key or ""})
    assert download.status_code == 404


async def test_operators_and_property_totals_equal_plain_sql(
    api: Api, db: Database, tenant: BootstrapResult
) -> None:
    await generate(db, tenant.organisation_id, seed=5)
    insight_id = (await api.rest("POST", "/insights", {"name": "Baskets"})).json()["id"]
    definition = {
        "events": [
            {
                "name": "Baskets",
                "event_name": "PURCHASE",
                "totals": {"is_frequency": False, "property_name": "basket"},
                "criteria": [
                    {
                        "name": "A",
                        "property": {
                            "property": "venue.name",
                            "operator": "DOES_NOT_CONTAIN",
                            "value_list": ["LIMASSOL"],
                        },
                    }
                ],
            }
        ],
        "filters": [
            {
                "type": "EVENT",
                "property_name": "basket",
                "operator": "BETWEEN",
                "min_value": "2",
                "max_value": "4",
            },
            {
                "type": "CONTACT",
                "property_name": "code",
                "operator": "CONTAINS",
                "value_list": ["g01", "G02"],
            },
        ],
        "breakdowns": [{"type": "EVENT", "property_name": "venue.name"}],
    }
    preview = await api.rest("POST", f"/insights/{insight_id}/preview", definition)
    assert preview.status_code == 200, preview.text
    rows = {
        row["breakdown"]["property_value"]: (row["breakdown"]["count"], row["breakdown"]["amount"])
        for row in preview.json()["content"]
    }
    async with db.read() as session:
        dialect = session.get_bind().dialect.name
        if dialect == "postgresql":
            venue, basket = "e.properties -> 'venue' ->> 'name'", "(e.properties ->> 'basket')::int"
        else:
            venue, basket = (
                "json_extract(e.properties, '$.venue.name')",
                ("json_extract(e.properties, '$.basket')"),
            )
        sql = f"""
            SELECT {venue} AS venue, count(*), sum({basket})
            FROM customer_events e JOIN contacts c ON c.id = e.contact_id
            WHERE e.type = 'PURCHASE'
              AND ({venue} IS NULL OR lower({venue}) NOT LIKE '%limassol%')
              AND {basket} BETWEEN 2 AND 4
              AND (lower(c.code) LIKE '%g01%' OR lower(c.code) LIKE '%g02%')
            GROUP BY 1
        """
        expected = {
            venue_name: (int(n), int(total))
            for venue_name, n, total in (await session.execute(text(sql))).all()
        }
    assert expected  # the data has something to count
    assert rows.pop("Baskets") == (
        sum(n for n, _ in expected.values()),
        sum(total for _, total in expected.values()),
    )
    assert rows == expected


async def test_a_result_is_one_statement_over_the_events(
    api: Api, db: Database, tenant: BootstrapResult, gateway: Any
) -> None:
    app, _ = gateway
    insight_id = (await api.rest("POST", "/insights", {"name": "Venues"})).json()["id"]
    for part in ("events", "filters", "breakdowns"):
        await api.rest("POST", f"/insights/{insight_id}/{part}", {part: DEFINITION[part]})
    await api.rest("GET", f"/insights/{insight_id}/results")  # the key is remembered
    counts = []
    for seed in (1, 2):
        await generate(db, tenant.organisation_id, seed=seed, prefix=f"S{seed}-")
        with counting_statements(app) as statements:
            response = await api.rest("GET", f"/insights/{insight_id}/results")
        assert response.status_code == 200 and response.json()["content"]
        over_events = [s for s in statements if "customer_events" in s]
        assert len(over_events) == 1 and "GROUP BY" in over_events[0]
        counts.append(len(statements))
    assert counts[0] == counts[1]  # the same statements whatever the number of events
