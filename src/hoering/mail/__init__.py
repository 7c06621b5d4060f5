"""E-mail: rendering (Jinja2 + Babel), the outbox, and the aiosmtplib sender."""
