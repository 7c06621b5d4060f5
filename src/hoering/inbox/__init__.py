"""Mail that comes back: replies, auto-replies and bounces read from the secretariat's mailbox.

The pieces, each one concept: ``parse`` (raw bytes to an :class:`~hoering.inbox.parse.Incoming`),
``classify`` (auto-reply and bounce detection), ``reply_text`` (quotes and signatures stripped),
``read_answer`` (the reply's text read against a hearing's options, never guessing),
``return_date`` (an out-of-office's return date) and ``fetch`` (IMAP). The keys of reply and bounce
addresses are derived in ``hoering.tokens``. Nothing here touches the database; the use cases are in
``hoering.services.inbox``.
"""
