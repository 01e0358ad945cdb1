"""Subcommands of the `casejourney` CLI, one module per feature."""
