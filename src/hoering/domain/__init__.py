"""Pure rules of the domain. Nothing here imports SQLAlchemy, Prefect, Jinja2 or aiosmtplib."""
