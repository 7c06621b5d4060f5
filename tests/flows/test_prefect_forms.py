"""Issue 12 items 21-23: the open_hearing form (Danish titles, a working-days deadline with a
time passes the schema Prefect validates the form with, a mistake is a sentence), docs/operations.md's
``prefect deployment run`` example as written, and runs named and tagged by what they did."""

from __future__ import annotations

import asyncio
import json
import re
from datetime import timedelta

import pytest
from flows.hearings import OpenHearingRequest, hearing_watch, open_hearing
from prefect.client.orchestration import get_client
from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterTags
from prefect.utilities.callables import parameter_schema
from prefect.utilities.schema_tools.validation import ValidationError as SchemaError
from prefect.utilities.schema_tools.validation import validate
from pydantic import ValidationError

from hoering.runtime import Runtime
from hoering.services.answers import record_answer
from tests.support import JYFE_DEADLINE, JYFE_OPENED, ROOT, Clock

RFC3339_TIME = re.compile(r"^\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$", re.IGNORECASE)


@pytest.fixture
def flow_rt(flow_env) -> Runtime:
    return flow_env(Clock())


def form_schema() -> dict:
    return parameter_schema(open_hearing).model_dump_for_openapi()


def test_the_form_accepts_a_working_days_deadline_with_its_default_time():
    schema = form_schema()
    working_days = schema["definitions"]["WorkingDays"]["properties"]
    default = working_days["time"]["default"]
    # The UI checks JSON schema's "time" format as RFC 3339 full-time, which needs a UTC offset:
    # "12:00:00" (pydantic's default for a time field) was refused by the form itself.
    if working_days["time"].get("format") == "time":
        assert RFC3339_TIME.match(default), f"the form's own default {default!r} fails its format"
    assert re.match(working_days["time"]["pattern"], default) and re.match(working_days["time"]["pattern"], "12:00")
    params = {"request": {"definition": {
        "title": "Interesse for at være fokuskommune", "body": "das", "kind": "interest",
        "question": "Ønsker kommunen at indgå?", "deadline": {"working_days": 10, "time": default}}}}
    validate(params, schema, raise_on_error=True, preprocess=True)
    params["request"]["definition"]["deadline"]["time"] = "12:00"
    validate(params, schema, raise_on_error=True, preprocess=True)
    params["request"]["definition"]["deadline"]["time"] = "kl. 12"
    with pytest.raises(SchemaError):
        validate(params, schema, raise_on_error=True, preprocess=True)


def test_the_form_speaks_danish_and_a_mistake_is_a_sentence():
    schema = form_schema()
    request = schema["definitions"]["OpenHearingRequest"]["properties"]
    assert request["hearing_file"]["title"] == "Høringsfil" and request["definition"]["title"] == "Høring"
    assert request["allow_closed_day"]["title"] == "Tillad frist på en lukkedag"
    hearing = schema["definitions"]["HearingDefinition"]["properties"]
    assert hearing["deadline"]["title"] == "Frist" and hearing["question"]["title"] == "Spørgsmål"
    with pytest.raises(ValidationError) as failure:
        OpenHearingRequest()
    message = failure.value.errors()[0]["msg"]
    assert message == "Value error, Angiv enten en høringsfil eller en høring (ikke begge)."
    assert "{" not in message


def readme_params() -> dict:
    readme = (ROOT / "docs" / "operations.md").read_text(encoding="utf-8")
    found = re.search(r"prefect deployment run open_hearing/open-hearing --params\s+'([^']+)'", readme)
    assert found, "docs/operations.md's example is gone"
    return json.loads(found.group(1))


def test_the_readme_example_succeeds_as_written(flow_rt: Runtime, monkeypatch: pytest.MonkeyPatch):
    """The same parameters docs/operations.md passes to `prefect deployment run`, validated by Prefect as
    a deployment run validates them, from the checkout's folder (as a worker started there)."""
    monkeypatch.chdir(ROOT)
    params = readme_params()
    hid = asyncio.run(open_hearing(**params))
    assert hid >= 1


def test_runs_are_named_and_tagged_by_what_they_did(flow_rt: Runtime):
    hid = asyncio.run(open_hearing(OpenHearingRequest(definition=None, hearing_file=str(ROOT / "examples/jyfe.yaml"),
                                                      now=JYFE_OPENED, again=True)))
    clock = Clock(JYFE_OPENED)
    clock.advance(days=1)
    record_answer(Runtime(flow_rt.settings, flow_rt.db, clock), hid, kommune="Aalborg", option="pulje")
    asyncio.run(hearing_watch(now=JYFE_OPENED + timedelta(days=1)))  # nothing due
    asyncio.run(hearing_watch(now=JYFE_DEADLINE - timedelta(hours=23)))  # P1D reminder
    asyncio.run(hearing_watch(now=JYFE_DEADLINE + timedelta(minutes=5)))  # close

    async def runs_tagged(tag: str):
        async with get_client() as client:
            return await client.read_flow_runs(flow_run_filter=FlowRunFilter(tags=FlowRunFilterTags(all_=[tag])))

    mine = {r.name: set(r.tags) for r in asyncio.run(runs_tagged(f"hearing-{hid}"))}
    assert mine == {f"hearing-{hid} open": {f"hearing-{hid}", "open"},
                    f"hearing-{hid} reminder": {f"hearing-{hid}", "reminder"},
                    f"hearing-{hid} close": {f"hearing-{hid}", "close"}}
    assert any(r.name == "nothing due" for r in asyncio.run(runs_tagged("nothing-due")))
