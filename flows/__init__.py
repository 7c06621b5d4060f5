"""Prefect flows: thin, each task one service call taking ids and primitives.

Nothing here runs at import time: runners and workers import these modules freely.
"""
