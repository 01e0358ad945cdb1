"""Shared test helpers: real servers started for the suite, event builders."""
