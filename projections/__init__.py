"""Read models and alerts projected from the event store's notification log."""
