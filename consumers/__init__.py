"""Adapters from the outside world (Kafka, files) to commands on the domain."""
