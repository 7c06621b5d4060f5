"""Prefect flows: thin, each task one service call taking ids and primitives.

No flow or task runs at import time: runners and workers import these modules freely. The one
thing importing them does is set up the process's garbage collector for a flow run (see
``hoering.collector.for_flows``): a run's process is spawned for it, imports, runs and ends.
"""

from hoering import collector

collector.for_flows()
