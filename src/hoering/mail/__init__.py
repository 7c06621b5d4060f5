"""E-mail: rendering (Jinja2), the outbox, and the aiosmtplib sender."""
