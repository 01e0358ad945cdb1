"""Replaying history for audits: as known at a moment, what changed, and tamper evidence.

Everything here reads the event store itself (never the live read models), because
an audit must not depend on derived data that could have been rebuilt since.
The dashboard and the CLI both go through `audit.api`.
"""
