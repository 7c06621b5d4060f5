"""How ``hoering web`` logs: uvicorn's text lines, or with ``HOERING_LOG_FORMAT=json`` one JSON
object per line (time, level, logger, message, the request id) for a log collector.

Either way no answer link's token and no e-mail address reaches the log: tokens in paths become
``/svar/…`` (an answer link is a password to a kommune's answer) and addresses ``[adresse]``
(personal data, which a log shipped to a monitoring system must not carry)."""

from __future__ import annotations

import copy
import json
import logging
import re
from datetime import UTC, datetime
from typing import Any

from hoering.web.request_id import current_request_id

TOKEN_IN_PATH = re.compile(r"(/svar/|/referat/\d+/\d+/)[^/?\s\"]+")
ADDRESS = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")


def redact(text: str) -> str:
    return ADDRESS.sub("[adresse]", TOKEN_IN_PATH.sub(r"\1…", text))


class RedactTokens(logging.Filter):
    """Keep answer and approval tokens (and addresses) out of the log: ``/svar/<token>`` is
    logged as ``/svar/…`` (and ``/referat/<meeting>/<person>/…``)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(redact(a) if isinstance(a, str) else a for a in record.args)
        return True


class JsonLines(logging.Formatter):
    """One JSON object per record: time (UTC), level, logger, message, request_id when a request
    is being served, and the error (its type and redacted text; no traceback, whose frames can
    hold personal data)."""

    def format(self, record: logging.LogRecord) -> str:
        data: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(), "logger": record.name, "message": redact(record.getMessage())}
        request_id = current_request_id.get()
        if request_id:
            data["request_id"] = request_id
        if record.exc_info and record.exc_info[1] is not None:
            error = record.exc_info[1]
            data["error"] = f"{type(error).__name__}: {redact(str(error))}"[:1000]
        return json.dumps(data, ensure_ascii=False)


def log_config(log_format: str) -> dict[str, Any]:
    """uvicorn's logging configuration with :class:`RedactTokens` on every handler, and for
    ``json`` the :class:`JsonLines` formatter (worker processes are spawned, so both are named in
    the configuration they load); hoering's own loggers write through the same handler."""
    from uvicorn.config import LOGGING_CONFIG

    config: dict[str, Any] = copy.deepcopy(LOGGING_CONFIG)
    config["filters"] = {"redact_tokens": {"()": "hoering.cli.logformat.RedactTokens"}}
    for handler in config["handlers"].values():
        handler["filters"] = ["redact_tokens"]
    if log_format == "json":
        config["formatters"] = {name: {"()": "hoering.cli.logformat.JsonLines"} for name in config["formatters"]}
    config["loggers"]["hoering"] = {"handlers": ["default"], "level": "INFO", "propagate": False}
    return config
