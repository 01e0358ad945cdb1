"""JSON Lines files at the edge: reading lines, ingesting them, keeping the rejects."""
