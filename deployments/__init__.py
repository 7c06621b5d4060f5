"""Prefect deployments of the flows in ``flows/``: what runs, and on which schedule."""
