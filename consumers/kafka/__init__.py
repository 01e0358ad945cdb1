"""Kafka at the edge: clients, topics, consuming into the store, publishing, dead letters."""
