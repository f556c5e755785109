"""The compiled dump of every API response schema (app/schemas/compiled.py) answers what marshmallow's would: on
generated values of each field's type, None and absent keys, from dicts and from objects read by attribute."""

from __future__ import annotations

import datetime
import tempfile
import types

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from marshmallow import Schema, fields

from app import create_app
from app.schemas.compiled import compile_dump

TEXT = st.text(max_size=12)
SCALARS = {
    fields.String: TEXT | st.binary(max_size=4),
    fields.Integer: st.integers(-(2**40), 2**40) | st.booleans(),
    fields.Boolean: st.booleans() | st.integers(-1, 2) | st.sampled_from(["true", "off", "1"]),
    fields.UUID: st.uuids(),
    fields.DateTime: st.datetimes(timezones=st.sampled_from([datetime.UTC, None])),
}


def value_of(field: fields.Field, depth: int = 0) -> st.SearchStrategy:
    """Values a view may hand to `field`: its type's, or None."""
    kind = type(field)
    if kind is fields.Nested:
        one = objects_of(field.schema, depth + 1)
        return st.none() | (st.lists(one, max_size=3) if field.many or field.schema.many else one)
    if kind is fields.List:
        return st.none() | st.lists(value_of(field.inner, depth + 1), max_size=3)
    if kind is fields.Dict:
        return st.none() | st.dictionaries(TEXT, TEXT | st.integers() | st.none(), max_size=3)
    return st.none() | SCALARS.get(kind, TEXT | st.integers())


def objects_of(schema: Schema, depth: int = 0) -> st.SearchStrategy:
    """Dicts with any of the schema's attributes, or the same values as attributes of an object."""
    if depth > 3:
        return st.none()
    values = {
        (field.attribute or name): value_of(field, depth)
        for name, field in schema.dump_fields.items()
        if field._CHECK_ATTRIBUTE
    }
    as_dicts = st.fixed_dictionaries({}, optional=values)
    return as_dicts | as_dicts.map(lambda found: types.SimpleNamespace(**found))


def response_schemas() -> list[Schema]:
    """The schema instance of every success response of the API (`@blp.response`), as the views dump with it."""
    app = create_app(DATABASE_URL=f"sqlite:///{tempfile.mkdtemp()}/schemas.db")  # never opened
    found = {}
    for view in app.view_functions.values():
        doc = getattr(view, "_apidoc", {})
        responses = doc.get("response", {}).get("responses", {})
        for answers in (responses[code] for code in doc.get("success_status_codes", ()) if code in responses):
            for answer in answers if isinstance(answers, list) else [answers]:
                schema = answer.get("schema")
                if isinstance(schema, Schema):
                    found[id(schema)] = schema
    return list(found.values())


SCHEMAS = response_schemas()


def test_every_documented_response_is_dumped_by_its_compiled_dump():
    assert len(SCHEMAS) > 20
    names = {type(schema).__name__ for schema in SCHEMAS}
    assert {"FileListSchema", "MetadataSchema", "PresignedDownloadSchema"} <= names
    assert all("dump" in vars(schema) for schema in SCHEMAS)  # the instance's own dump: the compiled one


@pytest.mark.parametrize("schema", SCHEMAS, ids=lambda schema: type(schema).__name__)
@settings(max_examples=80)  # x 36 schemas
@given(data=st.data())
def test_compiled_dump_answers_as_marshmallow(schema, data):
    obj = data.draw(objects_of(schema))
    # Schema.dump is marshmallow's own, past the instance's; values it cannot show fail both ways alike
    assert outcome(schema.dump, obj) == outcome(Schema.dump, schema, obj)
    assert outcome(schema.dump, [obj], many=True) == outcome(Schema.dump, schema, [obj], many=True)


def outcome(dump, *args, **kwargs):
    try:
        return "dumped", dump(*args, **kwargs)
    except Exception as exc:  # noqa: BLE001 - the kind of failure is what is compared
        return "failed", type(exc)


def test_a_schema_with_dump_hooks_keeps_marshmallows_dump():
    from marshmallow import post_dump

    class Hooked(Schema):
        name = fields.String()

        @post_dump
        def shout(self, data, **_kwargs):
            return {**data, "name": data["name"].upper()}

    hooked = Hooked()
    assert compile_dump(hooked)({"name": "a"}) == {"name": "A"}


def test_defaults_and_data_keys():
    class Envelope(Schema):
        status = fields.String(dump_default="success")
        missing = fields.List(fields.String(), data_key="fields")
        when = fields.DateTime(format="%Y")

    envelope = Envelope()
    obj = {"missing": ["a"], "when": datetime.datetime(2026, 1, 2)}
    assert compile_dump(envelope)(obj) == {"status": "success", "fields": ["a"], "when": "2026"} == envelope.dump(obj)
