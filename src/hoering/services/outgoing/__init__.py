"""Every mail hoering sends, decided here: which mail goes to whom, when, under which outbox key.

One module per occasion — ``hearings`` (invitations, reminders, deadline changes, receipts,
results), ``meetings`` (the governance cycle's mails), ``status`` (the directors' status),
``failures`` (the notice to the secretariat when a kommune cannot be reached) — all built on
``common``. The ``hoering.mail`` package below only renders, queues and sends: it knows no
hearing, meeting or person, and the sender is handed ``failures.notify_undeliverable`` as its
callback for a message that can never be delivered.
"""
