"""The event store: the only room that speaks SQL to the eventsourcing library's tables.

Family streams are written and read here (FamilyStore), many per round trip
(streams), with the plain-JSON codec and the notification-log reads every
follower and audit needs, so no room above has to know the library's tables or
whether the database is SQLite or PostgreSQL.
"""
