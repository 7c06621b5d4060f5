"""The database adapter: tables, sessions, migrations."""
