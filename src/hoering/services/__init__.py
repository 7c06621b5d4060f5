"""Use cases. A flow task, a CLI command and a web handler all call these."""
