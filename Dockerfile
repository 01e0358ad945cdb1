# One image for every casejourney service in docker-compose.yml: the Kafka consumer,
# the one-shot topic creation and the dashboard differ only in their command.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# psycopg 3 (the PostgreSQL store) talks to the server through libpq.
RUN apt-get update \
    && apt-get install -y --no-install-recommends libpq5 \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY pyproject.toml README.md ./
COPY domain ./domain
COPY store ./store
COPY audit ./audit
COPY synthetic ./synthetic
COPY casejourney ./casejourney
COPY consumers ./consumers
COPY projections ./projections
COPY dashboard ./dashboard
RUN pip install .

# Never run as root; the SQLite default (unused in compose) would live in this home.
RUN useradd --create-home --uid 10001 casejourney
USER casejourney

CMD ["casejourney", "consume"]
