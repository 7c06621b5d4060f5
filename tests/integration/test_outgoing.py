"""Issue 11 item 3: every mail hoering sends is decided in ``services.outgoing``; ``mail`` only
renders, queues and sends. The secretariat that signs the mails is the one the registry holds."""

from __future__ import annotations

from pathlib import Path

import yaml

from hoering.registry import DEFAULT_REGISTRY
from hoering.services.documents import document_view
from hoering.services.hearings import open_hearing
from hoering.services.outbox import send_outbox
from hoering.services.planning import plan_meetings, read_plan_file
from hoering.services.registry import load_registry
from tests.support import EXAMPLES, jyfe


def test_mails_are_signed_with_the_secretariat_the_registry_holds(rt, sink, tmp_path: Path):
    data = yaml.safe_load(DEFAULT_REGISTRY.read_text(encoding="utf-8"))
    data["secretariat"]["name"] = "Nordjysk Socialsekretariat (test)"
    renamed = tmp_path / "registry.yaml"
    renamed.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    load_registry(rt, renamed)

    open_hearing(rt, jyfe())
    assert send_outbox(rt).sent == 11
    for message in sink.messages:
        text = message.get_body(preferencelist=("plain",)).get_content()
        html = message.get_body(preferencelist=("html",)).get_content()
        assert "Denne mail er sendt automatisk af Nordjysk Socialsekretariat (test)." in text
        assert "Nordjysk Socialsekretariat (test)" in html
        assert "Sekretariat for Nordjysk Socialaftale" not in text
    das = plan_meetings(rt, read_plan_file(EXAMPLES / "das-2021" / "plan-das-2021.yaml"))[0]
    assert document_view(rt, das, "agenda")["secretariat"] == "Nordjysk Socialsekretariat (test)"


def test_the_mail_package_imports_nothing_from_the_services():
    import grimp

    graph = grimp.build_graph("hoering", cache_dir=None)
    mail = {m for m in graph.modules if m == "hoering.mail" or m.startswith("hoering.mail.")}
    wrong = {(m, i) for m in mail for i in graph.find_modules_directly_imported_by(m)
             if i.startswith("hoering.services")}
    assert not wrong
