# A real single-node Kafka broker (KRaft) for development and tests: see scripts/kafka.sh.
# `make kafka-up` prints host:port; export it as KAFKA_BOOTSTRAP_SERVERS to point tools at it.
.PHONY: kafka-up kafka-down kafka-status

kafka-up:
	@scripts/kafka.sh up

kafka-down:
	@scripts/kafka.sh down

kafka-status:
	@scripts/kafka.sh status
