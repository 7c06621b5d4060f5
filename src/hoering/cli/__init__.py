"""The ``hoering`` command line (Typer). Commands call services; nothing else."""
