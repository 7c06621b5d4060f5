"""``python -m bench.fuzz [--requests N] [--sqlite]``: schemathesis against ``hoering web`` on
PostgreSQL, over real HTTP: the API (its own OpenAPI schema, positive and negative cases, with the
API token) and the answer and secretariat routes (described by a hand-written schema below, since
they are HTML forms outside the API's schema). Reports how many requests were made and every
response >= 500; exit 1 if there was one.

Generated values mix the real thing (valid answer links, their CSRF fields, the logged-in
session's CSRF field, real option keys) with anything Hypothesis makes up (control characters,
huge strings, other types), so the requests reach the code behind the CSRF and link checks.
Each request comes through a trusted proxy with its own X-Forwarded-For, so the guess budgets do
not turn the whole run into 429s.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import subprocess
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import requests
from sqlalchemy import select

from bench.common import OUT, ROOT, fresh_database, hoering_env
from hoering.mail.sink import free_port

AT = "2014-05-01T10:00"
OPENED = datetime(2014, 4, 29, 8, 0, tzinfo=UTC)
API_TOKEN = "fuzz-api-token-0123456789abcdef"
PASSWORD = "fuzz-adgangskode"
NONCE = "fuzz-csrf-nonce-0123456789"


def prepare(url: str, home: Path) -> dict[str, Any]:
    from hoering.db.migrate import upgrade
    from hoering.db.models import AnswerToken
    from hoering.runtime import bootstrap, forget_databases
    from hoering.services.hearings import open_hearing, read_hearing_file
    from hoering.services.registry import load_registry
    from hoering.settings import load_settings
    from hoering.tokens import derive_token
    from hoering.web.security import Csrf, answer_scope, hash_password

    rt = bootstrap(load_settings(database_url=url, home=home, secret_key="bench-secret-key"),
                   clock=lambda: OPENED)
    upgrade(rt.db)
    load_registry(rt)
    hids = [open_hearing(rt, read_hearing_file(ROOT / "examples" / name), again=True)
            for name in ("jyfe.yaml", "jyfe-equal.yaml")]
    with rt.db.read() as s:
        tokens = [derive_token(rt.secret, n) for n in s.scalars(select(AnswerToken.nonce))]
    csrf = Csrf(rt.secret)
    fields = {t: csrf.field_for(NONCE, answer_scope(t)) for t in tokens}
    prepared = {"hearings": hids, "tokens": tokens, "fields": fields, "hash": hash_password(PASSWORD)}
    forget_databases()
    return prepared


def form_schema(p: dict[str, Any], session_field: str) -> dict[str, Any]:
    """OpenAPI 3 for the HTML routes; each value is the real thing or anything at all."""
    tokens, fields = p["tokens"][:4], [p["fields"][t] for t in p["tokens"][:4]]

    def either(values: list[Any]) -> dict[str, Any]:
        return {"anyOf": [{"enum": values}, {"type": "string"}]}

    def form(props: dict[str, Any]) -> dict[str, Any]:
        return {"required": True, "content": {"application/x-www-form-urlencoded": {
            "schema": {"type": "object", "properties": props}}}}

    token = [{"name": "token", "in": "path", "required": True, "schema": either(tokens)}]
    hearing = [{"name": "hearing_id", "in": "path", "required": True,
                "schema": {"anyOf": [{"enum": p["hearings"]}, {"type": "integer"}, {"type": "string"}]}}]
    ok = {"default": {"description": "any"}}
    answer = form({"csrf": either(fields), "hearing": either([str(h) for h in p["hearings"]]),
                   "option": either(["pulje", "udbetaling"]), "text": {"type": "string"},
                   "comment": {"type": "string"}})
    return {"openapi": "3.0.3", "info": {"title": "forms", "version": "1"}, "paths": {
        "/svar/{token}": {"get": {"parameters": token, "responses": ok},
                          "post": {"parameters": token, "requestBody": answer, "responses": ok}},
        "/svar/{token}/kvittering": {"get": {"parameters": token, "responses": ok}},
        "/sekretariat": {"get": {"responses": ok}},
        "/sekretariat/login": {"get": {"responses": ok}, "post": {
            "requestBody": form({"password": either([PASSWORD]), "csrf": {"type": "string"}}), "responses": ok}},
        "/sekretariat/hoering/{hearing_id}": {"get": {"parameters": hearing, "responses": ok}},
        "/sekretariat/hoering/{hearing_id}/paamind": {"post": {"parameters": hearing, "responses": ok,
            "requestBody": form({"csrf": either([session_field]), "click": {"type": "string"}})}},
        "/sekretariat/hoering/{hearing_id}/luk": {"post": {"parameters": hearing, "responses": ok,
            "requestBody": form({"csrf": either([session_field]), "force": either(["ja"])})}},
    }}


def run_operations(operations: list[Any], base: str, target: int, *, headers: dict[str, str],
                   cookies: dict[str, str], counts: Counter[int], errors: list[str], mode: Any) -> int:
    from hypothesis import HealthCheck, given, settings

    made = 0
    per_operation = max(10, target // max(1, len(operations)))
    with requests.Session() as session:
        for operation in operations:

            @settings(max_examples=per_operation, deadline=None, database=None,
                      suppress_health_check=list(HealthCheck))
            @given(case=operation.as_strategy(generation_mode=mode))
            def call(case: Any) -> None:
                nonlocal made
                forwarded = f"10.{random.randrange(256)}.{random.randrange(256)}.{random.randrange(1, 255)}"
                response = case.call(base_url=base, session=session, cookies=cookies,
                                     headers={**headers, "X-Forwarded-For": forwarded}, timeout=60)
                made += 1
                counts[response.status_code] += 1
                if response.status_code >= 500:
                    errors.append(f"{case.method} {case.formatted_path} -> {response.status_code}: "
                                  f"{response.text[:200]!r}")

            call()
    return made


def main(argv: list[str]) -> int:
    import schemathesis
    from schemathesis.generation.modes import GenerationMode

    parser = argparse.ArgumentParser(prog="python -m bench.fuzz")
    parser.add_argument("--requests", type=int, default=10_000)
    parser.add_argument("--sqlite", action="store_true", help="SQLite instead of PostgreSQL")
    args = parser.parse_args(argv)
    started = time.monotonic()
    with tempfile.TemporaryDirectory() as tmp, fresh_database("sqlite" if args.sqlite else "postgres",
                                                              Path(tmp)) as url:
        home = Path(tmp)
        p = prepare(url, home)
        port = free_port()
        env = hoering_env(home, url, HOERING_ADMIN_PASSWORD_HASH=p["hash"], HOERING_API_TOKEN=API_TOKEN,
                          HOERING_TRUSTED_PROXIES="127.0.0.1", HOERING_PORTAL_URL=f"http://127.0.0.1:{port}")
        log = (home / "web.log").open("wb")
        server = subprocess.Popen([sys.executable, "-m", "hoering.cli.main", "--at", AT, "web", "--port", str(port)],
                                  cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        base = f"http://127.0.0.1:{port}"
        try:
            for _ in range(300):
                try:
                    httpx.get(base + "/", timeout=1)
                    break
                except httpx.TransportError:
                    time.sleep(0.2)
            with httpx.Client(base_url=base, follow_redirects=False) as c:
                page = c.get("/sekretariat/login")
                field = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)  # type: ignore[union-attr]
                assert c.post("/sekretariat/login", data={"password": PASSWORD, "csrf": field}).status_code == 303
                session_field = re.search(r'name="csrf" value="([^"]+)"',  # type: ignore[union-attr]
                                          c.get(f"/sekretariat/hoering/{p['hearings'][0]}").text).group(1)
                cookies = {"hoering_session": c.cookies["hoering_session"], "hoering_csrf": c.cookies["hoering_csrf"]}
            api = [r.ok() for r in schemathesis.openapi.from_url(base + "/api/openapi.json").get_all_operations()]
            forms = [r.ok() for r in schemathesis.openapi.from_dict(form_schema(p, session_field)).get_all_operations()]
            counts: Counter[int] = Counter()
            errors: list[str] = []
            made = 0
            auth = {"Authorization": f"Bearer {API_TOKEN}"}
            rounds = 0
            while made < args.requests and rounds < 20:
                rounds += 1
                left = args.requests - made
                for ops, headers, cookie_jar, modes in (
                        (api, auth, {}, (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)),
                        (forms, {}, {**cookies, "hoering_csrf": NONCE}, (GenerationMode.POSITIVE,))):
                    for mode in modes:
                        made += run_operations(ops, base, left // 3, headers=headers, cookies=cookie_jar,
                                               counts=counts, errors=errors, mode=mode)
        finally:
            server.terminate()
            server.wait(timeout=30)
            log.close()
        server_log = (home / "web.log").read_text(errors="replace")
    result = {"requests": made, "server_errors": len(errors), "statuses": dict(sorted(counts.items())),
              "database": "sqlite" if args.sqlite else "postgresql", "seconds": round(time.monotonic() - started, 1),
              "tracebacks_in_server_log": server_log.count("Traceback"), "first_errors": errors[:10]}
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "fuzz.json").write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))
    return 1 if errors or result["tracebacks_in_server_log"] else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
