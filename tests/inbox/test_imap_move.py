"""The reader moves processed mail with the server's atomic UID MOVE, not COPY + EXPUNGE.

imaplib keeps the capabilities announced before login; Dovecot names MOVE only after it. With the
pre-login list imap-tools copies then expunges, and a reader killed between the two leaves a
second copy in the processed folder (the inbox kill test saw 250 copies of 200 messages)."""

from __future__ import annotations

from hoering.inbox.fetch import ImapConfig, connect, mark_processed, waiting_uids
from tests.inbox.support import Mailbox


def test_processed_mail_is_moved_atomically(mailbox: Mailbox):
    mailbox.append([b"From: a@b.example\r\nSubject: x\r\nMessage-ID: <m1@b.example>\r\n\r\nJa tak\r\n"])
    server = mailbox.server
    config = ImapConfig(host=server.host, port=server.imaps_port, username=server.user,
                        password=server.password, ca_file=server.ca_file)
    with connect(config) as box:
        assert "MOVE" in box.client.capabilities
        sent: list[str] = []
        real_uid = box.client.uid

        def spy(command, *args):
            sent.append(command.upper())
            return real_uid(command, *args)

        box.client.uid = spy  # type: ignore[method-assign]
        mark_processed(box, waiting_uids(box, config), config)
    assert "MOVE" in sent and "COPY" not in sent
    assert mailbox.count("INBOX") == 0 and mailbox.count("Behandlet") == 1
